"""Meta-tests: every registered condition and action has a table-driven test case, a
docstring, and a line in the README's automation section."""

from __future__ import annotations

from pathlib import Path

from tests.automation import test_actions, test_conditions

from minidesk.automation.actions import ACTIONS
from minidesk.automation.conditions import CONDITIONS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_condition_is_tested_and_documented() -> None:
    tested = {case[0]["type"] for case in test_conditions.CASES}
    assert set(CONDITIONS) == tested
    for name, entry in CONDITIONS.items():
        assert entry.doc, name
        assert f"`{name}`" in README, f"README does not document condition {name}"


def test_every_action_is_tested_and_documented() -> None:
    tested = {case[0]["type"] for case in test_actions.CASES}
    assert set(ACTIONS) == tested
    for name, entry in ACTIONS.items():
        assert entry.doc, name
        assert f"`{name}`" in README, f"README does not document action {name}"
