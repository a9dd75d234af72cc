"""Measure an intent model's cascade on labelled data; prints one JSON object.

    python bench/intent_cascade.py MODEL_DIR DATA [--text-column C] [--label-column C]
                                   [--sample 1000] [--runs 3]

``stage_one``: the share of rows the TF-IDF stage decided without the encoder, how many of
those it answered right (CLINC150's definitions: the label for in-scope rows, ``unknown``
for ``oos`` rows) and how many equal the full model's answer. ``cascade`` / ``full``: the
in-scope accuracy and out-of-scope recall of the model with and without the cascade.
``cpu_ms``: per-message CPU time of ``predict`` (``time.process_time``: every thread of this
process, so a loaded machine's waiting does not count), one message per call as in
production, on the first ``--sample`` rows; p50 and p99 are medians over ``--runs`` passes,
cascade and full scorer alternating so the load affects both alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Running a script puts its folder first on sys.path, where bench/email.py would shadow the
# standard library's `email` (which httpx needs).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import json
import os
import statistics
import time
from typing import Any

import numpy as np

from minidesk.triage.cascade import rows_right
from minidesk.triage.data import OOS_LABEL, Example, load_examples
from minidesk.triage.model import IntentModel


def quality(model: IntentModel, examples: list[Example]) -> dict[str, Any]:
    texts = [e.text for e in examples]
    truth = [e.label for e in examples]
    cascade = model.predict_many(texts)
    full = model.predict_many(texts, cascade=False)
    right_c = rows_right([p.intent for p in cascade], truth, model.labels)
    right_f = rows_right([p.intent for p in full], truth, model.labels)
    first = np.array([p.stage == "tfidf" for p in cascade], dtype=bool)
    negative = np.array([t == OOS_LABEL or t not in model.labels for t in truth], dtype=bool)
    same = np.array([a.intent == b.intent for a, b in zip(cascade, full, strict=True)])

    def split(right: np.ndarray) -> dict[str, float | None]:
        return {"accuracy": _share(right[~negative]), "oos_recall": _share(right[negative])}

    return {
        "n": len(examples),
        "n_oos": int(negative.sum()),
        "stage_one": {
            "share": _share(first),
            "n": int(first.sum()),
            "right": _share(right_c[first]),
            "full_model_right_on_same_rows": _share(right_f[first]),
            "same_answer_as_full": _share(same[first]),
        },
        "cascade": split(right_c),
        "full": split(right_f),
    }


def cpu_latency(model: IntentModel, texts: list[str], runs: int) -> dict[str, Any]:
    model.predict(texts[0])  # loads the encoder once; not a message's cost
    per: dict[str, list[tuple[float, float]]] = {"cascade": [], "full": []}
    for _ in range(runs):
        for name, on in (("cascade", True), ("full", False)):
            times = []
            for text in texts:
                start = time.process_time()
                model.predict_many([text], cascade=on)
                times.append((time.process_time() - start) * 1000)
            per[name].append((float(np.percentile(times, 50)), float(np.percentile(times, 99))))
    return {
        name: {
            "p50": round(statistics.median(p for p, _ in v), 3),
            "p99": round(statistics.median(q for _, q in v), 3),
        }
        for name, v in per.items()
    }


def _share(mask: np.ndarray) -> float | None:
    return round(float(mask.mean()), 4) if len(mask) else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model", type=Path)
    parser.add_argument("data")
    parser.add_argument("--text-column")
    parser.add_argument("--label-column")
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    model = IntentModel.load(args.model)
    examples = load_examples(
        args.data, text_column=args.text_column, label_column=args.label_column
    )
    out = quality(model, examples)
    # An evenly spread sample, so every intent (and oos) is in it.
    step = max(1, len(examples) // args.sample)
    out["cpu_ms"] = cpu_latency(model, [e.text for e in examples[::step]], args.runs)
    out["latency_sample"] = len(examples[::step])
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    out["model"] = model.version
    print(json.dumps(out))


if __name__ == "__main__":
    main()
