"""Scoring a model on labelled data with CLINC150's definitions.

``accuracy`` is over in-scope rows (answering "unknown" to one is wrong;
``accuracy_unthresholded`` counts the top in-scope label instead); ``oos_recall`` is
the share of ``oos`` rows answered "unknown"; ``macro_f1`` is over the in-scope labels with
"unknown" as an extra prediction that is never right for them. Latency is per message,
single thread, one call per message as in production: ``latency_ms_*`` is wall-clock time,
``latency_cpu_ms_*`` the process's CPU time (what a loaded machine's waiting does not
inflate). ``stage_one_share`` is the share of
rows the cascade's TF-IDF stage decided without the encoder (``triage.cascade``);
``cascade=False`` scores the full scorer on every row instead.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from minidesk.triage.data import OOS_LABEL, Example
from minidesk.triage.model import IntentModel
from minidesk.triage.result import UNKNOWN_INTENT


def evaluate(
    model: IntentModel,
    examples: Sequence[Example],
    *,
    latency_sample: int = 1000,
    cascade: bool = True,
) -> dict[str, Any]:
    """The JSON object ``intents eval`` prints."""
    texts = [e.text for e in examples]
    truth = [e.label for e in examples]
    predictions = model.predict_many(texts, cascade=cascade)
    preds = [p.intent for p in predictions]
    in_scope = [i for i, lab in enumerate(truth) if lab != OOS_LABEL]
    oos = [i for i, lab in enumerate(truth) if lab == OOS_LABEL]
    out: dict[str, Any] = {"n": len(examples)}
    if in_scope:
        y = [truth[i] for i in in_scope]
        p = [preds[i] for i in in_scope]
        out["accuracy"] = round(float(np.mean([a == b for a, b in zip(y, p, strict=True)])), 4)
        out["accuracy_unthresholded"] = round(
            float(np.mean([predictions[i].best_label == truth[i] for i in in_scope])), 4
        )
        # Imported here: scikit-learn costs a process ~100 MB, and the retrain job's module
        # (imported by every worker's sweep) imports this one.
        from sklearn.metrics import f1_score

        out["macro_f1"] = round(
            float(f1_score(y, p, labels=sorted(set(y)), average="macro", zero_division=0)), 4
        )
    else:
        out["accuracy"] = out["accuracy_unthresholded"] = None
        out["macro_f1"] = None
    if oos:
        out["oos_recall"] = round(sum(preds[i] == UNKNOWN_INTENT for i in oos) / len(oos), 4)
    out["n_in_scope"], out["n_oos"] = len(in_scope), len(oos)
    out["stage_one_share"] = round(
        sum(p.stage == "tfidf" for p in predictions) / max(len(predictions), 1), 4
    )
    if not latency_sample:
        return out | {"model_version": model.version}
    wall, cpu = measure_latency(model, texts[:latency_sample])
    out["latency_ms_p50"], out["latency_ms_p99"] = wall
    out["latency_cpu_ms_p50"], out["latency_cpu_ms_p99"] = cpu
    out["model_version"] = model.version
    return out


def measure_latency(
    model: IntentModel, texts: Sequence[str]
) -> tuple[tuple[float, float], tuple[float, float]]:
    """((p50, p99) wall-clock, (p50, p99) CPU) milliseconds of single-message prediction."""
    if not texts:
        return (0.0, 0.0), (0.0, 0.0)
    model.predict(texts[0])  # first call pays one-off costs (regex compilation, caches)
    wall, cpu = [], []
    for text in texts:
        start, start_cpu = time.perf_counter(), time.process_time()
        model.predict(text)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return _percentiles(wall), _percentiles(cpu)


def _percentiles(times: list[float]) -> tuple[float, float]:
    return (round(float(np.percentile(times, 50)), 3), round(float(np.percentile(times, 99)), 3))
