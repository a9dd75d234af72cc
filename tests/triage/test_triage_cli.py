from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from minidesk.triage.cli import app
from triage.triage_toydata import TOY

runner = CliRunner()


def _write_csv(path: Path, bom: bool = True) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["utterance", "intent"])
        for lab, texts in TOY.items():
            for t in texts:
                w.writerow([t, lab])
        w.writerow(["what is the weather like", "oos"])
        w.writerow(["sing me a song", "oos"])
        w.writerow(["how far is the moon", "oos"])
        w.writerow(["book a table for two", "oos"])


def test_train_then_eval_csv_with_bom(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    _write_csv(data)
    out = tmp_path / "model"
    res = runner.invoke(app, ["train", str(data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "model.json").is_file()
    res = runner.invoke(app, ["eval", str(out), str(data)])
    assert res.exit_code == 0, res.output
    metrics = json.loads(res.output)
    for key in (
        "accuracy",
        "macro_f1",
        "n",
        "oos_recall",
        "latency_ms_p50",
        "latency_ms_p99",
        "latency_cpu_ms_p50",
        "latency_cpu_ms_p99",
    ):
        assert key in metrics
    assert metrics["n"] == 40
    assert metrics["accuracy"] > 0.8


def test_jsonl_with_named_columns_and_no_oos(tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text(
        "".join(
            json.dumps({"msg": t, "tag": lab}) + "\n" for lab, texts in TOY.items() for t in texts
        )
    )
    out = tmp_path / "m"
    res = runner.invoke(
        app,
        ["train", str(data), "--out", str(out), "--text-column", "msg", "--label-column", "tag"],
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app, ["eval", str(out), str(data), "--text-column", "msg", "--label-column", "tag"]
    )
    metrics = json.loads(res.output)
    assert "oos_recall" not in metrics
    assert metrics["accuracy"] > 0.8


def test_split_json_selector(tmp_path: Path) -> None:
    data = tmp_path / "data_full.json"
    train = [[t, lab] for lab, texts in TOY.items() for t in texts]
    data.write_text(
        json.dumps(
            {
                "train": train,
                "oos_train": [["sing a song", "oos"]] * 3,
                "test": train[:6],
                "oos_test": [["play jazz", "oos"]],
            }
        )
    )
    out = tmp_path / "m"
    res = runner.invoke(app, ["train", f"{data}#train+oos_train", "--out", str(out)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["eval", str(out), f"{data}#test+oos_test"])
    metrics = json.loads(res.output)
    assert metrics["n"] == 7 and "oos_recall" in metrics


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["train", str(tmp_path / "missing.csv"), "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "no such data file" in res.output


def _templated_csv(path: Path) -> None:
    """Bitext-style data: a few templates per intent, each repeated with many fillers."""
    templates = {
        "order_status": ["where is my {x}", "track my {x} please", "has my {x} shipped"],
        "refund": [
            "i want a refund for my {x}",
            "refund the {x} please",
            "give me my money back for the {x}",
        ],
        "password": [
            "i forgot my password for my {x} account",
            "reset my {x} password",
            "cannot log in to my {x} account",
        ],
    }
    fillers = ["order", "parcel", "lamp", "shoes", "gift", "book", "mug", "chair"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        for lab, forms in templates.items():
            for form in forms:
                for x in fillers:
                    w.writerow([form.format(x=x), lab])


def test_a_model_trained_on_templates_accepts_new_wordings_and_languages(
    tmp_path: Path,
) -> None:
    """The multilingual encoder carries English examples to new wordings and languages.

    (Whether the threshold then accepts them is measured on real corpora by
    ``bench/triage.py``: with three intents and nine templates there is too little held-out
    data to calibrate on.)"""
    data, out = tmp_path / "templated.csv", tmp_path / "m"
    _templated_csv(data)
    res = runner.invoke(app, ["train", str(data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["encoder"] == "muse"
    heldout = tmp_path / "heldout.csv"
    with heldout.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        for text, lab in [
            ("the package never showed up, where is it?", "order_status"),
            ("¿dónde está mi paquete?", "order_status"),
            ("Wo ist meine Sendung?", "order_status"),
            ("I'd like to be reimbursed", "refund"),
            ("je voudrais être remboursé", "refund"),
            ("quero o meu dinheiro de volta", "refund"),
            ("I can't sign in, forgot my login", "password"),
            ("olvidé mi contraseña", "password"),
        ]:
            w.writerow([text, lab])
    res = runner.invoke(app, ["eval", str(out), str(heldout)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["accuracy_unthresholded"] >= 0.75


# What every `minidesk` command (`serve` included) imports before it runs: the whole CLI,
# every feature's commands mounted, `intents` among them.
CLI_PROBE = """
import sys
import minidesk.cli
assert "intents" in [g.name for g in minidesk.cli.app.registered_groups]
print(sorted({m.split(".")[0] for m in sys.modules} & {"sklearn", "scipy", "pandas"}))
"""


def test_building_the_cli_imports_no_trainer() -> None:
    # The trainer's scikit-learn, SciPy and pandas cost `minidesk serve` ~115 MB resident.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINIDESK_")}
    done = subprocess.run(
        [sys.executable, "-c", CLI_PROBE],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
