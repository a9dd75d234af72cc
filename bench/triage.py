"""Benchmark the intent trainer and the shipped default model; prints one JSON object.

    python bench/triage.py [--datasets DIR] [--runs 3]

CLINC150: train on train+oos_train, evaluate on test+oos_test. Bitext: train on bitext-8k,
evaluate on bitext-llm-6.5k (another release, phrasing the model was not tuned on). Timings
are medians over ``--runs``; peak memory is this process's max RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from minidesk.triage.build_default import bitext_examples, default_datasets_dir
from minidesk.triage.data import load_examples
from minidesk.triage.evaluate import evaluate
from minidesk.triage.model import IntentModel
from minidesk.triage.registry import DEFAULT_MODEL_DIR
from minidesk.triage.train import train


def _run(train_ex: list[Any], test_ex: list[Any], runs: int, tmp: Path) -> dict[str, Any]:
    seconds, metrics = [], []
    for _ in range(runs):
        report = train(train_ex)
        seconds.append(report.seconds)
        report.model.save(tmp)
        metrics.append(evaluate(IntentModel.load(tmp), test_ex, latency_sample=2000))
    loads = []
    for _ in range(runs):
        start = time.perf_counter()
        IntentModel.load(tmp)
        loads.append(time.perf_counter() - start)
    last = metrics[-1]
    return {
        "accuracy": last["accuracy"], "macro_f1": last["macro_f1"],
        "oos_recall": last.get("oos_recall"), "n": last["n"],
        "train_seconds": round(statistics.median(seconds), 2),
        "latency_ms_p50": statistics.median(m["latency_ms_p50"] for m in metrics),
        "latency_ms_p99": statistics.median(m["latency_ms_p99"] for m in metrics),
        "load_seconds": round(statistics.median(loads), 3),
        "model_mb": round(sum(f.stat().st_size for f in tmp.iterdir()) / 1e6, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=Path, default=default_datasets_dir())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tmp", type=Path, default=Path("/tmp/minidesk-bench-triage"))
    args = parser.parse_args()
    clinc = args.datasets / "clinc150" / "data_full.json"
    out: dict[str, Any] = {}
    out["clinc150"] = _run(load_examples(f"{clinc}#train+oos_train"),
                           load_examples(f"{clinc}#test+oos_test"), args.runs,
                           args.tmp / "clinc")
    out["bitext_8k_to_llm"] = _run(bitext_examples(args.datasets, "8k"),
                                   bitext_examples(args.datasets, "llm"), args.runs,
                                   args.tmp / "bitext")
    start = time.perf_counter()
    default = IntentModel.load(DEFAULT_MODEL_DIR)
    out["default_model"] = {"version": default.version,
                            "load_seconds": round(time.perf_counter() - start, 3)}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
