"""Single-draft speed: `assist score` on a 2,000-word draft in fresh processes (target: p50 < 3 s).

Uses a fresh ASSIST_HOME: one warm-up run first (the "first run": it exports the model to ONNX
and fills the embedding cache), then times N more fresh processes and prints the p50, plus where
the time of one run goes: the heaviest imports (`python -X importtime`) and whether torch or
sentence-transformers were imported at all (they should not be after the first run).

    python bench/bench_score.py [--runs 7] [--draft PATH] [--words 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drafts import make_draft  # noqa: E402

TARGET = 3.0
WATCH = ("torch", "sentence_transformers", "transformers", "sklearn", "textstat", "nltk",
         "onnxruntime", "tokenizers", "numpy", "rich", "trafilatura", "dateparser")


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def breakdown(cmd: list[str], env: dict[str, str], top: int = 15) -> None:
    """Print the heaviest top-level imports of one run, and which heavy packages were imported."""
    _, proc = run([sys.executable, "-X", "importtime", *cmd[1:]], env)
    rows: dict[str, int] = {}
    seen: set[str] = set()
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        name, depth = m.group(3), len(m.group(2))
        seen.add(name.split(".")[0])
        if depth <= 2:
            rows[name] = max(rows.get(name, 0), int(m.group(1)))
    total = sum(v for k, v in rows.items())
    print(f"imports of one run (cumulative, top-level): {total / 1e6:.2f} s; heaviest:")
    for name, us in sorted(rows.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {us / 1e6:6.3f}  {name}")
    print("heavy packages imported: " + ", ".join(w for w in WATCH if w in seen))


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed fresh processes after the warm-up")
    parser.add_argument("--draft", help="score this file instead of a generated draft")
    parser.add_argument("--words", type=int, default=2000, help="words in the generated draft")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        draft = Path(args.draft) if args.draft else Path(tmp) / "draft.md"
        if not args.draft:
            draft.write_text(make_draft(1, args.words), encoding="utf-8")
        from assistant import documents

        words = documents.load(str(draft)).word_count
        # Bytecode cached as in a normal install (see bench_help.py).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"ASSIST_HOME": str(home)}
        cmd = [sys.executable, "-m", "assistant", "score", str(draft), "--format", "json"]
        first, proc = run(cmd, env)
        if proc.returncode not in (0, 1) or not _is_json(proc.stdout):
            last = (proc.stderr.strip().splitlines() or ["no JSON on stdout"])[-1]
            print(f"assist score failed: exit {proc.returncode}: {last}")
            return 1
        print(f"draft: {draft.name}, {words} words; first run (ONNX export + embedding): {first:.2f} s")
        times = [run(cmd, env)[0] for _ in range(args.runs)]
        p50 = statistics.median(times)
        print(f"assist score, {args.runs} fresh processes after the first run: p50 {p50:.2f} s, "
              f"min {min(times):.2f} s, max {max(times):.2f} s (target < {TARGET} s: "
              f"{'met' if p50 < TARGET else 'MISSED'})")
        edited = []
        original = draft.read_text(encoding="utf-8")
        for n in range(3):  # a writer's edit: one new sentence, so the model must run for it
            draft.write_text(original + f"\nOne more sentence, edit number {n}, written at {time.time()}.\n",
                             encoding="utf-8")
            edited.append(run(cmd, env)[0])
        draft.write_text(original, encoding="utf-8")
        print(f"after an edit (one new sentence: the ONNX model loads and embeds it): "
              f"p50 {statistics.median(edited):.2f} s over {len(edited)} runs")
        breakdown(cmd, env)
    return 0 if p50 < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
