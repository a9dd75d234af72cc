"""The help centre's look: the shop's name and colours, and text colours that stay readable
(WCAG AA) on whatever colour the shop picks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from minidesk.desk.workspace import get_workspace
from minidesk.kb.models import KbTheme

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_PRIMARY = "#1f5fbf"
DEFAULT_ACCENT = "#f2f5fa"


@dataclass(frozen=True)
class Theme:
    title: str
    shop: str
    primary: str
    primary_ink: str  # text on the primary colour
    accent: str
    link: str  # the primary, or ink when the primary is too light for text on white


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def theme_of(session: Session) -> Theme:
    row = session.get(KbTheme, 1)
    shop = get_workspace(session).name
    primary = row.primary_colour if row else DEFAULT_PRIMARY
    accent = row.accent_colour if row else DEFAULT_ACCENT
    ink = "#ffffff" if contrast(primary, "#ffffff") >= contrast(primary, "#111111") else "#111111"
    link = primary if contrast(primary, "#ffffff") >= 4.5 else "#1b1f24"
    title = (row.title if row and row.title else "") or f"{shop} Help Centre"
    return Theme(title, shop, primary, ink, accent, link)


def do_set_theme(session: Session, title: str, primary: str, accent: str) -> KbTheme:
    row = session.get(KbTheme, 1)
    if row is None:
        row = KbTheme(id=1)
        session.add(row)
    row.title, row.primary_colour, row.accent_colour = title, primary.lower(), accent.lower()
    return row
