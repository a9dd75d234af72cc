"""Reading labelled examples: CSV, JSONL and CLINC150's ``data_full.json`` with a split selector.

A data reference is a path, optionally followed by ``#split+split`` for JSON files that hold
several named splits (``data_full.json#train+oos_train``). Rows labelled ``oos`` are
out-of-scope examples (CLINC150's convention) and are kept as such.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

OOS_LABEL = "oos"
# Our own labelled sentences in five languages, shipped with the package.
SEEDS = Path(__file__).resolve().parent / "seed_examples.jsonl"

# Column names tried, in order, when the caller names none. Bitext calls its text
# "utterance" (8k) or "instruction" (LLM release) and its label "intent".
TEXT_COLUMNS = ("text", "utterance", "instruction", "message", "sentence", "query")
LABEL_COLUMNS = ("label", "intent", "category", "class")


class DataError(ValueError):
    """The data file cannot be read as labelled examples (message says why)."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def split_ref(ref: str | Path) -> tuple[Path, list[str]]:
    """Split ``path#a+b`` into the path and the list of split names."""
    raw = str(ref)
    if "#" in raw:
        path, _, sel = raw.rpartition("#")
        return Path(path), [s for s in sel.split("+") if s]
    return Path(raw), []


def load_examples(
    ref: str | Path, *, text_column: str | None = None, label_column: str | None = None
) -> list[Example]:
    """Load labelled examples from a CSV, JSONL or split-JSON file reference."""
    path, splits = split_ref(ref)
    if not path.is_file():
        raise DataError(f"no such data file: {path}")
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv"}:
        rows = _read_csv(path, delimiter="\t" if suffix == ".tsv" else ",")
        examples = _from_rows(rows, text_column, label_column, path)
    elif suffix in (".jsonl", ".ndjson"):
        examples = _from_rows(_read_jsonl(path), text_column, label_column, path)
    elif suffix == ".json":
        examples = _read_split_json(path, splits)
    else:
        raise DataError(f"unsupported data format {suffix!r} (use .csv, .jsonl or .json)")
    if not examples:
        raise DataError(f"no labelled examples in {ref}")
    return examples


def _read_csv(path: Path, delimiter: str) -> list[dict[str, str]]:
    # utf-8-sig strips the byte-order mark that Excel and Bitext's export put first.
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [dict(row) for row in csv.DictReader(fh, delimiter=delimiter)]


def _read_jsonl(path: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with path.open(encoding="utf-8-sig") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{lineno}: not JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise DataError(f"{path}:{lineno}: expected an object per line")
            rows.append({str(k): "" if v is None else str(v) for k, v in obj.items()})
    return rows


def _pick(columns: Iterable[str], wanted: str | None, candidates: Sequence[str], what: str) -> str:
    cols = list(columns)
    if wanted:
        if wanted not in cols:
            raise DataError(f"{what} column {wanted!r} not found (columns: {', '.join(cols)})")
        return wanted
    lowered = {c.strip().lower(): c for c in cols}
    for cand in candidates:
        if cand in lowered:
            return lowered[cand]
    raise DataError(f"no {what} column found (columns: {', '.join(cols)}); name it explicitly")


def _from_rows(
    rows: list[dict[str, str]], text_column: str | None, label_column: str | None, path: Path
) -> list[Example]:
    if not rows:
        return []
    tcol = _pick(rows[0].keys(), text_column, TEXT_COLUMNS, "text")
    lcol = _pick(rows[0].keys(), label_column, LABEL_COLUMNS, "label")
    out = []
    for row in rows:
        text, label = (row.get(tcol) or "").strip(), (row.get(lcol) or "").strip()
        if text and label:
            out.append(Example(text, label))
    return out


def _read_split_json(path: Path, splits: list[str]) -> list[Example]:
    with path.open(encoding="utf-8-sig") as fh:
        data = json.load(fh)
    if isinstance(data, list):
        if splits:
            raise DataError(f"{path} is a plain list; it has no splits to select")
        return _pairs(data, path)
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected an object of splits or a list of [text, label]")
    if not splits:
        raise DataError(f"{path} holds splits {sorted(data)}; select some: {path}#train+oos_train")
    out: list[Example] = []
    for name in splits:
        if name not in data:
            raise DataError(f"{path} has no split {name!r} (splits: {', '.join(sorted(data))})")
        out.extend(_pairs(data[name], path))
    return out


def _pairs(items: list[object], path: Path) -> list[Example]:
    out = []
    for item in items:
        if isinstance(item, list | tuple) and len(item) == 2:
            text, label = str(item[0]).strip(), str(item[1]).strip()
        elif isinstance(item, dict) and "text" in item and "label" in item:
            text, label = str(item["text"]).strip(), str(item["label"]).strip()
        else:
            raise DataError(f"{path}: expected [text, label] pairs, got {str(item)[:60]!r}")
        if text and label:
            out.append(Example(text, label))
    return out
