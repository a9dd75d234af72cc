"""Cutting quoted history and signatures from a plain-text reply.

Clients differ: Gmail and Thunderbird write "On <date>, <name> wrote:" (Gmail wraps it over
two lines when long) above ``>`` lines; Apple Mail "On <date>, at <time>, <name> wrote:";
Outlook puts no ``>`` at all but a header block ("From: … Sent: … To: … Subject: …") under a
rule, or "-----Original Message-----". Only what comes before the first such marker is the
customer's new text; the whole message stays retrievable from the stored original.
"""

from __future__ import annotations

import re

ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"On\s.{1,200}?wrote:"  # Gmail, Thunderbird, Apple Mail (English)
    r"|Le\s.{1,200}?a\s+écrit\s*:"  # French
    r"|Am\s.{1,200}?schrieb.{0,200}:"  # German
    r"|El\s.{1,200}?escribió:"  # Spanish
    r"|Em\s.{1,200}?escreveu\s*:"  # Portuguese
    r"|Op\s.{1,200}?geschreven:"  # Dutch
    r")\s*$",
    re.IGNORECASE | re.DOTALL,
)
SEPARATORS = re.compile(
    r"^\s*(?:-{2,}\s*Original Message\s*-{2,}"
    r"|_{20,}"
    r"|-{5,}\s*Ursprüngliche Nachricht\s*-{5,})\s*$",
    re.IGNORECASE,
)
# A forward is content, not history: the customer sends us what they received.
FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*Forwarded message\s*-{2,}|Begin forwarded message:"
    r"|-{2,}\s*Weitergeleitete Nachricht\s*-{2,}|-{2,}\s*Message transféré\s*-{2,})\s*$",
    re.IGNORECASE,
)
OUTLOOK_HEADER = re.compile(r"^\s*\*?(From|De|Von|Van)\s*:\*?\s+\S", re.IGNORECASE)
OUTLOOK_NEXT = re.compile(r"^\s*\*?(Sent|Date|Envoyé|Gesendet|Verzonden|To)\s*:", re.IGNORECASE)
SIGNATURE = re.compile(
    r"^(?:-- ?"
    r"|Sent from my (?:iPhone|iPad|Android|Galaxy|mobile).*"
    r"|Get Outlook for (?:iOS|Android).*"
    r"|Sent from (?:Mail|Outlook) for Windows.*)$",
    re.IGNORECASE,
)


def _quote_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if FORWARD.match(line):
            return None
        if SEPARATORS.match(line):
            return index
        if OUTLOOK_HEADER.match(line) and any(
            OUTLOOK_NEXT.match(following) for following in lines[index + 1 : index + 3]
        ):
            return index
        # An attribution may wrap onto the next line (Gmail breaks long ones).
        for span in (1, 2):
            joined = " ".join(lines[index : index + span])
            if ATTRIBUTION.match(joined):
                rest = [ln for ln in lines[index + span :] if ln.strip()]
                if not rest or rest[0].lstrip().startswith(">") or span == 1:
                    return index
        if line.startswith(">") and all(
            not ln.strip() or ln.startswith(">") for ln in lines[index:]
        ):
            return index
    return None


def is_forward(text: str) -> bool:
    return any(FORWARD.match(line) for line in text.splitlines())


def strip_reply(text: str) -> tuple[str, bool]:
    """The new text of a reply, and whether anything (quote or signature) was cut."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = _quote_start(lines)
    cut = start is not None
    if start is not None:
        lines = lines[:start]
    for index, line in enumerate(lines):
        if SIGNATURE.match(line.rstrip()):
            lines, cut = lines[:index], True
            break
    visible = "\n".join(lines).strip()
    if not visible:  # all quote (a bare forward, say): better the whole text than nothing
        return text.strip(), False
    return visible, cut
