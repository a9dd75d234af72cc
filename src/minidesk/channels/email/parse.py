"""Raw MIME to a ``ParsedMail`` with the stdlib ``email`` package, never raising.

Real mail is messy: undeclared or unknown charsets, 8-bit bytes in headers, truncated
multiparts, missing headers. Every decode has a fallback and every defect is recorded, so the
caller can decide (ticket, or quarantine with the reason) instead of crashing.

Hostile mail is bounded: the stdlib parser recurses once per nested multipart (a thousand
levels overflow the interpreter's stack), so a mail declaring more containers than any real
mail needs is not parsed past its headers, and depth and part count are checked again on the
parsed tree. Such a mail comes back with ``unreadable`` set, for the caller to quarantine.
"""

from __future__ import annotations

import contextlib
import email
import email.header
import email.parser
import email.utils
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import policy
from email.message import Message

from minidesk.channels.email.htmltext import html_to_text
from minidesk.channels.text import one_line

# Tried in order when a part's declared charset is unknown or wrong; latin-1 decodes any byte.
FALLBACK_CHARSETS = ("utf-8", "cp1252", "latin-1")
MESSAGE_ID = re.compile(r"<([^<>\s\x00-\x1f\x7f]{1,900})>")
# RFC 5321's limit on a path; longer is no one's address (and over the column's size).
MAX_ADDRESS = 254
# The size of the columns attachment names, types and content ids are stored in.
MAX_PART_FIELD = 255
# NUL and other C0 controls (but tab and line breaks) in text: unreadable, and PostgreSQL
# rejects NUL outright.
TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
# Bounds for hostile structure. Real mail nests a handful of levels (a forwarded mail with
# alternatives and attachments is 4-5 deep) and carries tens of parts; the stdlib parser
# recurses per container, so these keep it far below the interpreter's recursion limit, and
# keep a mail of tiny parts from becoming thousands of attachment rows.
MAX_CONTAINERS = 100
MAX_DEPTH = 25
MAX_PARTS = 250
# Authentication-Results headers read (only the topmost trusted one counts; see authresults).
MAX_AUTH_RESULTS = 20
# Every multipart/* or message/* header, folded or not: an upper bound on what the parser
# would recurse into, counted before parsing.
CONTAINER_HEADER = re.compile(
    rb"^content-type:[ \t]*(?:\r?\n[ \t]+)*\"?(?:multipart|message)/",
    re.IGNORECASE | re.MULTILINE,
)
# What loop protection and the timeline need; the rest stays in the stored original.
KEPT_HEADERS = (
    "Auto-Submitted", "Precedence", "List-Id", "X-Autoreply", "X-Autorespond",
    "X-Auto-Response-Suppress", "Return-Path", "X-Failed-Recipients", "Date",
)  # fmt: skip


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str | None = None


@dataclass
class ParsedMail:
    raw_sha256: str
    message_id: str | None
    from_address: str | None
    from_name: str
    subject: str
    recipients: list[str]
    reply_to: list[str]
    in_reply_to: list[str]
    references: list[str]
    text: str
    html: str | None
    attachments: list[ParsedAttachment]
    headers: dict[str, str]
    content_type: str
    defects: list[str] = field(default_factory=list)
    report_parts: list[Message] = field(default_factory=list)
    # Why the structure was not read (over a bound, or the parser failed): quarantine it.
    unreadable: str | None = None
    # How many addresses From names: DMARC authenticates only a mail with exactly one.
    from_count: int = 0
    # Every Authentication-Results header, topmost (last added) first.
    auth_results: list[str] = field(default_factory=list)

    @property
    def external_id(self) -> str:
        """The inbox dedup key: the Message-ID, or a hash of the bytes when there is none."""
        return self.message_id or f"sha256:{self.raw_sha256}"

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def decode_bytes(data: bytes, charset: str | None) -> str:
    for candidate in (charset, *FALLBACK_CHARSETS):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1", errors="replace")


def _first_headers(msg: Message) -> dict[str, str]:
    """Lower-cased name → the first value as sent. Built once per mail: looking each of a
    dozen names up by scanning every header line was a third of the parse time."""
    found: dict[str, str] = {}
    for key, value in msg.raw_items():
        found.setdefault(key.lower(), value)
    return found


def _clean_raw(value: object) -> str:
    """A header as sent, 8-bit bytes decoded with the fallback charsets, words not decoded."""
    text = str(value)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # surrogate escapes: undeclared 8-bit bytes
            text = decode_bytes(text.encode("utf-8", "surrogateescape"), None)
    return " ".join(text.split())


def _raw_header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name.lower())
    return "" if value is None else _clean_raw(value)


def decode_words(value: str) -> str:
    """RFC 2047 encoded-words decoded, an unknown charset falling back like a body would."""
    if "=?" not in value:
        return value
    try:
        chunks = email.header.decode_header(value)
    except Exception:
        return value
    decoded = [
        decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in chunks
    ]
    return "".join(decoded).strip()


def _header(headers: Mapping[str, str], name: str) -> str:
    return decode_words(_raw_header(headers, name))


def message_ids(value: str) -> list[str]:
    return MESSAGE_ID.findall(value)


def _addresses(headers: Mapping[str, str], names: tuple[str, ...]) -> list[tuple[str, str]]:
    # Split before decoding: a decoded name may hold a comma ("Larsen, Emma").
    values = [_raw_header(headers, name) for name in names]
    pairs = email.utils.getaddresses([v for v in values if v])
    return [
        (one_line(decode_words(n)), a.strip().lower())
        for n, a in pairs
        if "@" in a and len(a.strip()) <= MAX_ADDRESS and not TEXT_CONTROLS.search(a)
    ]


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def part_text(part: Message) -> str:
    return decode_bytes(_payload_bytes(part), part.get_content_charset())


class _TooComplex(Exception):
    """The parsed tree is over ``MAX_DEPTH`` or ``MAX_PARTS``."""


class _Walker:
    def __init__(self, mail: ParsedMail) -> None:
        self.mail = mail
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.parts = 0

    def walk(self, part: Message, depth: int = 0) -> None:
        self.parts += 1
        if depth > MAX_DEPTH:
            raise _TooComplex(f"MIME parts nested more than {MAX_DEPTH} deep")
        if self.parts > MAX_PARTS:
            raise _TooComplex(f"more than {MAX_PARTS} MIME parts")
        ctype = part.get_content_type()
        if ctype in {"message/rfc822", "text/rfc822-headers"}:
            if self.mail.content_type == "multipart/report":
                self.mail.report_parts.append(part)
            self._attach(part, default_name="message.eml")
            return
        if ctype == "message/delivery-status":
            self.mail.report_parts.append(part)
            return
        if part.is_multipart():
            children = part.get_payload()
            for child in children if isinstance(children, list) else []:
                if isinstance(child, Message):
                    self.walk(child, depth + 1)
            return
        disposition = part.get_content_disposition()
        filename = self._filename(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            (self.texts if ctype == "text/plain" else self.htmls).append(part_text(part))
            return
        self._attach(part)

    @staticmethod
    def _filename(part: Message) -> str | None:
        try:
            return part.get_filename()
        except Exception:
            return None

    def _attach(self, part: Message, default_name: str = "attachment") -> None:
        ctype = one_line(part.get_content_type(), MAX_PART_FIELD)
        if ctype.startswith("message/") or ctype == "text/rfc822-headers":
            inner = part.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else inner
            data = first.as_bytes() if isinstance(first, Message) else _payload_bytes(part)
        else:
            data = _payload_bytes(part)
        cid = one_line(_header(_first_headers(part), "Content-ID")).strip("<> ")
        content_id = cid[:MAX_PART_FIELD] or None
        inline = part.get_content_disposition() == "inline" or (
            content_id is not None and ctype.startswith("image/")
        )
        name = one_line(self._filename(part) or "", MAX_PART_FIELD) or default_name
        self.mail.attachments.append(
            ParsedAttachment(name, ctype, data, inline=inline, content_id=content_id)
        )


def parse(raw: bytes) -> ParsedMail:
    """Parse ``raw``; never raises. Problems are listed in ``defects``; a structure that
    cannot or must not be read sets ``unreadable`` (headers are still read when possible)."""
    containers = len(CONTAINER_HEADER.findall(raw))
    if containers > MAX_CONTAINERS:
        reason = f"{containers} nested or multipart MIME containers (at most {MAX_CONTAINERS})"
        return _headers_only(raw, reason)
    try:
        return _parse(raw)
    except Exception as exc:  # RecursionError included: a mail is never worth a crash
        return _headers_only(raw, f"MIME structure unreadable: {type(exc).__name__}")


def _headers_only(raw: bytes, reason: str) -> ParsedMail:
    """Who sent it and what it is called, for the quarantine list; the body is not read."""
    try:
        msg = email.parser.BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
        mail = _from_headers(msg, raw)
    except Exception:
        mail = _from_headers(Message(), raw)
    mail.unreadable = reason
    mail.defects.append(reason)
    return mail


def _from_headers(msg: Message, raw: bytes) -> ParsedMail:
    heads = _first_headers(msg)
    sender = _addresses(heads, ("From",)) or _addresses(heads, ("Sender", "Return-Path"))
    mail = ParsedMail(
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        message_id=next(iter(message_ids(_header(heads, "Message-ID"))), None),
        from_address=sender[0][1] if sender else None,
        from_name=sender[0][0] if sender else "",
        subject=one_line(_header(heads, "Subject"), 500),
        recipients=[a for _, a in _addresses(heads, RECIPIENT_HEADERS)],
        reply_to=[a for _, a in _addresses(heads, ("Reply-To",))],
        in_reply_to=message_ids(_header(heads, "In-Reply-To")),
        references=message_ids(_header(heads, "References")),
        text="",
        html=None,
        attachments=[],
        headers={},
        content_type=msg.get_content_type(),
    )
    for name in KEPT_HEADERS:
        if value := _header(heads, name):
            mail.headers[name.lower()] = value
    froms: list[str] = []
    for key, value in msg.raw_items():
        name = key.lower()
        if name == "from":
            froms.append(_clean_raw(value))
        elif name == "authentication-results" and len(mail.auth_results) < MAX_AUTH_RESULTS:
            mail.auth_results.append(_clean_raw(value))
    mail.from_count = sum("@" in a for _, a in email.utils.getaddresses(froms))
    return mail


def _parse(raw: bytes) -> ParsedMail:
    # compat32, not policy.default: its lazy header objects cost ~8x the parse time (0.5 ms
    # for a plain mail, 5 ms for a multipart one) and every header we read is decoded here,
    # with the charset fallbacks that real mail needs, anyway.
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    mail = _from_headers(msg, raw)
    walker = _Walker(mail)
    try:
        walker.walk(msg)
    except _TooComplex as exc:
        mail.unreadable = str(exc)
        mail.defects.append(str(exc))
        return mail
    except Exception as exc:  # the stdlib copes with most breakage; record what it does not
        mail.defects.append(f"MIME structure unreadable: {type(exc).__name__}: {exc}")
    with contextlib.suppress(Exception):
        mail.defects.extend(type(d).__name__ for d in msg.defects)
    mail.html = TEXT_CONTROLS.sub("", "\n".join(walker.htmls)) or None
    mail.text = "\n".join(t.strip("\n") for t in walker.texts).strip()
    if not mail.text and mail.html:
        mail.text = html_to_text(mail.html)
    mail.text = TEXT_CONTROLS.sub("", mail.text)
    return mail


def readable(text: str) -> bool:
    """Whether ``text`` reads as language rather than decoded binary garbage."""
    stripped = text.strip()
    if not stripped:
        return False
    letters = sum(ch.isalnum() or ch.isspace() or ch in ".,;:!?'\"()-" for ch in stripped)
    return letters / len(stripped) >= 0.7
