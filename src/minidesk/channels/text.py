"""Display text that must stay on one line (names, subjects, file names), whatever a channel
sent or a row already holds.

A CR or LF in a name that ends up in a mail header either injects headers (``Bcc:``) or, with
a strict writer, makes every reply to that customer fail; other controls (NUL, ESC, the C1
range, Unicode line separators) corrupt logs, terminals and PostgreSQL text.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls and the Unicode line and paragraph separators.
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(value: str, limit: int | None = None) -> str:
    """``value`` with every control run a single space, whitespace collapsed, cut to ``limit``."""
    text = " ".join(CONTROLS.sub(" ", value).split())
    return text[:limit].rstrip() if limit is not None else text
