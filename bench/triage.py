"""Benchmark the intent trainer and the shipped default model; prints one JSON object.

    python bench/triage.py [--datasets DIR] [--runs 3] [--encoder muse --encoder tfidf]

CLINC150: train on train+oos_train, evaluate on test+oos_test. Bitext: train on one release,
evaluate on the other (phrasing the model was not tuned on), both ways. Timings are medians
over ``--runs``; per encoder, ``serving`` is a fresh process that loads the model and
answers one message (load time, first answer including any encoder load, max RSS).
``default_model`` scores the shipped model on ``tests/triage/multilingual_heldout.jsonl``
(our own sentences in five languages) and measures a fresh web process (the FastAPI app
created, the default model loaded and answering) for its max RSS.
``peak_rss_mb`` is this process's max RSS over everything it ran. Accuracy figures are the
cascade's (``triage.cascade``); ``full_scorer`` scores the same model with the encoder on
every row, and ``stage_one_share`` is the share of test rows decided without the encoder.
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
import resource
import statistics
import subprocess
import time
from typing import Any

from minidesk.triage.build_default import bitext_examples, default_datasets_dir
from minidesk.triage.data import Example, load_examples
from minidesk.triage.encoder import ENCODERS, MUSE, TFIDF
from minidesk.triage.evaluate import evaluate
from minidesk.triage.model import IntentModel
from minidesk.triage.registry import DEFAULT_MODEL_DIR
from minidesk.triage.train import TrainConfig, train

# Run in a clean interpreter so the figures are what a worker pays, not this process. RSS is
# VmHWM: Linux carries ru_maxrss over fork and exec, so a child would report our peak.
SERVING_PROBE = """
import json, re, sys, time
t0 = time.perf_counter()
from minidesk.triage.model import IntentModel
m = IntentModel.load(sys.argv[1])
t1 = time.perf_counter()
m.predict("where is my order, it has not arrived")
t2 = time.perf_counter()
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())
print(json.dumps({"load_seconds": round(t1 - t0, 3), "first_answer_seconds": round(t2 - t1, 3),
                  "rss_mb": round(int(hwm.group(1)) / 1024, 1) if hwm else None}))
"""


# The web process as `minidesk serve` runs it: app, routes and settings imported, then the
# live model loaded and answering (encoder weights included).
WEB_PROBE = """
import json, os, re, sys, tempfile
os.environ.setdefault("MINIDESK_DATABASE_URL", "sqlite:///" + tempfile.mkdtemp() + "/b.db")
os.environ.setdefault("MINIDESK_SECRET_KEY", "bench-only-secret-key-0123456789abcdef")
from minidesk.web.app import create_app
create_app(embedded_workers=0)
from minidesk.triage import analyse, encoder
analyse("where is my order, it has not arrived")
# A message the TF-IDF stage is unsure of, so the sentence encoder is loaded as well.
analyse("¿Me podrían mandar la factura de mi compra, por favor?")
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())
print(json.dumps({"rss_mb": round(int(hwm.group(1)) / 1024, 1) if hwm else None,
                  "encoder_loaded": encoder.loaded(encoder.MUSE),
                  "sklearn_imported": "sklearn" in sys.modules}))
"""
HELDOUT = Path(__file__).resolve().parents[1] / "tests" / "triage" / "multilingual_heldout.jsonl"


def _serving(model_dir: Path, probe: str = SERVING_PROBE) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", probe, str(model_dir)],
                          capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _run(train_ex: list[Any], test_ex: list[Any], runs: int, tmp: Path,
         encoder: str) -> dict[str, Any]:
    seconds, encode_seconds, metrics = [], [], []
    for _ in range(runs):
        report = train(train_ex, config=TrainConfig(encoder=encoder))
        seconds.append(report.seconds)
        encode_seconds.append(report.extra.get("encode_seconds", 0.0))
        report.model.save(tmp)
        metrics.append(evaluate(IntentModel.load(tmp), test_ex, latency_sample=2000))
    loads = []
    for _ in range(runs):
        start = time.perf_counter()
        IntentModel.load(tmp)
        loads.append(time.perf_counter() - start)
    last = metrics[-1]
    # The same model with the encoder on every row: what the cascade must not fall below.
    full = evaluate(IntentModel.load(tmp), test_ex, latency_sample=0, cascade=False)
    out = {
        "accuracy": last["accuracy"], "macro_f1": last["macro_f1"],
        "accuracy_unthresholded": last["accuracy_unthresholded"],
        "oos_recall": last.get("oos_recall"), "n": last["n"], "runs": runs,
        "stage_one_share": last["stage_one_share"],
        "full_scorer": {k: full.get(k) for k in ("accuracy", "macro_f1", "oos_recall")},
        "train_seconds": round(statistics.median(seconds), 2),
        "latency_ms_p50": statistics.median(m["latency_ms_p50"] for m in metrics),
        "latency_ms_p99": statistics.median(m["latency_ms_p99"] for m in metrics),
        "load_seconds": round(statistics.median(loads), 3),
        "model_mb": round(sum(f.stat().st_size for f in tmp.iterdir()) / 1e6, 2),
        "serving": _serving(tmp),
    }
    if encoder != TFIDF:
        # The first run's figure includes loading the encoder (once per process).
        out["encode_seconds"] = round(statistics.median(encode_seconds), 2)
    return out


def _default_model() -> dict[str, Any]:
    start = time.perf_counter()
    default = IntentModel.load(DEFAULT_MODEL_DIR)
    load_seconds = round(time.perf_counter() - start, 3)
    cases = [json.loads(line) for line in HELDOUT.read_text("utf-8").splitlines() if line]
    examples = [Example(c["text"], c["intent"]) for c in cases if c["intent"]]
    metrics = evaluate(default, examples, latency_sample=len(examples))
    full = evaluate(default, examples, latency_sample=0, cascade=False)
    return {"version": default.version, "load_seconds": load_seconds,
            "multilingual_heldout": {
                **{k: metrics[k] for k in ("n", "accuracy", "macro_f1", "stage_one_share")},
                "full_scorer_accuracy": full["accuracy"]},
            "web_process": _serving(DEFAULT_MODEL_DIR, WEB_PROBE)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=Path, default=default_datasets_dir())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--encoder", action="append", choices=ENCODERS,
                        help="repeat to compare (default: muse)")
    parser.add_argument("--tmp", type=Path, default=Path("/tmp/minidesk-bench-triage"))
    args = parser.parse_args()
    clinc = args.datasets / "clinc150" / "data_full.json"
    clinc_train = load_examples(f"{clinc}#train+oos_train")
    clinc_test = load_examples(f"{clinc}#test+oos_test")
    bitext_train = bitext_examples(args.datasets, "8k")
    bitext_test = bitext_examples(args.datasets, "llm")
    out: dict[str, Any] = {}
    for encoder in args.encoder or [MUSE]:
        out[encoder] = {
            "clinc150": _run(clinc_train, clinc_test, args.runs,
                             args.tmp / encoder / "clinc", encoder),
            "bitext_8k_to_llm": _run(bitext_train, bitext_test, args.runs,
                                     args.tmp / encoder / "bitext", encoder),
            "bitext_llm_to_8k": _run(bitext_test, bitext_train, args.runs,
                                     args.tmp / encoder / "bitext-back", encoder),
        }
    out["default_model"] = _default_model()
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
