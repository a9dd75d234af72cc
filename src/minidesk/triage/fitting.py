"""The independent SVM fits of one training run, side by side in worker processes.

A training run fits, per calibration fold and once on all the rows, a TF-IDF-only SVM (the
cascade's stage one, or the whole scorer without an encoder) and with an encoder the joint
SVM (``triage.scorer``). None of those fits needs another's result, and the TF-IDF-only ones
need no embedding: they can start while the main process is still encoding. liblinear is
single-threaded, so the fits run as separate jobs in up to ``MAX_WORKERS`` processes, each
SVM its own job so that the two processes finish close together (one job per fold, both
SVMs in it, left one process idle for the last fold's two fits on CLINC150).

The results are those of the sequential run, bit for bit: each fit gets the same rows, the
same seed and the same library in its own process, and each result is read by its job.
Processes are *spawned*, not forked: the trainer also runs inside the worker and the web
process (retraining), where other threads may hold locks a fork would copy held.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from types import TracebackType

import numpy as np
import scipy.sparse as sp

from minidesk.triage.scorer import EMBEDDING_SCALE, LinearFit, fit_joint, fit_sparse

# The floor is "15k examples in 2 minutes on 2 cores": more processes than that would only
# compete with the web process and the other jobs for the same cores.
MAX_WORKERS = 2
# Below this many rows the fits take less than starting a process (~1-2 s of imports).
PARALLEL_MIN_ROWS = 2000


@dataclass
class FitJob:
    """Fit one SVM on ``x`` (and ``emb``: the joint SVM) and ``y``, then score each block of
    ``score`` (TF-IDF rows and embeddings) with it. ``keep`` returns the fit too."""

    x: sp.csr_matrix
    emb: np.ndarray | None
    y: np.ndarray
    score: list[tuple[sp.csr_matrix, np.ndarray | None]] = field(default_factory=list)
    keep: bool = False


@dataclass
class FitResult:
    classes: list[str]
    scores: list[np.ndarray]
    fitted: LinearFit | None  # only for jobs with ``keep``: its weights are large


def default_workers(n_rows: int) -> int:
    """How many processes a run of ``n_rows`` rows uses when the caller does not say."""
    if n_rows < PARALLEL_MIN_ROWS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, cores or 1))


class Fitter:
    """Runs fit jobs as they are submitted: in ``workers`` processes, or in this one.

    Use as a context manager. The processes are started on entry (their imports overlap the
    caller's own work); ``submit`` returns a future whatever runs the job."""

    def __init__(
        self, *, c: float, seed: int, workers: int, embedding_scale: float = EMBEDDING_SCALE
    ) -> None:
        self._one = partial(_run_one, c=c, seed=seed, embedding_scale=embedding_scale)
        # A daemonic process (a multiprocessing worker of a host application) may not start
        # processes of its own: it fits in-process, to the same result.
        self._pool: ProcessPoolExecutor | None = None
        self._workers = workers
        if workers > 1 and not multiprocessing.current_process().daemon:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)

    def __enter__(self) -> Fitter:
        if self._pool is not None:
            # One process is started per submitted job until all are: start them now, so
            # that they import scikit-learn while the caller vectorizes and encodes.
            for _ in range(self._workers):
                self._pool.submit(_warm)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc is not None)

    def submit(self, job: FitJob) -> Future[FitResult]:
        if self._pool is not None:
            return self._pool.submit(self._one, job)
        done: Future[FitResult] = Future()
        done.set_result(self._one(job))
        return done


def _warm() -> None:
    """Nothing: running it imports this module, and so scikit-learn, in the worker."""


def _run_one(job: FitJob, *, c: float, seed: int, embedding_scale: float) -> FitResult:
    if job.emb is None:
        fitted = fit_sparse(job.x, job.y, c=c, seed=seed)
    else:
        fitted = fit_joint(job.x, job.emb, job.y, c=c, seed=seed, embedding_scale=embedding_scale)
    scores = [fitted.scores(x, emb) for x, emb in job.score]
    return FitResult(fitted.classes, scores, fitted if job.keep else None)
