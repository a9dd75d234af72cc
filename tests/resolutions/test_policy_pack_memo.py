"""The policy pack is read and parsed once per transaction, yet a change made in another
transaction is seen by the next one, and a change made in this one at once."""

from __future__ import annotations

from sqlalchemy.orm import Session
from tests.desk.test_workspace_memo import counted

from minidesk.db import Database
from minidesk.events import SYSTEM
from minidesk.policies.pack import PolicyPack, do_update_pack, get_pack


def pack_reads(statements: list[str]) -> int:
    return sum("FROM policy_packs" in s for s in statements)


def test_read_once_per_transaction(database: Database) -> None:
    for _ in range(2):  # first the defaults (no row), then a saved pack
        with database.transaction() as session, counted(database) as seen:
            packs = [get_pack(session) for _ in range(5)]
        assert pack_reads(seen) == 1
        assert all(pack is packs[0] for pack in packs)
        with database.transaction() as session:
            do_update_pack(session, {"max_bot_turns": 5}, SYSTEM)


def test_a_change_committed_elsewhere_is_seen_by_the_next_transaction(
    database: Database,
) -> None:
    session: Session = database.write_sessions()
    try:
        assert get_pack(session) == PolicyPack()
        session.commit()
        with database.transaction() as other:
            do_update_pack(other, {"auto_refund_max_minor": 1_000}, SYSTEM)
        assert get_pack(session).auto_refund_max_minor == 1_000
        session.commit()
        with database.transaction() as other:
            do_update_pack(other, {"auto_refund_max_minor": 2_000}, SYSTEM)
        assert get_pack(session).auto_refund_max_minor == 2_000
        session.commit()
    finally:
        session.close()


def test_a_change_in_this_transaction_is_seen_at_once(database: Database) -> None:
    with database.transaction() as session:
        assert get_pack(session).max_bot_turns == 3
        do_update_pack(session, {"max_bot_turns": 6}, SYSTEM)
        assert get_pack(session).max_bot_turns == 6
        try:
            with session.begin_nested():
                do_update_pack(session, {"max_bot_turns": 9}, SYSTEM)
                assert get_pack(session).max_bot_turns == 9
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        assert get_pack(session).max_bot_turns == 6  # the savepoint's change is gone
    with database.transaction() as session:
        assert get_pack(session).max_bot_turns == 6
