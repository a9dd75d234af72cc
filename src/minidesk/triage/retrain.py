"""Retraining from agents' corrections, kept only when it is at least as good.

Pure function: the caller (a background job in the desk core) passes the labelled examples
gathered from corrections, the directory of the current model and a held-out set; this
trains a candidate on the current model's training data plus the corrections and promotes it
only if its held-out score is not lower (``holdout`` may be named groups, averaged).
Promotion writes a new version directory and activates it atomically; the previous directory
stays on disk for roll-back.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minidesk.triage.data import Example
from minidesk.triage.evaluate import evaluate
from minidesk.triage.model import IntentModel
from minidesk.triage.registry import ModelRegistry, registry

if TYPE_CHECKING:
    from minidesk.triage.train import TrainConfig


@dataclass(frozen=True)
class RetrainOutcome:
    promoted: bool
    reason: str
    current_score: float
    candidate_score: float
    model_dir: Path  # the directory that is live after the call
    candidate_version: str
    details: dict[str, Any]


def heldout_score(metrics: dict[str, Any]) -> float:
    """One number to compare models: in-scope accuracy, averaged with oos recall if present."""
    acc = float(metrics.get("accuracy") or 0.0)
    if "oos_recall" in metrics and metrics.get("n_in_scope"):
        return (acc + float(metrics["oos_recall"])) / 2
    return acc if metrics.get("n_in_scope") else float(metrics.get("oos_recall", 0.0))


Holdout = Sequence[Example] | Mapping[str, Sequence[Example]]


def score_on(model: IntentModel, holdout: Holdout) -> tuple[float, dict[str, Any]]:
    """The comparison score and the metrics behind it.

    A mapping of named groups scores each group on its own and averages the groups, so a
    small group that matters (agents' corrections) is not drowned by a large one (messages
    the model labelled itself); empty groups are left out.
    """
    if not isinstance(holdout, Mapping):
        metrics = evaluate(model, holdout, latency_sample=0)
        return heldout_score(metrics), metrics
    per_group = {name: evaluate(model, group, latency_sample=0)
                 for name, group in holdout.items() if group}
    scores = [heldout_score(m) for m in per_group.values()]
    return (sum(scores) / len(scores) if scores else 0.0), per_group


def retrain(
    examples: Sequence[Example],
    base_dir: str | Path,
    holdout: Holdout,
    *,
    base_examples: Sequence[Example] = (),
    out_root: str | Path | None = None,
    config: TrainConfig | None = None,
    into: ModelRegistry | None = None,
) -> RetrainOutcome:
    """Train a candidate from ``base_examples + examples``; promote it if it scores >= current.

    ``base_dir`` is the current model. ``out_root`` (default: ``base_dir``'s parent) receives
    the candidate as ``<version>/``. ``into`` is the registry to activate it in (default: the
    process-wide one).
    """
    # Imported here: training needs scikit-learn (~100 MB per process), and every worker's
    # minute sweep imports this module only to ask whether a retrain is due.
    from minidesk.triage.train import TrainConfig, train

    current = IntentModel.load(base_dir)
    if config is None:  # a candidate must not silently drop the live model's encoder
        config = TrainConfig(encoder=current.encoder)
    cur, current_metrics = score_on(current, holdout)
    report = train([*base_examples, *examples], config=config,
                   meta={"retrained_from": current.version, "corrections": len(examples)})
    candidate = report.model
    cand, cand_metrics = score_on(candidate, holdout)
    details = {"current": current_metrics, "candidate": cand_metrics,
               "train_seconds": round(report.seconds, 2)}
    if cand < cur:
        return RetrainOutcome(False, f"candidate scored {cand:.4f} < current {cur:.4f}; kept "
                              f"{current.version}", cur, cand, Path(base_dir),
                              candidate.version, details)
    root = Path(out_root) if out_root is not None else Path(base_dir).parent
    target = root / f"{candidate.version}-{int(time.time())}"
    candidate.save(target)
    (into or registry).activate(target)
    return RetrainOutcome(True, f"candidate scored {cand:.4f} >= current {cur:.4f}; "
                          f"promoted {candidate.version}", cur, cand, target,
                          candidate.version, details)
