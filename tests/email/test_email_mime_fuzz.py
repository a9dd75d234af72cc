"""The MIME parser under random structure: random nesting, headers, charsets and transfer
encodings, truncation and binary junk. It never raises, returns within a bounded time and
memory, and its result is a message or a reason to quarantine. The budget is fixed and the
examples derandomised, so CI runs the same few hundred cases every time."""

from __future__ import annotations

import time
import tracemalloc

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.email.mailflow import receive

from minidesk import inbox
from minidesk.channels.email.parse import (
    MAX_ADDRESS,
    MAX_PART_FIELD,
    MAX_PARTS,
    ParsedMail,
    parse,
)
from minidesk.channels.email.receive import Outcome
from minidesk.db import Database

FUZZ = settings(
    max_examples=200, derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)  # fmt: skip
# A bound on the parser's CPU time (not the wall clock, which a busy machine stretches): it
# catches quadratic blow-ups, which take minutes, not a slow CI host.
SECONDS_PER_MAIL = 2.0

CHARSETS = st.sampled_from(
    ["utf-8", "iso-8859-1", "windows-1252", "koi8-r", "shift_jis", "utf-16", "x-unknown", ""]
)
ENCODINGS = st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "bogus"])
LEAF_TYPES = st.sampled_from(
    ["text/plain", "text/html", "image/png", "application/pdf", "message/delivery-status",
     "text/rfc822-headers", "application/octet-stream", "text", "/", "garbage"]
)  # fmt: skip
CONTAINERS = st.sampled_from(
    ["multipart/mixed", "multipart/alternative", "multipart/related", "multipart/report",
     "message/rfc822"]
)  # fmt: skip
HEADER_NAMES = st.sampled_from(
    ["From", "To", "Subject", "Message-ID", "In-Reply-To", "References", "Reply-To",
     "Content-Disposition", "Content-ID", "Auto-Submitted", "X-Junk", "From ", ":"]
)  # fmt: skip
TEXT = st.text(max_size=80)
JUNK = st.binary(max_size=200)


@st.composite
def header_value(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(TEXT).encode("utf-8", "surrogatepass")
    if kind == 1:
        charset = draw(CHARSETS)
        return f"=?{charset}?{draw(st.sampled_from('bqBQx'))}?{draw(TEXT)}?=".encode(
            "utf-8", "surrogatepass"
        )
    if kind == 2:
        return draw(JUNK).replace(b"\n", b" ")
    return b"attachment; filename*=" + draw(CHARSETS).encode() + b"''" + draw(JUNK)[:30]


@st.composite
def headers(draw: st.DrawFn) -> bytes:
    lines = [
        draw(HEADER_NAMES).encode() + b": " + draw(header_value()) + b"\r\n"
        for _ in range(draw(st.integers(0, 5)))
    ]
    return b"".join(lines)


@st.composite
def leaf(draw: st.DrawFn) -> bytes:
    ctype = draw(LEAF_TYPES)
    charset = draw(CHARSETS)
    body = draw(st.one_of(TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")), JUNK))
    return (
        f"Content-Type: {ctype}; charset={charset}\r\n"
        f"Content-Transfer-Encoding: {draw(ENCODINGS)}\r\n".encode()
        + draw(headers())
        + b"\r\n"
        + body
    )


def container(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        ctype = draw(CONTAINERS)
        boundary = draw(st.sampled_from(["b", "=_x", "", "a b", "--", "b" * 80]))
        parts = draw(st.lists(children, max_size=4))
        if ctype == "message/rfc822":
            inner = parts[0] if parts else b""
            return f"Content-Type: {ctype}\r\n\r\n".encode() + draw(headers()) + inner
        opened = f'Content-Type: {ctype}; boundary="{boundary}"\r\n\r\n'.encode()
        body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
        closing = draw(st.sampled_from([b"--" + boundary.encode() + b"--\r\n", b""]))
        return opened + body + closing

    return build()


@st.composite
def mails(draw: st.DrawFn) -> bytes:
    tree = draw(st.recursive(leaf(), container, max_leaves=12))
    raw = draw(headers()) + b"MIME-Version: 1.0\r\n" + tree
    if draw(st.booleans()):  # truncated anywhere
        raw = raw[: draw(st.integers(0, len(raw)))]
    if draw(st.booleans()):  # junk spliced in anywhere
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(JUNK) + raw[at:]
    return raw


def _check(mail: ParsedMail) -> None:
    """What the database (PostgreSQL above all: no NUL, lengths enforced) and the reply
    writer (one-line headers) need of every parsed mail."""
    assert isinstance(mail.text, str) and "\x00" not in mail.text
    assert "\x00" not in (mail.html or "")
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert "\n" not in mail.from_name and "\r" not in mail.from_name
    assert mail.from_address is None or len(mail.from_address) <= MAX_ADDRESS
    assert "\x00" not in (mail.message_id or "")
    assert len(mail.attachments) <= MAX_PARTS
    for part in mail.attachments:
        for value in (part.filename, part.content_type, part.content_id or ""):
            assert len(value) <= MAX_PART_FIELD and "\x00" not in value and "\n" not in value
    assert mail.unreadable is None or mail.unreadable


@FUZZ
@given(mails())
def test_random_mime_never_breaks_the_parser(raw: bytes) -> None:
    # This thread's CPU only: the parser runs here, and process time also counts whatever
    # other threads of the test process (servers, model loads) happen to do meanwhile.
    started = time.thread_time()
    mail = parse(raw)
    assert time.thread_time() - started < SECONDS_PER_MAIL
    _check(mail)


# One database for all examples: a mail seen before is a duplicate, also an answer.
@settings(FUZZ, max_examples=40)
@given(mails())
def test_random_mime_becomes_a_message_or_a_quarantine(
    support: int, database: Database, raw: bytes
) -> None:
    received = receive(raw)
    assert received.outcome in (
        Outcome.ACCEPTED, Outcome.QUARANTINED, Outcome.DUPLICATE, Outcome.BOUNCE
    )  # fmt: skip
    # Processed (jobs run at once here) into a ticket, or kept aside: never failing on retry.
    with database.sessions() as session:
        row = session.get_one(inbox.InboxItem, received.inbox_id)
        assert row.status in (inbox.InboxStatus.DONE, inbox.InboxStatus.QUARANTINED), row.error


def _deep(depth: int) -> bytes:
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(depth)
    )
    return b"From: a@example.com\r\n" + opening + b"Content-Type: text/plain\r\n\r\nhi\r\n"


def _wide(parts: int) -> bytes:
    body = b"".join(b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(parts))
    return b'From: a@example.com\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' + body


def test_hostile_structures_are_bounded_in_time_and_memory() -> None:
    for raw in (_deep(50_000), _wide(20_000), _deep(26), b"\x00\xff" * 500_000):
        tracemalloc.start()
        started = time.process_time()
        mail = parse(raw)
        elapsed = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert elapsed < 5 * SECONDS_PER_MAIL
        assert peak < 40 * len(raw) + 10_000_000, f"{peak} bytes for a {len(raw)}-byte mail"
        _check(mail)
    assert parse(_deep(50_000)).unreadable
    assert parse(_wide(20_000)).unreadable
