"""Template A/B experiments: for one template, each variant's tickets (the variant first sent
on the ticket), their first contact resolution and CSAT, and whether the difference from the
first variant (the control) is significant (``insights.stats``).

A ticket is in a variant when it received that variant in the range; FCR (docs/metrics.md)
is over those of its tickets that are solved, CSAT over the last answer of each CSAT survey
on its tickets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import asdict, dataclass
from statistics import fmean
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import Direction, Message, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event, of_kind_on_tickets
from minidesk.insights.kpis import ticket_facts
from minidesk.insights.stats import mann_whitney_u, two_proportion_z

SIGNIFICANT = 0.05
BATCH = 500


@dataclass(frozen=True)
class VariantResult:
    variant: str
    tickets: int
    solved: int
    fcr: float | None
    csat_answers: int
    csat_average: float | None
    fcr_p_value: float | None  # against the control; None for the control itself
    csat_p_value: float | None
    fcr_significant: bool
    csat_significant: bool


def _variants(
    session: Session, template: str, since: dt.datetime, until: dt.datetime
) -> dict[int, str]:
    """Ticket → the variant of ``template`` it first received in the range."""
    found: dict[int, str] = {}
    rows = session.execute(
        select(Message.ticket_id, Message.meta)
        .where(
            Message.direction == Direction.OUTBOUND,
            Message.created_at >= since,
            Message.created_at < until,
        )
        .order_by(Message.id)
        .execution_options(yield_per=BATCH)
    )
    for ticket_id, meta in rows:
        if meta.get("template") == template and meta.get("variant"):
            found.setdefault(ticket_id, str(meta["variant"]))
    return found


def _csat(session: Session, ticket_ids: list[int]) -> dict[int, list[int]]:
    last: dict[int, tuple[int, int]] = {}
    for at in range(0, len(ticket_ids), BATCH):
        rows = session.execute(
            select(Event.ticket_id, Event.data)
            .where(of_kind_on_tickets(EventKind.SURVEY_ANSWERED, ticket_ids[at : at + BATCH]))
            .order_by(Event.id)
        )
        for ticket_id, data in rows:
            if data.get("survey_kind") == "csat":
                last[data["survey_id"]] = (ticket_id, data["score"])
    scores: dict[int, list[int]] = {}
    for ticket_id, score in last.values():
        scores.setdefault(ticket_id, []).append(score)
    return scores


def experiment(
    session: Session,
    template: str,
    since: dt.datetime,
    until: dt.datetime,
    teams: Collection[int] | None = None,
) -> dict[str, Any]:
    variants = _variants(session, template, since, until)
    if teams is not None and variants:
        # A restricted lead compares their teams' tickets only.
        ids = list(variants)
        kept: set[int] = set()
        for at in range(0, len(ids), BATCH):
            chunk = ids[at : at + BATCH]
            kept |= set(
                session.scalars(
                    select(Ticket.id).where(Ticket.id.in_(chunk), Ticket.team_id.in_(list(teams)))
                )
            )
        variants = {t: v for t, v in variants.items() if t in kept}
    ids = sorted(variants)
    facts = dict(ticket_facts(session, ids))
    csat = _csat(session, ids)
    groups: dict[str, dict[str, list[Any]]] = {}
    for ticket_id in ids:
        group = groups.setdefault(variants[ticket_id], {"tickets": [], "fcr": [], "csat": []})
        group["tickets"].append(ticket_id)
        f = facts.get(ticket_id)
        if f is not None and f.first_solved_at is not None:
            group["fcr"].append(f.human_replies_before_solve <= 1 and not f.reopened)
        group["csat"].extend(csat.get(ticket_id, []))
    names = sorted(groups)
    control = groups[names[0]] if names else None
    results = []
    for name in names:
        group = groups[name]
        fcr_p = csat_p = None
        if control is not None and group is not control:
            fcr_p = two_proportion_z(sum(group["fcr"]), len(group["fcr"]),
                                     sum(control["fcr"]), len(control["fcr"])).p_value  # fmt: skip
            csat_p = mann_whitney_u(group["csat"], control["csat"]).p_value
        results.append(
            VariantResult(
                variant=name,
                tickets=len(group["tickets"]),
                solved=len(group["fcr"]),
                fcr=round(sum(group["fcr"]) / len(group["fcr"]), 4) if group["fcr"] else None,
                csat_answers=len(group["csat"]),
                csat_average=round(fmean(group["csat"]), 2) if group["csat"] else None,
                fcr_p_value=None if fcr_p is None else round(fcr_p, 6),
                csat_p_value=None if csat_p is None else round(csat_p, 6),
                fcr_significant=fcr_p is not None and fcr_p < SIGNIFICANT,
                csat_significant=csat_p is not None and csat_p < SIGNIFICANT,
            )
        )
    return {"template": template, "control": names[0] if names else None,
            "variants": [asdict(r) for r in results]}  # fmt: skip
