"""Batch speed: 200 drafts scored vs the raw model encoding the same sentences (target: <= 1.3x).

1. Writes N synthetic drafts (bench/drafts.py) into a temporary ASSIST_HOME.
2. Scores them all with an empty embedding cache, in-process, through
   ``assistant.score.report.score_documents`` (parsing and loading the files included), recording
   every text the scorer sends to the model.
3. Times the raw ``SentenceTransformer.encode`` of exactly those texts (and, for reference, the raw
   ONNX graph on them), and prints total scoring time / raw encode time.
4. Re-scores all drafts with the cache warm (the cost of everything but the model), then one
   unchanged draft with a new embedder on the same cache (a later run): the number
   of texts embedded must be 0; then does the same through the `assist score` CLI in a fresh process
   and checks the cache gained no row.

The model is loaded (and, the first time, exported to ONNX) before any timing on both sides.

    python bench/bench_batch.py [--drafts 200] [--words 600]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drafts import write_drafts  # noqa: E402

TARGET = 1.3


class Recording:
    """Wraps a backend and keeps every text it is asked to encode."""

    def __init__(self, backend: object) -> None:
        self.backend = backend
        self.texts: list[str] = []

    def encode(self, texts: list[str]):  # type: ignore[no-untyped-def]
        self.texts.extend(texts)
        return self.backend.encode(texts)  # type: ignore[attr-defined]


def score_all(paths: list[Path], embedder) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """(load seconds, score seconds, drafts scored) through the report's batch entry point."""
    from assistant import documents

    start = time.perf_counter()
    docs = [documents.load(str(p)) for p in paths]
    loaded = time.perf_counter()
    results = _score(docs, embedder)
    done = time.perf_counter()
    return loaded - start, done - loaded, len(results)


def _score(docs, embedder):  # type: ignore[no-untyped-def]
    try:
        from assistant.score.report import score_documents
    except ImportError:
        print("  (assistant.score.report is not there yet: timing relevance only)", file=sys.stderr)
        from assistant.score.relevance import compute_relevance, texts_for

        embedder.encode([t for d in docs for t in texts_for(d)])
        return [compute_relevance(d, embedder) for d in docs]
    return score_documents(docs, embedder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=200, help="number of drafts")
    parser.add_argument("--words", type=int, default=600, help="approximate words per draft")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        os.environ["ASSIST_HOME"] = str(home)
        from assistant import db, documents
        from assistant.embeddings import Embedder, TorchBackend

        paths = write_drafts(Path(tmp) / "drafts", args.drafts, args.words)
        conn = db.connect()
        embedder = Embedder(db=conn)
        start = time.perf_counter()
        backend = embedder.backend
        backend.encode(["warm up the model"] * 8)
        print(f"model ready ({type(backend).__name__}, first run includes any ONNX export): "
              f"{time.perf_counter() - start:.1f} s")
        recorder = Recording(backend)
        embedder._backend = recorder
        cpu = time.process_time()
        load_s, score_s, scored = score_all(paths, embedder)
        total = load_s + score_s
        total_cpu = time.process_time() - cpu
        texts = recorder.texts
        print(f"scored {scored} drafts, empty cache: {total:.2f} s (parse {load_s:.2f} s + score {score_s:.2f} s); "
              f"{len(texts)} texts embedded")

        # The raw ONNX run goes first: once torch has run, its idle OpenMP threads compete for the cores.
        start, cpu = time.perf_counter(), time.process_time()
        backend.encode(texts)
        raw_onnx, raw_onnx_cpu = time.perf_counter() - start, time.process_time() - cpu
        torch_backend = TorchBackend(embedder.ref, batch_size=embedder.batch_size)
        torch_backend.encode(["warm up the model"] * 8)
        start, cpu = time.perf_counter(), time.process_time()
        torch_backend.model.encode(texts, batch_size=embedder.batch_size, show_progress_bar=False)
        raw_st, raw_st_cpu = time.perf_counter() - start, time.process_time() - cpu
        ratio = total / raw_st
        print(f"raw SentenceTransformer.encode of the same {len(texts)} texts: {raw_st:.2f} s")
        print(f"raw {type(backend).__name__}.encode of the same texts: {raw_onnx:.2f} s")
        print(f"ratio scoring / raw sentence-transformers encode: {ratio:.2f}x (target <= {TARGET}x: "
              f"{'met' if ratio <= TARGET else 'MISSED'}); scoring / raw {type(backend).__name__}: "
              f"{total / raw_onnx:.2f}x")
        print(f"CPU time (steadier on a busy machine): scoring {total_cpu:.1f} s, raw sentence-transformers "
              f"{raw_st_cpu:.1f} s ({total_cpu / raw_st_cpu:.2f}x), raw {type(backend).__name__} "
              f"{raw_onnx_cpu:.1f} s ({total_cpu / raw_onnx_cpu:.2f}x)")

        warm = Embedder(db=conn)
        warm._backend = backend
        load_w, score_w, _ = score_all(paths, warm)
        print(f"re-score of all {scored} with the cache warm (everything but the model): {load_w + score_w:.2f} s, "
              f"{warm.encoded} texts embedded")
        conn.close()
        again = Embedder(db=db.connect())
        _score([documents.load(str(paths[0]))], again)
        print(f"re-score of an unchanged draft (new embedder, same cache): {again.encoded} texts embedded, "
              f"model loaded: {again._backend is not None}")
        ok = ratio <= TARGET and again.encoded == 0
        ok = _cli_rescore(home, paths[0]) and ok
    return 0 if ok else 1


def _cli_rescore(home: Path, path: Path) -> bool:
    """`assist score` in a fresh process on a draft already scored: the cache gains no row."""
    cache = home / "assist.db"
    before = sqlite3.connect(cache).execute("SELECT count(*) FROM embeddings").fetchone()[0]
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "score", str(path), "--format", "json"],
        capture_output=True, text=True, env={**os.environ, "ASSIST_HOME": str(home)},
    )
    took = time.perf_counter() - start
    after = sqlite3.connect(cache).execute("SELECT count(*) FROM embeddings").fetchone()[0]
    try:
        json.loads(proc.stdout)
        parsed = True
    except ValueError:
        parsed = False
    if proc.returncode not in (0, 1) or not parsed:
        last = (proc.stderr.strip().splitlines() or ["no JSON on stdout"])[-1]
        print(f"assist score (fresh process) failed: exit {proc.returncode}: {last}")
        return False
    print(f"assist score (fresh process) on the unchanged draft: {took:.2f} s, "
          f"{after - before} new cache rows (texts embedded)")
    return after == before


if __name__ == "__main__":
    sys.exit(main())
