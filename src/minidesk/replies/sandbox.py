"""The template language: tokens, ``{% if %}`` and a few text filters, in a sandbox whose cost
is bounded by the template's own size.

Jinja's sandbox keeps a template away from Python's internals, but not from the CPU or the
memory: ``{% for i in range(99999) %}{% for j in range(99999) %}…``, ``{{ 9**9**9 }}`` or
``{{ "x"|center(10**9) }}`` each held a worker for hours or took gigabytes, at save time
(templates are rendered with samples when saved) and on every reply. A reply template only
needs to place values, so the language is an allow-list of syntax: no loops, calls, macros,
assignments, attribute access or arithmetic, and only the filters below. Without them,
rendering is one pass over the template; the output is capped besides (values come from
callers, and a short body can place a long value many times).

The same check runs when a template is saved (a 422 naming the field) and when it is
compiled for rendering (a template stored before this check fails to render instead of
hanging the worker).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jinja2 import Template, TemplateSyntaxError, nodes
from jinja2.runtime import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

# A reply is a message to one person; a rendered text beyond this is a template error.
MAX_RENDERED_CHARS = 100_000
# Jinja parses and compiles recursively: 300 nested {% if %} or 3,000 parentheses exhaust
# Python's stack, which must be a refusal, not a crash. No reply needs more than a few levels.
MAX_DEPTH = 50
TOO_DEEP = "expressions or blocks are nested too deeply"

FILTERS = frozenset(
    {"capitalize", "d", "default", "e", "escape", "lower", "title", "trim", "upper"}
)
TESTS = frozenset({"defined", "undefined", "none", "string"})
# Everything a template may contain; any other node is refused by name.
ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.Compare,
    nodes.Operand,
    nodes.Concat,
    nodes.Filter,
    nodes.Test,
)
WHAT: dict[type[nodes.Node], str] = {
    nodes.For: "loops ({% for %})",
    nodes.Call: "function calls such as range()",
    nodes.Macro: "macros",
    nodes.CallBlock: "macros",
    nodes.Assign: "{% set %}",
    nodes.AssignBlock: "{% set %}",
    nodes.Getattr: "attribute access",
    nodes.Getitem: "item access",
    nodes.BinExpr: "arithmetic",
    nodes.UnaryExpr: "arithmetic",
}


class ReplySandbox(ImmutableSandboxedEnvironment):
    """No globals (``range``, ``lipsum``, ``cycler`` …) and only the allowed filters and
    tests, so even a template that skipped ``unsupported()`` cannot reach them: Jinja refuses
    an unknown filter when it compiles."""

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(
            undefined=StrictUndefined,
            autoescape=autoescape,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.globals.clear()
        self.filters = {name: f for name, f in self.filters.items() if name in FILTERS}
        self.tests = {name: t for name, t in self.tests.items() if name in TESTS}


class Refused(ValueError):
    """The sandbox will not compile or finish this template."""


TEXT_ENV = ReplySandbox(autoescape=False)
HTML_ENV = ReplySandbox(autoescape=True)


def parse(source: str, *, html: bool = False) -> nodes.Template:
    """``source`` parsed; ``TemplateSyntaxError`` if it is not a template or nests too deeply."""
    try:
        return (HTML_ENV if html else TEXT_ENV).parse(source)
    except RecursionError:
        raise TemplateSyntaxError(TOO_DEEP, 1) from None


def unsupported(tree: nodes.Template) -> list[str]:
    """Why the parsed template may not be used (each kind of offence once), or ``[]``."""
    found: list[str] = []
    pending: list[tuple[nodes.Node, int]] = [(tree, 0)]
    while pending:  # a loop, not recursion: the tree may be as deep as the source is long
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            found.append(TOO_DEEP)
            break
        if not isinstance(node, ALLOWED):
            what = next((w for t, w in WHAT.items() if isinstance(node, t)), type(node).__name__)
            found.append(f"{what} cannot be used in a template")
        elif isinstance(node, nodes.Filter) and node.name not in FILTERS:
            found.append(f"filter {node.name!r} cannot be used; use one of {sorted(FILTERS)}")
        elif isinstance(node, nodes.Test) and node.name not in TESTS:
            found.append(f"test {node.name!r} cannot be used; use one of {sorted(TESTS)}")
        pending.extend((child, depth + 1) for child in node.iter_child_nodes())
    return list(dict.fromkeys(found))


def compile_checked(source: str, *, html: bool) -> Template:
    """``source`` compiled for text or HTML output; ``Refused`` if it uses what the template
    language leaves out."""
    tree = parse(source, html=html)
    if problems := unsupported(tree):
        raise Refused("; ".join(problems))
    try:
        return (HTML_ENV if html else TEXT_ENV).from_string(tree)
    except RecursionError:
        raise Refused(TOO_DEEP) from None


def render_bounded(template: Template, values: Mapping[str, Any]) -> str:
    """Render, stopping as soon as the output passes ``MAX_RENDERED_CHARS`` (``Refused``)
    rather than building it whole first."""
    return "".join(_bounded(template.generate(values)))


def _bounded(chunks: Iterator[str]) -> Iterator[str]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_RENDERED_CHARS:
            raise Refused(f"the rendered message passes {MAX_RENDERED_CHARS} characters")
        yield chunk
