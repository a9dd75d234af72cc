"""The SLA tests' shared fixture: the default policies, as a fresh workspace has them."""

from __future__ import annotations

import pytest

from minidesk.db import Database
from minidesk.sla.policies import do_seed_defaults


@pytest.fixture
def default_policies(database: Database) -> None:
    """Migration 0022 seeds them; the PostgreSQL pass truncates every table between tests,
    so they are put back here (a no-op on the SQLite pass's fresh copy)."""
    with database.transaction() as session:
        do_seed_defaults(session)
