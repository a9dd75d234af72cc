"""The out-of-scope threshold is the one the held-out scores choose; the floor of refusing the
least confident 5% of in-scope messages is only for a search that refused no negative."""

from __future__ import annotations

import numpy as np

from minidesk.triage.calibration import HeldOut, calibrate


def _held(in_scope: np.ndarray, negatives: np.ndarray) -> HeldOut:
    """One fold of two intents: rows of 'a' scored ``in_scope``, rows of a left-out intent
    'c' scored ``negatives`` for 'a'; 'b' scores -3 on every row."""
    scores = np.full((len(in_scope) + len(negatives), 2), -3.0, dtype=np.float32)
    scores[:, 0] = np.concatenate([in_scope, negatives])
    truth = ["a"] * len(in_scope) + ["c"] * len(negatives)
    return HeldOut(scores=[scores], sparse=[scores], labels=[["a", "b"]], truth=[truth])


def test_a_threshold_that_refuses_negatives_refuses_no_in_scope_message_more() -> None:
    held = _held(np.linspace(-0.5, 2.0, 100), np.linspace(-2.5, -1.0, 100))
    calib = calibrate(held, left_out_classes=True, oos_share=0.1)
    assert calib.heldout_oos_recall == 1.0 and calib.heldout_accuracy == 1.0


def test_a_search_that_refuses_no_negative_still_refuses_the_least_sure_in_scope() -> None:
    # The fold model is as sure of the left-out intent as of its own: the search accepts all.
    held = _held(np.linspace(-0.5, 2.0, 100), np.linspace(1.5, 2.0, 20))
    calib = calibrate(held, left_out_classes=True, oos_share=0.1)
    assert 0.94 <= calib.heldout_accuracy <= 0.96
