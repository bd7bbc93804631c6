"""The one place clustering turns text into vectors; tests replace mentions_embed with a deterministic fake.

Callers use `embedding.mentions_embed(...)` through this module (never `from ... import mentions_embed`), so
monkeypatching clusters.services.embedding.mentions_embed reaches every caller.
"""

from collections.abc import Sequence

import numpy as np

from enrichment.classifier.embeddings import encode


def mentions_embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised float32 MiniLM embeddings, one row per text (loads the model once per process)."""
    return encode(list(texts))
