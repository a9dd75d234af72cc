"""Who really sent a mail: SPF, DKIM and DMARC alignment, as the built-in SMTP listener checks
them itself (pyspf, dkimpy), and the verdict that makes a sender ``verified``.

A mail is verified when its one From domain is authenticated: an SPF pass for the MAIL FROM
domain, or a valid DKIM signature, by a domain aligned with the From domain (the same
organisational domain, or exactly the same one where the domain's DMARC record asks for
strict alignment). That is DMARC's own test; it is applied even when the domain publishes no
DMARC record, because the record only tells receivers what to do with failures. Anything less
(no signature, a signature by another domain, a DNS fault) is unverified: the mail still
becomes a ticket, the bot just moves no money and discloses nothing for it.

Every DNS question goes through ``resolve``, the one seam tests replace with a fake zone.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import dkim
import dns.exception
import dns.resolver
import spf
from publicsuffixlist import PublicSuffixList

log = logging.getLogger(__name__)

# A slow or absent resolver must not hold a mail for long: 5 s per question, and pyspf's
# own budget for all of one check's questions.
DNS_SECONDS = 5.0
SPF_SECONDS = 15
# Real mail carries one or two signatures (the author's, a list's); more is noise or abuse.
MAX_SIGNATURES = 5
DKIM_MIN_KEY_BITS = 1024
DKIM_SIGNATURE = re.compile(rb"^dkim-signature:", re.IGNORECASE | re.MULTILINE)
HEADER_END = re.compile(rb"\r?\n\r?\n")

_suffixes = PublicSuffixList()
# One resolver for the process, with dnspython's cache (answers kept for their TTL): a busy
# sender's SPF, DKIM key and DMARC record are asked once, not for every mail.
_resolver: dns.resolver.Resolver | None = None


def _dns() -> dns.resolver.Resolver:
    global _resolver
    if _resolver is None:
        _resolver = dns.resolver.Resolver()
        _resolver.cache = dns.resolver.LRUCache(10_000)
    return _resolver


class DnsTempError(Exception):
    """The resolver did not answer (time-out, SERVFAIL): neither a yes nor a no."""


def resolve(name: str, rdtype: str) -> list[str]:
    """Records of ``rdtype`` (TXT, A, AAAA, MX, PTR) at ``name`` as text: TXT strings
    joined, MX as ``"preference exchange"``; empty when the name or the type does not exist.
    The only function here that asks DNS."""
    try:
        answer = _dns().resolve(name, rdtype, lifetime=DNS_SECONDS, search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.DNSException, OSError) as exc:
        raise DnsTempError(f"DNS {rdtype} {name}: {type(exc).__name__}") from exc
    records: list[str] = []
    for rdata in answer:
        if rdtype == "TXT":
            records.append(b"".join(rdata.strings).decode("utf-8", "replace"))
        elif rdtype == "MX":
            records.append(f"{rdata.preference} {rdata.exchange.to_text(omit_final_dot=True)}")
        elif rdtype == "PTR":
            records.append(rdata.target.to_text(omit_final_dot=True))
        else:
            records.append(rdata.to_text())
    return records


def _spf_lookup(name: str, qtype: str, *_options: Any) -> list[tuple[tuple[str, str], Any]]:
    """pyspf's DNS hook, answered through ``resolve`` in the shapes pyspf expects."""
    try:
        records = resolve(name, qtype)
    except DnsTempError as exc:
        raise spf.TempError(str(exc)) from exc
    values: list[Any] = []
    for record in records:
        if qtype in ("TXT", "SPF"):
            values.append((record.encode(),))
        elif qtype == "MX":
            preference, _, exchange = record.partition(" ")
            values.append((int(preference), exchange))
        else:
            values.append(record)
    return [((name, qtype), value) for value in values]


# pyspf has no per-query resolver argument; its module-level hook is the documented way in.
spf.DNSLookup = _spf_lookup


def _dkim_txt(name: bytes | str, timeout: float = DNS_SECONDS) -> bytes | None:
    """dkimpy's DNS hook: the key record at ``name``."""
    text = name.decode("ascii", "replace") if isinstance(name, bytes) else name
    records = resolve(text.rstrip("."), "TXT")
    return records[0].encode() if records else None


@dataclass(frozen=True)
class Peer:
    """The SMTP client as our listener saw it: what SPF is checked against."""

    ip: str
    mail_from: str
    helo: str


@dataclass(frozen=True)
class AuthResult:
    """What was checked and the verdict; stored on the message (meta ``auth``) for agents."""

    from_domain: str | None
    source: str = "none"  # "smtp" (checked by our listener), "header:<authserv-id>", "none"
    spf: str = "none"  # pass, fail, softfail, neutral, none, temperror, permerror
    spf_domain: str | None = None
    dkim: str = "none"  # pass (a valid signature), fail, none, temperror
    dkim_domains: tuple[str, ...] = field(default=())
    dmarc: str = "none"  # pass, fail, none (not evaluated), temperror
    policy: str | None = None  # the DMARC record's p=, when there is one
    verified: bool = False
    reason: str = ""

    def as_meta(self) -> dict[str, Any]:
        return {
            "source": self.source, "from_domain": self.from_domain, "spf": self.spf,
            "spf_domain": self.spf_domain, "dkim": self.dkim,
            "dkim_domains": list(self.dkim_domains), "dmarc": self.dmarc,
            "policy": self.policy, "verdict": "pass" if self.verified else "fail",
            "reason": self.reason,
        }  # fmt: skip

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> AuthResult:
        """Back from ``as_meta``: a quarantined mail retried keeps what was checked when it
        arrived (the SMTP conversation cannot be had again)."""
        return cls(
            meta.get("from_domain"), str(meta.get("source", "none")),
            str(meta.get("spf", "none")), meta.get("spf_domain"), str(meta.get("dkim", "none")),
            tuple(meta.get("dkim_domains") or ()), str(meta.get("dmarc", "none")),
            meta.get("policy"), meta.get("verdict") == "pass", str(meta.get("reason", "")),
        )  # fmt: skip


def domain_of(address: str | None) -> str | None:
    if not address or "@" not in address:
        return None
    return address.rsplit("@", 1)[1].strip().strip(".").lower() or None


def organisational_domain(domain: str) -> str:
    """``mail.shop.example.co.uk`` → ``shop.example.co.uk``'s registrable part (the PSL)."""
    return _suffixes.privatesuffix(domain.lower()) or domain.lower()


def aligned(domain: str, from_domain: str, strict: bool) -> bool:
    domain, from_domain = domain.lower().strip("."), from_domain.lower().strip(".")
    if strict:
        return domain == from_domain
    return organisational_domain(domain) == organisational_domain(from_domain)


def dmarc_record(from_domain: str) -> dict[str, str] | None:
    """The DMARC tags for ``from_domain`` (its own record, else its organisational
    domain's), or None when neither publishes one."""
    for domain in dict.fromkeys([from_domain, organisational_domain(from_domain)]):
        for record in resolve(f"_dmarc.{domain}", "TXT"):
            if record.strip().lower().startswith("v=dmarc1"):
                tags = (part.partition("=") for part in record.split(";"))
                return {k.strip().lower(): v.strip().lower() for k, _, v in tags if k.strip()}
    return None


def evaluate(
    from_domain: str | None, *, source: str, spf_result: str, spf_domain: str | None,
    dkim_result: str, dkim_domains: tuple[str, ...],
) -> AuthResult:  # fmt: skip
    """DMARC's alignment test over the SPF and DKIM results."""
    base = AuthResult(from_domain, source, spf_result, spf_domain, dkim_result, dkim_domains)
    if from_domain is None:
        return _with(base, dmarc="none", reason="no single From domain to authenticate")
    try:
        record = dmarc_record(from_domain)
    except DnsTempError as exc:
        return _with(base, dmarc="temperror", reason=str(exc))
    tags = record or {}
    spf_ok = (
        spf_result == "pass"
        and spf_domain is not None
        and aligned(spf_domain, from_domain, tags.get("aspf") == "s")
    )
    dkim_ok = any(aligned(d, from_domain, tags.get("adkim") == "s") for d in dkim_domains)
    verified = spf_ok or dkim_ok
    dmarc = ("pass" if verified else "fail") if record is not None else "none"
    why = (
        "DKIM signature aligned with the From domain" if dkim_ok
        else "SPF pass aligned with the From domain" if spf_ok
        else "neither SPF nor DKIM passed for the From domain"
    )  # fmt: skip
    return _with(base, dmarc=dmarc, policy=tags.get("p"), verified=verified, reason=why)


def _with(result: AuthResult, **values: Any) -> AuthResult:
    return AuthResult(**{**result.__dict__, **values})


def check_spf(ip: str, mail_from: str, helo: str) -> tuple[str, str | None]:
    """SPF for the MAIL FROM domain (the HELO name for bounces, whose MAIL FROM is empty)."""
    sender = mail_from if "@" in mail_from else f"postmaster@{helo}"
    try:
        result, _ = spf.check2(i=ip, s=sender, h=helo or "unknown", querytime=SPF_SECONDS)
    except Exception as exc:  # pyspf raises for malformed input it should have classified
        log.info("spf: %s for %s from %s", type(exc).__name__, sender, ip)
        result = "permerror"
    return str(result), domain_of(sender)


def check_dkim(raw: bytes) -> tuple[str, tuple[str, ...]]:
    """The domains (d=) of the valid DKIM signatures of ``raw``."""
    found = HEADER_END.search(raw)
    count = len(DKIM_SIGNATURE.findall(raw[: found.start()] if found else raw))
    if count == 0:
        return "none", ()
    passed: list[str] = []
    temporary = False
    for index in range(min(count, MAX_SIGNATURES)):
        checker = dkim.DKIM(raw, minkey=DKIM_MIN_KEY_BITS, timeout=int(DNS_SECONDS))
        try:
            if checker.verify(idx=index, dnsfunc=_dkim_txt) and checker.domain:
                passed.append(checker.domain.decode("ascii", "replace").lower())
        except DnsTempError:
            temporary = True
        except Exception as exc:  # dkimpy raises for every malformed signature or key
            log.info("dkim: signature %s: %s", index, type(exc).__name__)
    if passed:
        return "pass", tuple(dict.fromkeys(passed))
    return ("temperror" if temporary else "fail"), ()


def check_smtp(raw: bytes, from_domain: str | None, ip: str, mail_from: str,
               helo: str) -> AuthResult:  # fmt: skip
    """The listener's own check of a mail it received from ``ip``; never raises."""
    try:
        spf_result, spf_domain = check_spf(ip, mail_from, helo)
        dkim_result, dkim_domains = check_dkim(raw)
        return evaluate(
            from_domain, source="smtp", spf_result=spf_result, spf_domain=spf_domain,
            dkim_result=dkim_result, dkim_domains=dkim_domains,
        )  # fmt: skip
    except Exception as exc:
        log.exception("sender authentication failed")
        return AuthResult(from_domain, "smtp", reason=f"not checked: {type(exc).__name__}")
