"""Building an outgoing mail: threading headers, signed Reply-To, text and HTML, attachments."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from minidesk.channels.base import OutboundMessage
from minidesk.channels.email import tokens
from minidesk.channels.text import one_line
from minidesk.db import utcnow

# RFC 5322 does not cap References, but some servers reject huge headers; the root and the
# most recent ids are what clients thread on.
MAX_REFERENCES = 20
REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|antw)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class OutgoingFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Context:
    """What the adapter looked up for one outgoing mail."""

    address: str
    from_name: str
    signature: str
    message_id: str
    thread_ids: list[str]
    in_reply_to: str | None
    files: list[OutgoingFile] = field(default_factory=list)
    # The mailbox's own outgoing server, else MINIDESK_SMTP_URL.
    smtp_url: str = ""


def reply_subject(subject: str, ticket_id: int) -> str:
    base = one_line(subject) or "Your request"
    if not REPLY_PREFIX.match(base):
        base = f"Re: {base}"
    return tokens.subject_with_token(base, ticket_id)


def _html_from_text(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n{2,}", text.strip()) if p]
    return "".join(f"<p>{html_lib.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def compose(message: OutboundMessage, context: Context) -> EmailMessage:
    mail = EmailMessage()
    # Names and file names are made one line here too, whatever rows written before the
    # inbound boundary cleaned them hold: a line break would fail (or inject) the header.
    mail["From"] = formataddr((one_line(context.from_name), context.address))
    name = one_line(message.recipient.get("name") or "")
    mail["To"] = formataddr((name, message.recipient["email"]))
    mail["Subject"] = reply_subject(message.subject, message.ticket_id)
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = f"<{context.message_id}>"
    mail["Reply-To"] = tokens.plus_address(context.address, message.ticket_id)
    if context.in_reply_to:
        mail["In-Reply-To"] = f"<{context.in_reply_to}>"
    references = context.thread_ids[:1] + context.thread_ids[1:][-(MAX_REFERENCES - 1) :]
    if references:
        mail["References"] = " ".join(f"<{ref}>" for ref in references)
    mail["X-Minidesk-Ticket"] = str(message.ticket_id)
    if message.automated:
        # RFC 3834: responders must not answer this; Outlook's own header says the same.
        mail["Auto-Submitted"] = "auto-replied"
        mail["X-Auto-Response-Suppress"] = "All"
    text = message.text.rstrip()
    html = message.html or _html_from_text(message.text)
    if context.signature:
        text += f"\n\n-- \n{context.signature}"
        html += f'<div class="signature">{_html_from_text(context.signature)}</div>'
    mail.set_content(text + "\n")
    mail.add_alternative(f"<html><body>{html}</body></html>", subtype="html")
    for file in context.files:
        maintype, _, subtype = file.content_type.partition("/")
        mail.add_attachment(
            file.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=one_line(file.filename) or "attachment",
        )
    return mail
