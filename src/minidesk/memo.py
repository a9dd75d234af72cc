"""Per-transaction memos: a value read once per database transaction, then reused by every
listener, flow and reply in it.

Listeners read the same few rows again and again (the workspace, the policy pack, reply
templates, store orders); each read is a statement and, worse, an autoflush. A memo lives in
``session.info`` and belongs to the transaction that read it: the next transaction reads
afresh, so a change committed by another process is seen by the next transaction, as
without the memo. A rollback (of the transaction or of a savepoint) forgets every memo of
the session, because what was read or changed inside it may no longer hold; code that changes
a memoised row in its own transaction updates or forgets the memo itself (``put``/``forget``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, object_session

T = TypeVar("T")

_KEY = "minidesk.memo"


def _memos(session: Session) -> dict[str, Any] | None:
    held: tuple[SessionTransaction, dict[str, Any]] | None = session.info.get(_KEY)
    if held is None or held[0] is not session.get_transaction():
        return None
    return held[1]


def get(session: Session, name: str, read: Callable[[], T]) -> T:
    """The value memoised as ``name`` in this transaction, else ``read()`` (memoised)."""
    memos = _memos(session)
    if memos is not None and name in memos:
        value: T = memos[name]
        return value
    value = read()  # may begin the transaction: look it up only afterwards
    put(session, name, value)
    return value


def put(session: Session, name: str, value: Any) -> None:
    transaction = session.get_transaction()
    if transaction is None:  # nothing read in a transaction: nothing to remember against
        return
    memos = _memos(session)
    if memos is None:
        memos = {}
        session.info[_KEY] = (transaction, memos)
    memos[name] = value


def peek(session: Session) -> dict[str, Any] | None:
    """This transaction's memos by name, to change in place (None if it has none yet)."""
    return _memos(session)


def forget(session: Session, name: str) -> None:
    memos = _memos(session)
    if memos is not None:
        memos.pop(name, None)


def forget_when_written(model: type, name: str, *, added: bool = True) -> None:
    """Forget memo ``name`` in a session whenever it writes a ``model`` row (insert, update,
    delete) or, with ``added``, adds one (pending: the next read's autoflush would see it)."""

    def written(_mapper: Any, _connection: Any, row: object) -> None:
        session = object_session(row)
        if session is not None:
            forget(session, name)

    # Mapper events fire for this model's rows only, so the rest of a flush pays nothing.
    for when in ("after_insert", "after_update", "after_delete"):
        event.listen(model, when, written)
    if added:

        def pending(session: Session, instance: object) -> None:
            if isinstance(instance, model):
                forget(session, name)

        event.listen(Session, "transient_to_pending", pending)


def _clear(session: Session, *_: Any) -> None:
    session.info.pop(_KEY, None)


def _transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Only the outermost transaction's end counts: a savepoint that ends committed (or a
    # flush's internal subtransaction) leaves the memos to the transaction they belong to.
    if transaction.parent is None:
        _clear(session)


# Also frees the memoised objects at once, so the identity map does not keep them alive into
# the next transaction (where ``session.get`` would return them without reading the row).
event.listen(Session, "after_transaction_end", _transaction_end)
event.listen(Session, "after_soft_rollback", _clear)
