"""The forbidden page has one maker (``signed_in.forbidden``), so every workspace page refuses
the same way: the 403 status, the page with the nav the user may still use, and the reason."""

from __future__ import annotations

from pathlib import Path

import minidesk.web.ui
from minidesk.web.ui import signed_in

UI = Path(minidesk.web.ui.__file__).parent


def test_only_signed_in_renders_the_forbidden_page() -> None:
    makers = sorted(
        str(path.relative_to(UI))
        for path in UI.rglob("*.py")
        if '"forbidden.html"' in path.read_text(encoding="utf-8")
    )
    assert makers == [Path(signed_in.__file__).name]


def test_no_page_checks_a_permission_by_hand() -> None:
    """A role's permission is checked by ``refused`` (no row needed) or ``permitted`` (the
    user's row to act as), never by ``access.require`` and a page of its own."""
    by_hand = sorted(
        str(path.relative_to(UI))
        for path in UI.rglob("*.py")
        if "access.require(" in path.read_text(encoding="utf-8")
    )
    assert by_hand == [Path(signed_in.__file__).name]
