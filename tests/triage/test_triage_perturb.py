"""Word-dropped phrasings for calibrating the threshold (``triage.perturb``)."""

from __future__ import annotations

import numpy as np

from minidesk.triage import perturb


def test_dropping_words_keeps_order_and_at_least_one_word() -> None:
    rng = np.random.default_rng(0)
    text = "could you please tell me where my parcel is right now"
    outs = [perturb.drop_words(text, rng) for _ in range(200)]
    words = text.split()
    for out in outs:
        kept = out.split()
        assert kept and len(kept) <= len(words)
        # A subsequence of the original: order kept, nothing invented.
        it = iter(words)
        assert all(w in it for w in kept), out
    dropped = np.mean([1 - len(o.split()) / len(words) for o in outs])
    assert 0.2 < dropped < 0.4
    assert perturb.drop_words("refund", rng) == "refund"
    assert perturb.drop_words("a b", rng, share=1.0) in {"a", "b"}


def test_sample_takes_in_scope_rows_of_several_words_only() -> None:
    texts = ["where is my order", "hello", "what is the weather", "refund my money please"] * 5
    labels = ["status", "status", "oos", "refund"] * 5
    rows, perturbed = perturb.sample(texts, labels, np.random.default_rng(1), limit=6)
    assert len(rows) == len(perturbed) == 6
    assert all(labels[i] != "oos" and len(texts[i].split()) >= 2 for i in rows.tolist())
    again = perturb.sample(texts, labels, np.random.default_rng(1), limit=6)
    assert rows.tolist() == again[0].tolist() and perturbed == again[1]
