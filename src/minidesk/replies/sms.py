"""How long a text is the way SMS counts it: GSM-7 septets or UCS-2 code units, in segments.

One character outside the GSM-7 alphabet (an emoji, a curly quote, "\xa0") switches the whole
message to UCS-2, which cuts a segment from 160 to 70 characters and so can double its cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Characters reached through the escape code: each takes two septets.
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

SINGLE = {"gsm-7": 160, "ucs-2": 70}
# A multipart message spends part of each segment on the concatenation header.
MULTIPART = {"gsm-7": 153, "ucs-2": 67}


class Encoding(StrEnum):
    GSM7 = "gsm-7"
    UCS2 = "ucs-2"


@dataclass(frozen=True)
class SmsLength:
    encoding: Encoding
    units: int
    segments: int

    def describe(self) -> str:
        return f"{self.units} {self.encoding} units, {self.segments} SMS segment(s)"


def measure(text: str) -> SmsLength:
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text):
        encoding = Encoding.GSM7
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
    else:
        encoding = Encoding.UCS2
        units = len(text.encode("utf-16-le")) // 2  # characters beyond the BMP take two
    if units == 0:
        segments = 0
    elif units <= SINGLE[encoding]:
        segments = 1
    else:
        segments = -(-units // MULTIPART[encoding])
    return SmsLength(encoding, units, segments)
