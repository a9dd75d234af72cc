from __future__ import annotations

from minidesk.cli import app

app()
