"""Rebuild the shipped default intent model from the Bitext data in ``shared/datasets``.

    python -m minidesk.triage.build_default [--datasets DIR] [--out DIR]

Trains on bitext-8k and bitext-llm-6.5k, relabelled to minidesk's taxonomy, plus the
hand-written ``seed_examples.jsonl`` for intents Bitext lacks (returns), and generated
out-of-scope messages that are not requests (thanks, survey answers, greetings, auto-replies:
``triage.negatives``). Deterministic: the same data gives the same model. The
CDLA-Sharing-1.0 notice is copied beside the model.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from minidesk.triage.augment import with_products
from minidesk.triage.data import SEEDS, Example, load_examples
from minidesk.triage.negatives import negative_examples
from minidesk.triage.registry import DEFAULT_MODEL_DIR
from minidesk.triage.taxonomy import BITEXT_TO_MINIDESK
from minidesk.triage.train import train

HERE = Path(__file__).resolve().parent
BITEXT_8K = "bitext-8k/Bitext_Sample_Customer_Service_Training_Dataset.csv"
BITEXT_LLM = "bitext-llm-6.5k/Bitext_Sample_Customer_Support_Training_Dataset.csv"


def default_datasets_dir() -> Path:
    # src/minidesk/triage → repo root → its sibling "shared"
    return HERE.parents[2].parent / "shared" / "datasets"


def bitext_examples(datasets: Path, release: str) -> list[Example]:
    """One Bitext release's rows relabelled to minidesk intents."""
    ref = datasets / (BITEXT_8K if release == "8k" else BITEXT_LLM)
    return [
        Example(ex.text, BITEXT_TO_MINIDESK[ex.label])
        for ex in load_examples(ref, label_column="intent")
    ]


def build(datasets: Path, out: Path) -> dict[str, object]:
    first, second = bitext_examples(datasets, "8k"), bitext_examples(datasets, "llm")
    own = load_examples(SEEDS) + negative_examples()
    corpus = first + second + own
    # Calibrate across releases: each release is scored by a model trained on the other,
    # the only honest view of how confident the model is on phrasing it has not seen. The
    # intents left out of each fold stay negatives beside the generated oos rows.
    folds = [0] * len(first) + [1] * len(second) + [i % 2 for i in range(len(own))]
    # Copies naming a product stay in their row's fold: never scored by a model that
    # trained on their original.
    named = with_products(corpus)
    examples = corpus + [copy for _, copy in named]
    fold_ids = folds + [folds[index] for index, _ in named]
    report = train(
        examples,
        fold_ids=fold_ids,
        leave_classes_out=True,
        meta={
            "source": "bitext-8k + bitext-llm-6.5k + seed_examples + negatives + products",
            "license": "CDLA-Sharing-1.0 (see LICENSE-bitext.txt)",
        },
    )
    report.model.version = "default-" + report.model.version.removeprefix("intents-")
    report.model.save(out)
    shutil.copyfile(datasets / "bitext-8k" / "LICENSE.txt", out / "LICENSE-bitext.txt")
    (out / "NOTICE.txt").write_text(
        "The default intent model is trained on the Bitext customer-service datasets\n"
        "(Sample Customer Service Training Dataset; Customer Support LLM Chatbot Training\n"
        "Dataset), (c) Bitext Innovations, used under the Community Data License Agreement -\n"
        "Sharing - Version 1.0, whose text is in LICENSE-bitext.txt.\n",
        "utf-8",
    )
    return {
        "version": report.model.version,
        "seconds": round(report.seconds, 1),
        "examples": report.n_examples,
        "calibration": report.calibration.__dict__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=default_datasets_dir())
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    args = parser.parse_args()
    print(json.dumps(build(args.datasets, args.out), indent=2))


if __name__ == "__main__":
    main()
