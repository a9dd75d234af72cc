"""Meta-tests for the event catalogue: every kind the code emits or listens to is catalogued,
every catalogued kind is emitted somewhere, and docs/events.md is what the catalogue renders.
Also: uncatalogued kinds and (in strict mode) ill-shaped payloads are refused at the source.

The suite itself runs in strict mode (``strict_events`` in conftest), so every payload emitted
by any test is checked against its schema as well."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from minidesk import events, features
from minidesk.commerce.connector import ActionKind
from minidesk.db import Database
from minidesk.event_docs import render
from minidesk.event_kinds import CATALOGUE, RULE_EVENTS, TYPES, EventKind, commerce_kind
from minidesk.events import SYSTEM, PayloadError

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "minidesk"
# function → index of its kind argument
KIND_TAKERS = {"emit": 1, "emit_many": 1, "record": 1, "listen": 0, "in_batch": 1}


def _calls() -> Iterator[tuple[str, str, ast.expr]]:
    """(where, function, kind argument) for every emit/record/listen/in_batch call in src/."""
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            # ``sa_event.listen(engine, "connect")`` is SQLAlchemy's, not ours.
            owner = func.value if isinstance(func, ast.Attribute) else None
            if name not in KIND_TAKERS or (
                isinstance(owner, ast.Name) and owner.id not in ("events",)
            ):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            args = node.args[KIND_TAKERS[name] :] if name == "listen" else node.args[1:2]
            for arg in args:
                yield where, name, arg


def _kinds(arg: ast.expr) -> set[EventKind] | None:
    """The catalogue constants ``arg`` can evaluate to; None if it is not made of them."""
    if (
        isinstance(arg, ast.Attribute)
        and isinstance(arg.value, ast.Name)
        and arg.value.id == "EventKind"
    ):
        return {EventKind[arg.attr]}
    if isinstance(arg, ast.IfExp):
        body, orelse = _kinds(arg.body), _kinds(arg.orelse)
        return body | orelse if body is not None and orelse is not None else None
    if isinstance(arg, ast.Call) and getattr(arg.func, "id", "") == "commerce_kind":
        return {commerce_kind(action) for action in ActionKind}
    return None


def _scanned() -> dict[str, set[EventKind]]:
    found: dict[str, set[EventKind]] = {"emit": set(), "listen": set(), "in_batch": set()}
    literal = []
    for where, name, arg in _calls():
        if name == "listen" and (
            (isinstance(arg, ast.Constant) and arg.value == events.ALL)
            or (isinstance(arg, ast.Name) and arg.id == "ALL")
        ):
            continue
        kinds = _kinds(arg)
        if kinds is None:
            literal.append(f"{where}: {name}({ast.unparse(arg)})")
        else:
            found["emit" if name in ("emit_many", "record") else name] |= kinds
    assert literal == [], "pass an EventKind constant, not a string"
    return found


def test_every_emit_and_listen_in_the_source_uses_a_catalogued_constant() -> None:
    found = _scanned()
    assert found["listen"] and found["in_batch"]  # the scan sees registrations too


def test_every_catalogued_kind_is_emitted_somewhere() -> None:
    dead = set(EventKind) - _scanned()["emit"]
    assert dead == set(), f"catalogued but never emitted: {sorted(dead)}"


def test_every_kind_a_listener_hears_is_catalogued() -> None:
    features.load_listeners()
    assert events.listened_kinds() - {events.ALL} <= set(CATALOGUE)


def test_commerce_kinds_follow_the_commerce_actions() -> None:
    commerce = {kind for kind in EventKind if kind.startswith("commerce.")}
    assert commerce == {commerce_kind(action) for action in ActionKind}


def test_every_entry_has_a_meaning_and_a_valid_schema() -> None:
    assert set(CATALOGUE) == set(EventKind)
    for kind, spec in CATALOGUE.items():
        assert spec.kind is kind and spec.meaning.endswith("."), kind
        for name, declared in spec.payload.items():
            names = declared.removeprefix("optional ").split(" | ")
            assert set(names) <= {*TYPES, "any"}, f"{kind}.{name}: {declared}"
    assert RULE_EVENTS and EventKind.RULE_FIRED not in RULE_EVENTS


def test_docs_events_md_is_generated_from_the_catalogue() -> None:
    documented = (ROOT / "docs" / "events.md").read_text()
    assert documented == render(), "run: python -m minidesk.event_docs > docs/events.md"
    for kind in EventKind:
        assert f"### `{kind}`" in documented


def test_emit_refuses_a_kind_that_is_not_catalogued(database: Database) -> None:
    with (
        pytest.raises(ValueError, match=r"'message\.recieved' is not an event kind"),
        database.transaction() as session,
    ):
        events.emit(session, "message.recieved", SYSTEM)  # type: ignore[arg-type]


def test_a_listener_on_a_misspelt_kind_fails_at_registration() -> None:
    with pytest.raises(ValueError, match=r"'ticket\.closed' is not an event kind"):
        events.listen("ticket.closed")
    assert "ticket.closed" not in events.listened_kinds()


def test_strict_mode_refuses_a_payload_that_breaks_its_schema(database: Database) -> None:
    with pytest.raises(PayloadError) as raised, database.transaction() as session:
        events.emit(session, EventKind.USER_CREATED, SYSTEM, user_id="7", emial="a@b.example")
    assert str(raised.value) == (
        "user.created payload: unexpected field 'emial'; 'user_id' is str, expected int; "
        "missing field 'email'; missing field 'role'"
    )
    events.violations.clear()  # expected here; the suite-wide check is for surprises
