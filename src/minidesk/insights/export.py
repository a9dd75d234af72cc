"""CSV of the KPI report: one line per period and key, one column per metric."""

from __future__ import annotations

import csv
import io

from minidesk.insights.cells import METRICS, KpiRow


def as_csv(rows: list[KpiRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["period", "key", "label", *METRICS])
    for row in rows:
        values = ["" if row.values[m] is None else row.values[m] for m in METRICS]
        writer.writerow([row.period.isoformat(), row.key or "", row.label, *values])
    return out.getvalue()
