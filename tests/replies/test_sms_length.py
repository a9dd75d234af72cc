"""SMS length is counted in GSM-7 septets or UCS-2 units, and in segments, as carriers bill."""

from __future__ import annotations

import pytest

from minidesk.replies.sms import Encoding, measure


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", Encoding.GSM7, 0, 0),
        ("a" * 160, Encoding.GSM7, 160, 1),
        ("a" * 161, Encoding.GSM7, 161, 2),
        ("a" * 306, Encoding.GSM7, 306, 2),
        ("a" * 307, Encoding.GSM7, 307, 3),
        ("€" * 80, Encoding.GSM7, 160, 1),  # extension characters take two septets
        ("price: 5€ [net]", Encoding.GSM7, 18, 1),
        ("a" * 69 + "—", Encoding.UCS2, 70, 1),  # one em dash switches the whole text
        ("a" * 70 + "\xa0", Encoding.UCS2, 71, 2),
        ("😀" * 35, Encoding.UCS2, 70, 1),  # beyond the BMP: two UTF-16 units each
        ("a" * 134 + "é" + "ü", Encoding.GSM7, 136, 1),  # these accents are in GSM-7
    ],
)
def test_measure(text: str, encoding: Encoding, units: int, segments: int) -> None:
    length = measure(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)
