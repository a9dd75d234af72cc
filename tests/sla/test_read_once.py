"""The SLA listener reads policies once per transaction, yet sees every change made in it:
a policy added, edited or deleted, flushed or still pending, a channel's hours changed."""

from __future__ import annotations

from minidesk.db import Database
from minidesk.events import SYSTEM
from minidesk.sla.loaded import enabled_policies
from minidesk.sla.models import SlaPolicy
from minidesk.sla.policies import do_create_policy, do_delete_policy, do_update_policy

ROW = {
    "name": "Chat is quick",
    "position": 0,
    "conditions": {"channels": ["chat"]},
    "targets": {"first_response": {"seconds": 120}},
}


def _names(policies: list[SlaPolicy]) -> set[str]:
    return {policy.name for policy in policies}


def test_one_read_serves_the_whole_transaction(database: Database) -> None:
    with database.transaction() as session:
        assert enabled_policies(session) is enabled_policies(session)
    with database.transaction() as session:
        first = enabled_policies(session)
    with database.transaction() as session:
        assert enabled_policies(session) is not first  # the next transaction reads afresh


def test_a_policy_written_in_the_transaction_is_seen(database: Database) -> None:
    with database.transaction() as session:
        before = _names(enabled_policies(session))
        policy = do_create_policy(session, ROW, SYSTEM)
        assert _names(enabled_policies(session)) == before | {"Chat is quick"}
        do_update_policy(session, policy, {"enabled": False}, SYSTEM)
        assert _names(enabled_policies(session)) == before
        do_update_policy(session, policy, {"enabled": True}, SYSTEM)
        assert "Chat is quick" in _names(enabled_policies(session))
        do_delete_policy(session, policy, SYSTEM)
        assert _names(enabled_policies(session)) == before


def test_a_pending_policy_is_seen_as_the_query_would_have(database: Database) -> None:
    with database.transaction() as session:
        before = _names(enabled_policies(session))
        session.add(SlaPolicy(name="Pending", position=9, enabled=True, conditions={}, targets={}))
        assert _names(enabled_policies(session)) == before | {"Pending"}
