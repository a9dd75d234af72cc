"""Calibrate the resolution flows' confidence floors (minidesk.resolutions.floors) on
held-out data the default intent model never saw.

    python bench/floors.py [--datasets DIR]

Held out: CLINC150's test and out-of-scope test splits (5,500 messages; the default model is
trained on Bitext only). Its "order_status" messages are a status question for minidesk; every
other message is meant for no flow of ours, including hard ones ("cancel that", "what is my
balance"). For each flow the model alone could start, the floor is the lowest confidence (on
a 0.05 grid) at which at most the flow's budget of those other messages would start it:
1% for read-only flows (an unhelpful reply), none at all for flows that move money or change
an order. Prints one JSON object: per flow, the floor, the false starts at it, and for status
the held-out order-status messages it still answers.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the standard
# library's ``email`` package (imported by SQLAlchemy through importlib.metadata).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import json  # noqa: E402
from typing import Any  # noqa: E402

from minidesk import settings  # noqa: E402
from minidesk.resolutions.facts import FLOW_OF_INTENT  # noqa: E402
from minidesk.resolutions.floors import READ_ONLY_FLOWS  # noqa: E402
from minidesk.triage.analyse import analyse_many  # noqa: E402
from minidesk.triage.build_default import default_datasets_dir  # noqa: E402
from minidesk.triage.taxonomy import ORDER_STATUS  # noqa: E402

GRID = [round(0.05 * step, 2) for step in range(1, 20)]
BUDGET = {"read_only": 0.01, "acting": 0.0}


def calibrate(datasets: Path) -> dict[str, Any]:
    data = json.loads((datasets / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    rows = [(text, label) for text, label in data["test"] + data["oos_test"]]
    results = analyse_many([(text, "") for text, _ in rows])
    read = [
        (FLOW_OF_INTENT.get(r.intent), r.intent_confidence, label == "order_status")
        for r, (_, label) in zip(results, rows, strict=True)
    ]
    negatives = sum(1 for _, _, positive in read if not positive)
    positives = sum(1 for _, _, positive in read if positive)
    report: dict[str, Any] = {"held_out": len(rows), "order_status_messages": positives}
    for flow in sorted(set(FLOW_OF_INTENT.values())):
        budget = BUDGET["read_only" if flow in READ_ONLY_FLOWS else "acting"]
        for floor in GRID:
            false = sum(1 for f, c, pos in read if f == flow and c >= floor and not pos)
            if false <= budget * negatives:
                break
        entry: dict[str, Any] = {"floor": floor, "false_starts": false}
        if flow == ORDER_STATUS:
            hits = sum(1 for f, c, pos in read if f == flow and c >= floor and pos)
            entry["order_status_answered"] = round(hits / max(positives, 1), 3)
        report[flow] = entry
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=Path, default=default_datasets_dir())
    args = parser.parse_args()
    settings.configure(settings.load_settings(demo=True, queue_url="memory://"))
    print(json.dumps(calibrate(args.datasets)))


if __name__ == "__main__":
    main()
