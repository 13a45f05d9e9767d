"""The fast path: the sentence-transformers model exported once to ONNX, run with onnxruntime.

The first use exports the Hugging Face transformer with mean pooling and L2 normalisation folded
into the graph (``torch.onnx.export``, the TorchScript exporter), saves it beside the tokenizer in
``<data dir>/models/<model identity>/``, and checks it against sentence-transformers on probe
sentences. Every later process loads only onnxruntime and tokenizers (a fraction of a second
instead of the ~8 s sentence-transformers and torch take to import).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ModelError, first_line

if TYPE_CHECKING:
    import numpy as np

    from assistant.model_ref import ModelRef

FORMAT = 1  # bump when the exported files change shape
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
META_FILE = "meta.json"
FAILED_FILE = "export-failed.json"
MIN_AGREEMENT = 0.9999  # cosine between the export and sentence-transformers on the probes
PROBES = [
    "Remote workers reported fewer interruptions than office workers.",
    "Bake the loaf in a preheated Dutch oven.",
    "Why?",
    "Tables, lists; and punctuation — with “quotes” and émigré accents — 42% of 1,200 people.",
    " ".join(["A very long sentence that will be truncated at the model's maximum length."] * 40),
]


def models_dir() -> Path:
    from assistant import config

    return config.data_dir() / "models"


def slug(identity: str) -> str:
    """A directory name for a model identity: readable start, hash for uniqueness."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", identity).strip("-.")[-60:]
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:12]
    return f"{readable}-{digest}"


def _versions() -> dict[str, str]:
    out = {}
    for name in ("torch", "transformers", "sentence-transformers"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def load(
    ref: ModelRef, batch_size: int = 64, required: bool = False, root: Path | None = None
) -> OnnxBackend | None:
    """The ONNX backend for a model, exporting it first if needed; None means use torch instead.

    With ``required`` (backend "onnx") every failure raises ModelError instead of returning None.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError as exc:
        return _fail(required, f"the onnx backend needs onnxruntime and tokenizers ({exc})")
    if ref.path is None:
        return _fail(required, f"model {ref.name!r}: the onnx backend needs a local model directory")
    target = (root or models_dir()) / slug(ref.identity)
    if (target / META_FILE).exists():
        try:
            return OnnxBackend(target, batch_size=batch_size)
        except Exception:  # noqa: BLE001 - a damaged or outdated export: make it again
            shutil.rmtree(target, ignore_errors=True)
    failed = target / FAILED_FILE
    if failed.exists() and not required:
        try:
            if json.loads(failed.read_text()).get("versions") == _versions():
                return None  # the same libraries failed before: don't pay for the attempt again
        except (OSError, ValueError):
            pass
    from assistant.model_ref import verify_weights

    verify_weights(ref)  # damaged weights are an error here too, never a silent fall back to torch
    try:
        export(ref, target)
    except ModelError as exc:
        _record_failure(failed, str(exc))
        return _fail(required, str(exc))
    try:
        return OnnxBackend(target, batch_size=batch_size)
    except Exception as exc:  # noqa: BLE001 - a broken file: one line, or fall back
        return _fail(required, f"cannot run the exported model in {target}: {first_line(exc) or type(exc).__name__}")


def _fail(required: bool, message: str) -> None:
    if required:
        raise ModelError(message)
    return None


def _record_failure(path: Path, reason: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"reason": reason, "versions": _versions()}))
    except OSError:
        pass


# --------------------------------------------------------------------------- runtime


class OnnxBackend:
    """Tokenize with ``tokenizers``, run the exported graph with onnxruntime (pooling is inside)."""

    name = "onnx"

    def __init__(self, directory: Path, batch_size: int = 64) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((directory / META_FILE).read_text())
        if meta.get("format") != FORMAT:
            raise ModelError(f"{directory}: exported with an older format")
        self.directory = directory
        self.meta = meta
        self.dim = int(meta["dim"])
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=int(meta["max_seq_length"]))
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(directory / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.pad_id = int(meta.get("pad_id", 0))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 vectors, one row per text; batches hold texts of similar length."""
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            types = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                enc = encodings[i]
                n = len(enc.ids)
                ids[r, :n] = enc.ids
                mask[r, :n] = 1
                types[r, :n] = enc.type_ids
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            (vectors,) = self.session.run(None, {k: feed[k] for k in self.inputs})
            out[rows] = vectors
        return out


# --------------------------------------------------------------------------- export


def _pipeline_supported(path: Path) -> str | None:
    """None when the model is Transformer -> mean Pooling (-> Normalize); else why not."""
    try:
        modules = json.loads((path / "modules.json").read_text())
    except (OSError, ValueError):
        return "no modules.json (not a sentence-transformers model directory)"
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
        return f"unsupported module pipeline {kinds}"
    pooling_dir = next(m.get("path", "") for m in modules if m.get("type", "").endswith("Pooling"))
    try:
        pooling = json.loads((path / pooling_dir / "config.json").read_text())
    except (OSError, ValueError):
        return "no pooling configuration"
    mean = pooling.get("pooling_mode_mean_tokens") or pooling.get("pooling_mode") == "mean"
    others = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v and k != "pooling_mode_mean_tokens"]
    if not mean or others:
        return "only mean pooling is exported"
    return None


def export(ref: ModelRef, target: Path) -> None:
    """Export the model to ``target`` (atomically: a temp dir renamed into place), then verify it."""
    assert ref.path is not None
    reason = _pipeline_supported(ref.path)
    if reason:
        raise ModelError(f"model {ref.name!r} cannot use the onnx backend: {reason}")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        _export_into(ref, work)
        try:
            os.replace(work, target)
        except OSError:
            if not (target / META_FILE).exists():  # someone else's half-written dir: replace it
                shutil.rmtree(target, ignore_errors=True)
                os.replace(work, target)
    except ModelError:
        raise
    except Exception as exc:  # noqa: BLE001 - exporter failures come in every kind
        raise ModelError(f"exporting {ref.name!r} to ONNX failed: {first_line(exc) or type(exc).__name__}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _export_into(ref: ModelRef, work: Path) -> None:
    import warnings

    import numpy as np

    from assistant.model_ref import quiet_hf

    quiet_hf()
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError(f"exporting to ONNX needs torch and sentence-transformers: {exc}") from None
    st = SentenceTransformer(str(ref.path), device="cpu")
    transformer = st[0]
    hf_model = getattr(transformer, "auto_model", None) or transformer.model
    hf_tokenizer = st.tokenizer
    fast = getattr(hf_tokenizer, "backend_tokenizer", None)
    if fast is None:
        raise ModelError(f"model {ref.name!r} has no fast tokenizer (tokenizer.json)")
    fast.save(str(work / TOKENIZER_FILE))
    sample = hf_tokenizer(PROBES[:2], padding=True, return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
    wrapper = _Pooled(hf_model, names).eval()
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"embedding": {0: "batch"}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper, tuple(sample[n] for n in names), str(work / MODEL_FILE),
            input_names=names, output_names=["embedding"], dynamic_axes=axes,
            opset_version=17, do_constant_folding=True, dynamo=False,
        )
    dim = int(st.encode(["x"], convert_to_numpy=True).shape[1])
    pad_id = hf_tokenizer.pad_token_id if hf_tokenizer.pad_token_id is not None else 0
    meta = {
        "format": FORMAT, "identity": ref.identity, "dim": dim, "pad_id": int(pad_id),
        "max_seq_length": int(st.max_seq_length), "inputs": names, "versions": _versions(),
    }
    (work / META_FILE).write_text(json.dumps(meta, indent=2))
    # Verify: one batch of mixed lengths and each probe alone must match sentence-transformers.
    expected = st.encode(PROBES, convert_to_numpy=True, normalize_embeddings=True)
    backend = OnnxBackend(work, batch_size=len(PROBES))
    got = np.vstack([backend.encode(PROBES), *(backend.encode([p]) for p in PROBES)])
    agreement = float((got * np.vstack([expected, expected])).sum(axis=1).min())
    if agreement < MIN_AGREEMENT:
        raise ModelError(f"the ONNX export of {ref.name!r} disagrees with sentence-transformers (cosine {agreement:.4f})")


def _make_pooled() -> type:
    import torch

    class Pooled(torch.nn.Module):
        """The transformer, attention-mask mean pooling and L2 normalisation in one graph."""

        def __init__(self, model: Any, names: list[str]) -> None:
            super().__init__()
            self.model = model
            self.names = names

        def forward(self, *inputs: Any) -> Any:
            kwargs = dict(zip(self.names, inputs, strict=True))
            tokens = self.model(**kwargs)[0]
            mask = kwargs["attention_mask"].unsqueeze(-1).to(tokens.dtype)
            summed = (tokens * mask).sum(dim=1)
            pooled = summed / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return Pooled


def _Pooled(model: Any, names: list[str]) -> Any:  # noqa: N802 - reads as the class it builds
    return _make_pooled()(model, names)
