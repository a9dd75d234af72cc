"""The independent SVM fits of one training run, side by side in worker processes.

A training run fits the scorer once per calibration fold and once on all the rows; none of
those fits needs another's result. liblinear is single-threaded, so on CLINC150 (15k rows,
five fits) the fits are most of the CPU and ran one after the other on one core. Here they
run in up to ``MAX_WORKERS`` processes instead.

The results are those of the sequential run, bit for bit: each fit gets the same rows, the
same seed and the same library in its own process, and the results come back in job order.
Processes are *spawned*, not forked: the trainer also runs inside the worker and the web
process (retraining), where other threads may hold locks a fork would copy held.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import scipy.sparse as sp

from minidesk.triage.scorer import FittedParts, PartScores, fit_parts

# The floor is "15k examples in 2 minutes on 2 cores": more processes than that would only
# compete with the web process and the other jobs for the same cores.
MAX_WORKERS = 2
# Below this many rows the fits take less than starting a process (~1-2 s of imports).
PARALLEL_MIN_ROWS = 2000


@dataclass
class FitJob:
    """Fit on ``x``/``emb``/``y``, then score each block of ``score`` (TF-IDF rows and
    embeddings) with the fitted scorer. ``keep`` returns the fitted scorer too."""

    x: sp.csr_matrix
    emb: np.ndarray | None
    y: np.ndarray
    score: list[tuple[sp.csr_matrix, np.ndarray | None]] = field(default_factory=list)
    keep: bool = False


@dataclass
class FitResult:
    classes: list[str]
    scores: list[PartScores]
    fitted: FittedParts | None  # only for jobs with ``keep``: its weights are large


def default_workers(n_rows: int) -> int:
    """How many processes a run of ``n_rows`` rows uses when the caller does not say."""
    if n_rows < PARALLEL_MIN_ROWS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, cores or 1))


def run(jobs: Sequence[FitJob], *, c: float, seed: int, embedding_scale: float,
        workers: int) -> list[FitResult]:
    """Results in the order of ``jobs``; put the largest job first so it starts first."""
    one = partial(_run_one, c=c, seed=seed, embedding_scale=embedding_scale)
    # A daemonic process (a multiprocessing worker of a host application) may not start
    # processes of its own: it fits in-process, to the same result.
    if workers <= 1 or len(jobs) <= 1 or multiprocessing.current_process().daemon:
        return [one(job) for job in jobs]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        return list(pool.map(one, jobs))


def _run_one(job: FitJob, *, c: float, seed: int, embedding_scale: float) -> FitResult:
    fitted = fit_parts(job.x, job.emb, job.y, c=c, seed=seed, embedding_scale=embedding_scale)
    scores = [fitted.scores(x, emb) for x, emb in job.score]
    return FitResult(fitted.classes, scores, fitted if job.keep else None)
