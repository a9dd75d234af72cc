"""Which sender-authentication verdict a mail gets: the SMTP listener's own check for mail it
received, else (IMAP, provider webhooks) the Authentication-Results of an upstream the mail's
channel trusts, else unverified with the reason. Whatever goes wrong here leaves the mail
unverified, never lost."""

from __future__ import annotations

import logging

from minidesk.channels.email import authresults, config, senderauth
from minidesk.channels.email.parse import ParsedMail

log = logging.getLogger(__name__)


def from_domain(mail: ParsedMail) -> str | None:
    """The domain to authenticate: only a mail with exactly one From address has one."""
    return senderauth.domain_of(mail.from_address) if mail.from_count == 1 else None


def authenticate(
    mail: ParsedMail, channel: config.Address | None, smtp: senderauth.AuthResult | None
) -> senderauth.AuthResult:
    """The listener's own check for mail it received, else what a trusted upstream recorded.

    Mail that reached our listener directly passed no trusted upstream: any
    Authentication-Results header in it was written by the sender, whatever id it names."""
    if smtp is not None:
        return smtp
    trusted = channel.trusted_authserv_ids if channel else ()
    try:
        upstream = authresults.from_headers(mail.auth_results, trusted, from_domain(mail))
    except Exception as exc:  # a DNS fault, or a header no check foresaw: unverified, kept
        log.info("email: authentication results not read: %s", type(exc).__name__)
        upstream = senderauth.AuthResult(from_domain(mail), "header",
                                         reason=f"not checked: {type(exc).__name__}")  # fmt: skip
    return upstream or senderauth.AuthResult(
        from_domain(mail), reason="no authentication results from a trusted server"
    )
