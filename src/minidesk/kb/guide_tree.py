"""A troubleshooting guide's decision tree: parsing it from JSON or YAML and checking it.

A tree is data an author writes::

    start: power
    nodes:
      power:
        question: Does the light on the router come on?
        options:
          - {label: "Yes", next: cables}
          - {label: "No", next: charger}
      charger:
        text: Plug it in with the charger from the box and wait a minute.
        end: {article: router-power}
      cables:
        end: {handoff: "The light is on but there is no connection"}

A node either asks (``question`` and ``options``, each option leading to another node) or
ends (``end``: exactly one of ``article`` (a slug), ``flow`` (a resolution flow's name) or
``handoff`` (a note for the person who picks it up)); ``text`` is shown with either. Every
problem is reported at once, each naming the node it is in, so an author fixes a tree in
one round: unknown node ids, cycles, nodes no path reaches and nodes that neither ask nor end.
Whether an article or flow exists is the caller's question (``check_ends``): this module
knows no database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import yaml

MAX_NODES = 200
MAX_OPTIONS = 10
MAX_LABEL = 200
MAX_TEXT = 4000
NODE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NODE_KEYS = frozenset({"question", "text", "options", "end"})


class EndKind(StrEnum):
    ARTICLE = "article"
    FLOW = "flow"
    HANDOFF = "handoff"


@dataclass(frozen=True)
class Problem:
    node: str  # the node id, or "" for the tree itself
    message: str

    def __str__(self) -> str:
        return f"node {self.node!r}: {self.message}" if self.node else self.message


class GuideTreeError(ValueError):
    """The tree is not a valid guide; ``problems`` says what, node by node."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Option:
    label: str
    next: str


@dataclass(frozen=True)
class End:
    kind: EndKind
    target: str  # the article's slug, the flow's name, or the hand-off note


@dataclass(frozen=True)
class Node:
    id: str
    question: str
    text: str
    options: tuple[Option, ...] = ()
    end: End | None = None


@dataclass(frozen=True)
class Tree:
    start: str
    nodes: Mapping[str, Node]

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]


def parse_text(source: str) -> Any:
    """A tree document from JSON or YAML text (JSON is YAML, but JSON's errors are clearer)."""
    stripped = source.strip()
    if not stripped:
        raise GuideTreeError([Problem("", "the tree is empty")])
    if stripped.startswith("{"):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise GuideTreeError(
                [Problem("", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
            ) from exc
    try:
        return yaml.safe_load(stripped)
    except yaml.YAMLError as exc:
        raise GuideTreeError([Problem("", f"not valid YAML: {exc}")]) from exc


def _text(raw: Mapping[str, Any], key: str, node: str, problems: list[Problem]) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        problems.append(Problem(node, f"{key} must be text"))
        return ""
    if len(value) > MAX_TEXT:
        problems.append(Problem(node, f"{key} is longer than {MAX_TEXT} characters"))
    return value.strip()


def _end(raw: Any, node: str, problems: list[Problem]) -> End | None:
    if not isinstance(raw, Mapping) or len(raw) != 1:
        kinds = ", ".join(k.value for k in EndKind)
        problems.append(Problem(node, f"end must be an object with exactly one of: {kinds}"))
        return None
    ((key, value),) = raw.items()
    if key not in {k.value for k in EndKind}:
        problems.append(Problem(node, f"end has unknown kind {key!r}"))
        return None
    if not isinstance(value, str) or (key != EndKind.HANDOFF and not value.strip()):
        problems.append(Problem(node, f"end {key} must be a non-empty text"))
        return None
    return End(EndKind(key), value.strip())


def _options(raw: Any, node: str, problems: list[Problem]) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(node, "options must be a non-empty list"))
        return ()
    if len(raw) > MAX_OPTIONS:
        problems.append(Problem(node, f"more than {MAX_OPTIONS} options"))
    options, labels = [], set()
    for i, option in enumerate(raw, 1):
        if not isinstance(option, Mapping) or set(option) != {"label", "next"}:
            problems.append(Problem(node, f"option {i} must have exactly a label and a next"))
            continue
        label, target = option["label"], option["next"]
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
            problems.append(Problem(node, f"option {i}'s label must be 1-{MAX_LABEL} characters"))
            continue
        if not isinstance(target, str):
            problems.append(Problem(node, f"option {i}'s next must be a node id"))
            continue
        if label.strip().casefold() in labels:  # a customer answering by text must be understood
            problems.append(Problem(node, f"option {i}'s label {label.strip()!r} is repeated"))
        labels.add(label.strip().casefold())
        options.append(Option(label.strip(), target))
    return tuple(options)


def _node(node_id: str, raw: Any, problems: list[Problem]) -> Node | None:
    if not NODE_ID.match(node_id):
        problems.append(Problem(node_id, "a node id is 1-64 letters, digits, '-' or '_'"))
    if not isinstance(raw, Mapping):
        problems.append(Problem(node_id, "a node must be an object"))
        return None
    unknown = sorted(set(raw) - NODE_KEYS)
    if unknown:
        problems.append(Problem(node_id, f"unknown field(s) {', '.join(unknown)}"))
    question, text = (
        _text(raw, "question", node_id, problems),
        _text(raw, "text", node_id, problems),
    )
    if "options" in raw and "end" in raw:
        problems.append(Problem(node_id, "a node either asks (options) or ends (end), not both"))
        return None
    if "end" in raw:
        return Node(node_id, question, text, end=_end(raw["end"], node_id, problems))
    if "options" not in raw:
        problems.append(Problem(node_id, "dead end: the node has neither options nor an end"))
        return None
    if not question:
        problems.append(Problem(node_id, "a node with options needs a question"))
    return Node(node_id, question, text, options=_options(raw["options"], node_id, problems))


def _cycle(tree: Mapping[str, Node], start: str) -> list[str] | None:
    """A cycle reachable from ``start`` as the node ids along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node_id: str) -> list[str] | None:
        state[node_id] = 1
        path.append(node_id)
        for option in tree[node_id].options:
            if option.next not in tree:
                continue
            if state.get(option.next) == 1:
                return [*path[path.index(option.next) :], option.next]
            if option.next not in state and (found := visit(option.next)) is not None:
                return found
        path.pop()
        state[node_id] = 2
        return None

    return visit(start)


def _reachable(tree: Mapping[str, Node], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for option in tree[todo.pop()].options:
            if option.next in tree and option.next not in seen:
                seen.add(option.next)
                todo.append(option.next)
    return seen


def check_tree(document: Any) -> Tree:
    """The checked tree, or :class:`GuideTreeError` with every problem found."""
    problems: list[Problem] = []
    if not isinstance(document, Mapping):
        raise GuideTreeError([Problem("", "the tree must be an object with start and nodes")])
    unknown = sorted(set(document) - {"start", "nodes"})
    if unknown:
        problems.append(Problem("", f"unknown top-level field(s) {', '.join(unknown)}"))
    raw_nodes, start = document.get("nodes"), document.get("start")
    if not isinstance(raw_nodes, Mapping) or not raw_nodes:
        raise GuideTreeError([*problems, Problem("", "nodes must be a non-empty object")])
    if len(raw_nodes) > MAX_NODES:
        raise GuideTreeError([Problem("", f"more than {MAX_NODES} nodes")])
    nodes: dict[str, Node] = {}
    for node_id, raw in raw_nodes.items():
        node = _node(str(node_id), raw, problems)
        if node is not None:
            nodes[node.id] = node
    for node in nodes.values():
        for i, option in enumerate(node.options, 1):
            if option.next not in raw_nodes:
                problems.append(
                    Problem(node.id, f"option {i} leads to unknown node {option.next!r}")
                )
    if not isinstance(start, str) or start not in raw_nodes:
        problems.append(Problem("", f"start must name one of the nodes (got {start!r})"))
    elif start in nodes:
        cycle = _cycle(nodes, start)
        if cycle is not None:
            problems.append(Problem(cycle[0], "cycle: " + " → ".join(cycle)))
        reached = _reachable(nodes, start)
        for node_id in raw_nodes:
            if str(node_id) in nodes and str(node_id) not in reached:
                problems.append(Problem(str(node_id), f"unreachable from the start node {start!r}"))
    if problems:
        raise GuideTreeError(problems)
    return Tree(str(start), nodes)


def check_ends(tree: Tree, article_exists: Callable[[str], bool], flows: Collection[str]) -> None:
    """Every end names a published public article or a flow of the registry."""
    problems = []
    for node in tree.nodes.values():
        if node.end is None:
            continue
        if node.end.kind == EndKind.ARTICLE and not article_exists(node.end.target):
            problems.append(Problem(node.id, f"no published public article {node.end.target!r}"))
        if node.end.kind == EndKind.FLOW and node.end.target not in flows:
            problems.append(Problem(
                node.id, f"unknown flow {node.end.target!r}; flows: {', '.join(sorted(flows))}"
            ))  # fmt: skip
    if problems:
        raise GuideTreeError(problems)


def choose(node: Node, answer: str) -> Option | None:
    """The option a customer's answer picks: its number ("2") or its label, any case."""
    said = answer.strip().rstrip(".").casefold()
    if said.isdigit() and 1 <= int(said) <= len(node.options):
        return node.options[int(said) - 1]
    for option in node.options:
        if option.label.casefold() == said:
            return option
    return None
