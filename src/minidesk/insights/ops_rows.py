"""What the operational reports (backlog, tagging, repeat contacts) share: a ticket's
dimension key, a tally per period and key that remembers the tickets behind each count (for
the drill-down), and the CSV of a table of rows. The KPI report's own helpers
(``insights.kpis``) name periods, dimensions and labels; these reuse them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.insights.kpis import NONE_LABEL, Dimension, KpiRow, key_column, labels_of

CHUNK = 500  # ids per IN list: well under every driver's parameter limit

Values = dict[str, float | int | None]


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def share(part: int, whole: int) -> float | None:
    """A ratio rounded as every report rounds it; ``None`` for an empty denominator."""
    return round(part / whole, 4) if whole else None


def keys_of(session: Session, ticket_ids: Iterable[int], by: Dimension) -> dict[int, str | None]:
    """Each ticket's current agent, team, channel or intent (``None``: none, or ``by=all``)."""
    column = key_column(by)
    ids = sorted(set(ticket_ids))
    if column is None:
        return dict.fromkeys(ids)
    found: dict[int, str | None] = {}
    for chunk in chunks(ids):
        for ticket_id, key in session.execute(
            select(Ticket.id, column).where(Ticket.id.in_(chunk))
        ):
            found[ticket_id] = None if key is None else str(key)
    return found


@dataclass
class Tally:
    """Counts of one period and key; ``members[name]`` are the tickets counted in ``name``."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    members: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def count(self, ticket_id: int, *names: str) -> None:
        for name in names:
            self.counts[name] += 1
            self.members[name].append(ticket_id)


def as_rows(
    session: Session,
    by: Dimension,
    tallies: dict[tuple[dt.date, str | None], Tally],
    values: Callable[[Tally], Values],
) -> list[KpiRow]:
    """Rows ordered by period then key, labelled as the KPI report labels them."""
    labels = labels_of(session, by, {key for _, key in tallies})
    return [
        KpiRow(day, key, labels.get(key, key or NONE_LABEL), values(tally), dict(tally.members))
        for (day, key), tally in sorted(tallies.items(), key=lambda i: (i[0][0], i[0][1] or ""))
    ]


def table_csv(metrics: Sequence[str], rows: Iterable[KpiRow]) -> str:
    """One line per period and key, one column per metric; ``None`` is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["period", "key", "label", *metrics])
    for row in rows:
        cells = ["" if row.values[m] is None else row.values[m] for m in metrics]
        writer.writerow([row.period.isoformat(), row.key or "", row.label, *cells])
    return out.getvalue()
