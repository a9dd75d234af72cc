"""A guide's tree is checked before it is saved: every problem is reported at once, each
naming its node (unknown ids, cycles, unreachable nodes, dead ends, bad ends), table-driven."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from minidesk.kb.guide_tree import (
    EndKind,
    GuideTreeError,
    check_ends,
    check_tree,
    choose,
    parse_text,
)

GOOD: dict[str, Any] = {
    "start": "a",
    "nodes": {
        "a": {"question": "Light on?", "options": [
            {"label": "Yes", "next": "b"}, {"label": "No", "next": "c"}]},
        "b": {"question": "Beeping?", "options": [
            {"label": "Yes", "next": "d"}, {"label": "No", "next": "c"}]},
        "c": {"text": "Plug it in.", "end": {"article": "power"}},
        "d": {"end": {"handoff": ""}},
    },
}  # fmt: skip


def _with(path: str, value: Any) -> dict[str, Any]:
    tree = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    target = tree
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return tree


def _problems(document: Any) -> list[tuple[str, str]]:
    with pytest.raises(GuideTreeError) as caught:
        check_tree(document)
    return [(p.node, p.message) for p in caught.value.problems]


def test_a_good_tree_is_read_node_by_node() -> None:
    tree = check_tree(GOOD)
    assert tree.start == "a"
    assert [o.next for o in tree.node("a").options] == ["b", "c"]
    end = tree.node("c").end
    assert end is not None and (end.kind, end.target) == (EndKind.ARTICLE, "power")


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (_with("nodes.b.options", [{"label": "Yes", "next": "zz"}]),
         ("b", "option 1 leads to unknown node 'zz'")),
        (_with("nodes.b.options", [{"label": "Yes", "next": "a"}, {"label": "No", "next": "c"}]),
         ("a", "cycle: a → b → a")),
        (_with("nodes.e", {"end": {"handoff": "x"}}), ("e", "unreachable from the start node 'a'")),
        (_with("nodes.d", {"text": "and then?"}),
         ("d", "dead end: the node has neither options nor an end")),
        (_with("nodes.d.end", {"flow": "x", "article": "y"}),
         ("d", "end must be an object with exactly one of: article, flow, handoff")),
        (_with("nodes.d.end", {"refund": "x"}), ("d", "end has unknown kind 'refund'")),
        (_with("nodes.c.end", {"article": " "}), ("c", "end article must be a non-empty text")),
        (_with("nodes.b.options", []), ("b", "options must be a non-empty list")),
        (_with("nodes.b.options", [{"label": "Yes", "next": "c"}, {"label": "yes", "next": "d"}]),
         ("b", "option 2's label 'yes' is repeated")),
        (_with("nodes.b.question", None), ("b", "a node with options needs a question")),
        (_with("nodes.b.end", {"handoff": "x"}),
         ("b", "a node either asks (options) or ends (end), not both")),
        (_with("nodes.b.colour", "red"), ("b", "unknown field(s) colour")),
        (_with("start", "nowhere"), ("", "start must name one of the nodes (got 'nowhere')")),
        (_with("nodes.a.options", [{"label": "Yes", "goto": "b"}]),
         ("a", "option 1 must have exactly a label and a next")),
    ],
)  # fmt: skip
def test_each_problem_names_its_node(document: Any, expected: tuple[str, str]) -> None:
    assert expected in _problems(document)


def test_every_problem_is_reported_in_one_go() -> None:
    document = _with("nodes.b.options", [{"label": "Yes", "next": "zz"}])
    document["nodes"]["e"] = {"text": "orphan"}
    assert sorted(_problems(document)) == [
        ("b", "option 1 leads to unknown node 'zz'"),
        ("d", "unreachable from the start node 'a'"),  # only b's lost option led there
        ("e", "dead end: the node has neither options nor an end"),
    ]


def test_a_cycle_deeper_in_the_tree_is_shown_as_its_path() -> None:
    document = _with(
        "nodes.b.options", [{"label": "Yes", "next": "b"}, {"label": "No", "next": "c"}]
    )
    assert ("b", "cycle: b → b") in _problems(document)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the tree is empty"),
        ('{"start": "a",', "not valid JSON: Expecting property name enclosed in double quotes"),
        ("start: [a", "not valid YAML"),
    ],
)
def test_text_that_is_not_json_or_yaml_is_refused_with_where(text: str, message: str) -> None:
    with pytest.raises(GuideTreeError, match=message.replace("[", r"\[")):
        parse_text(text)


def test_yaml_and_json_read_the_same() -> None:
    yaml_text = """
start: a
nodes:
  a: {question: "Light on?", options: [{label: "Yes", next: b}, {label: "No", next: c}]}
  b: {question: "Beeping?", options: [{label: "Yes", next: d}, {label: "No", next: c}]}
  c: {text: Plug it in., end: {article: power}}
  d: {end: {handoff: ""}}
"""
    assert parse_text(yaml_text) == GOOD


def test_ends_must_name_an_existing_article_and_a_known_flow() -> None:
    document = _with("nodes.d.end", {"flow": "teleport"})
    tree = check_tree(document)
    with pytest.raises(GuideTreeError) as caught:
        check_ends(tree, lambda slug: False, ["refund", "order_status"])
    assert [(p.node, p.message) for p in caught.value.problems] == [
        ("c", "no published public article 'power'"),
        ("d", "unknown flow 'teleport'; flows: order_status, refund"),
    ]
    check_ends(check_tree(_with("nodes.d.end", {"flow": "refund"})), lambda s: True, ["refund"])


@pytest.mark.parametrize(
    ("answer", "label"),
    [("2", "No"), ("no", "No"), (" YES. ", "Yes"), ("3", None), ("maybe", None), ("0", None)],
)
def test_a_customer_answers_by_number_or_label(answer: str, label: str | None) -> None:
    option = choose(check_tree(GOOD).node("a"), answer)
    assert (option.label if option else None) == label
