"""A whole store export at once: a directory of CSV files (``minidesk store import DIR``) or
the same tables as JSON rows (``POST /api/v1/store/imports``).

Files are imported in ``ImportKind`` order whatever order they are given in, so an order
always finds its customer; the caller's transaction holds all of them, and the first bad row
rolls every file back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from minidesk.commerce.imports import ImportKind, ImportRowError, import_csv, import_rows


def import_directory(session: Session, directory: Path) -> dict[str, int]:
    """Import every ``<kind>.csv`` in ``directory``; returns rows imported per kind."""
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a directory")
    names = {str(kind) for kind in ImportKind}
    for path in sorted(directory.glob("*.csv")):
        if path.stem not in names:
            raise ImportRowError(
                path.stem, 1, None, f"unknown file; expected {', '.join(sorted(names))}"
            )
    counts: dict[str, int] = {}
    for kind in ImportKind:
        path = directory / f"{kind}.csv"
        if path.exists():
            with path.open(encoding="utf-8-sig", newline="") as file:
                counts[kind] = import_csv(session, kind, file)
    if not counts:
        raise FileNotFoundError(f"{directory} holds none of {', '.join(sorted(names))} (.csv)")
    return counts


def import_tables(
    session: Session, tables: Mapping[ImportKind, Iterable[Mapping[str, Any]]]
) -> dict[str, int]:
    """Import JSON rows per kind; a bad row's ``line`` is its 1-based position in its list."""
    return {
        kind: import_rows(session, kind, tables[kind], first_line=1)
        for kind in ImportKind
        if kind in tables
    }
