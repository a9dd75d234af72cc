"""Going through a guide: a run starts at the tree's start node, each answer moves it to the
option's node, and reaching an end records the outcome (article, flow or hand-off). Back
steps out of an end too, so a run's outcome is where the reader finally stopped; a run
with no outcome and no step for ``ABANDON_AFTER`` counts as abandoned.

A guide saved while a run is under way may have lost the run's node: the run then starts
again rather than guessing (``current``)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.kb.guide_models import KbGuide, KbGuideRun, Outcome, RunSource
from minidesk.kb.guide_tree import Node, Option, check_tree

ABANDON_AFTER = dt.timedelta(minutes=30)


def do_start_run(
    session: Session, guide: KbGuide, source: RunSource, ticket_id: int | None = None
) -> KbGuideRun:
    tree = check_tree(guide.tree)
    now = utcnow()
    run = KbGuideRun(
        token=secrets.token_urlsafe(24), guide_id=guide.id, guide_version=guide.version,
        source=source, ticket_id=ticket_id, path=[tree.start], started_at=now, updated_at=now,
    )  # fmt: skip
    session.add(run)
    session.flush()
    return run


def current(guide: KbGuide, run: KbGuideRun) -> Node:
    """The node the run is at (the start again when the guide no longer has it)."""
    tree = check_tree(guide.tree)
    at = run.path[-1] if run.path else tree.start
    if at not in tree.nodes:
        run.path = [tree.start]
        run.outcome = run.target = None
        return tree.node(tree.start)
    return tree.node(at)


def do_choose(session: Session, guide: KbGuide, run: KbGuideRun, option: Option) -> Node:
    """Follow ``option`` from the run's node; at an end the outcome is recorded."""
    node = check_tree(guide.tree).node(option.next)
    run.path = [*run.path, node.id]
    if node.end is not None:
        run.outcome, run.target = Outcome(node.end.kind.value), node.end.target
    run.updated_at = utcnow()
    return node


def do_back(run: KbGuideRun) -> None:
    """One step back (not past the start); leaving an end clears the outcome."""
    if len(run.path) > 1:
        run.path = run.path[:-1]
    run.outcome = run.target = None
    run.updated_at = utcnow()


def run_by_token(session: Session, guide: KbGuide, token: str) -> KbGuideRun | None:
    return session.scalar(
        select(KbGuideRun).where(KbGuideRun.token == token, KbGuideRun.guide_id == guide.id)
    )


@dataclass
class GuideFigures:
    guide_id: int
    slug: str
    title: str
    started: int = 0
    article: int = 0
    flow: int = 0
    handoff: int = 0
    abandoned: int = 0
    in_progress: int = 0  # no outcome yet, but a step within ``ABANDON_AFTER``


def guide_figures(session: Session, since: dt.datetime) -> list[GuideFigures]:
    """Per guide, the runs started since ``since`` by where they ended; most started first."""
    counts: defaultdict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for guide_id, outcome, n in session.execute(
        select(KbGuideRun.guide_id, KbGuideRun.outcome, func.count())
        .where(KbGuideRun.started_at >= since)
        .group_by(KbGuideRun.guide_id, KbGuideRun.outcome)
    ):
        counts[guide_id][outcome or "in_progress"] += int(n)
    for guide_id, n in session.execute(
        select(KbGuideRun.guide_id, func.count())
        .where(
            KbGuideRun.started_at >= since,
            KbGuideRun.outcome.is_(None),
            KbGuideRun.updated_at < utcnow() - ABANDON_AFTER,
        )
        .group_by(KbGuideRun.guide_id)
    ):
        counts[guide_id]["in_progress"] -= int(n)
        counts[guide_id]["abandoned"] += int(n)
    guides = session.execute(
        select(KbGuide.id, KbGuide.slug, KbGuide.title).where(KbGuide.id.in_(counts))
    )
    out = []
    for guide_id, slug, title in guides:
        c = counts[guide_id]
        out.append(GuideFigures(
            guide_id, slug, title, started=sum(c.values()), article=c[Outcome.ARTICLE],
            flow=c[Outcome.FLOW], handoff=c[Outcome.HANDOFF], abandoned=c["abandoned"],
            in_progress=c["in_progress"],
        ))  # fmt: skip
    return sorted(out, key=lambda f: (-f.started, f.guide_id))
