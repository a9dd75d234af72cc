"""Sender authentication as a trusted upstream server recorded it: the
``Authentication-Results`` header (RFC 8601) for mail that reached us over IMAP or a provider
webhook, where the SMTP conversation happened elsewhere.

Anyone can write that header into a mail, so only one is believed: the topmost one (the last
added, by the hop nearest to us) whose authserv-id the channel's admin listed as trusted —
the server that receives the mailbox's mail and, as RFC 8601 requires, removes headers that
claim its id from incoming mail. Headers with any other id, and any header below the trusted
one (written before that server saw the mail, so possibly by the sender), are ignored.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import authres

from minidesk.channels.email.senderauth import AuthResult, domain_of, evaluate

HEADER = "Authentication-Results"
# Results that mean "authenticated" in each method's vocabulary.
PASS = "pass"


def _parse(value: str) -> authres.AuthenticationResultsHeader | None:
    try:
        return authres.AuthenticationResultsHeader.parse(f"{HEADER}: {value}")
    except Exception:  # a malformed header is one we cannot trust
        return None


def _property(result: authres.core.AuthenticationResult, kind: str, name: str) -> str | None:
    for prop in result.properties:
        if prop.type == kind and prop.name == name and prop.value:
            return str(prop.value).strip()
    return None


def trusted_header(
    values: Sequence[str], trusted: Collection[str]
) -> authres.AuthenticationResultsHeader | None:
    """The topmost header of ``values`` (in the mail's order) by a trusted authserv-id."""
    wanted = {t.strip().lower() for t in trusted if t.strip()}
    if not wanted:
        return None
    for value in values:
        header = _parse(value)
        if header is not None and str(header.authserv_id).lower() in wanted:
            return header
    return None


def from_headers(
    values: Sequence[str], trusted: Collection[str], from_domain: str | None
) -> AuthResult | None:
    """The verdict recorded by the trusted upstream, or None when there is none."""
    header = trusted_header(values, trusted)
    if header is None:
        return None
    source = f"header:{str(header.authserv_id).lower()}"
    spf_result, spf_domain = "none", None
    dkim_result, dkim_domains = "none", []
    dmarc_result, dmarc_domain = None, None
    for result in header.results:
        method, outcome = str(result.method).lower(), str(result.result).lower()
        if method == "spf" and spf_result != PASS:
            spf_result = outcome
            sender = _property(result, "smtp", "mailfrom")
            spf_domain = domain_of(sender) or (sender.lower() if sender else None)
        elif method == "dkim":
            signer = _property(result, "header", "d") or domain_of(_property(result, "header", "i"))
            if outcome == PASS and signer:
                dkim_result = PASS
                dkim_domains.append(signer.lower())
            elif dkim_result != PASS:
                dkim_result = outcome
        elif method == "dmarc":
            dmarc_result = outcome
            dmarc_domain = (_property(result, "header", "from") or "").lower() or None
    dkim = (dkim_result, tuple(dkim_domains))
    if dmarc_result is None:
        return evaluate(
            from_domain, source=source, spf_result=spf_result, spf_domain=spf_domain,
            dkim_result=dkim[0], dkim_domains=dkim[1],
        )  # fmt: skip
    # The upstream evaluated DMARC itself: its word decides, for this From domain only.
    passed = (
        dmarc_result == PASS and from_domain is not None and dmarc_domain in (None, from_domain)
    )
    return AuthResult(
        from_domain, source, spf_result, spf_domain, dkim[0], dkim[1], dmarc=dmarc_result,
        verified=passed, reason=f"DMARC {dmarc_result} at {source.removeprefix('header:')}",
    )  # fmt: skip
