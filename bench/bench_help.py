"""Start-up speed: `assist --help` in fresh processes (target: p50 under 0.3 s on 2 cores).

Runs the installed `assist` script (or `python -m assistant` when it is not on PATH) N times
against a throw-away ASSIST_HOME and prints each time, the p50, and which command modules cost
the most to import (from `python -X importtime`), so a slow command is easy to find.

    python bench/bench_help.py [--runs 11]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 0.3


def command() -> list[str]:
    script = Path(sys.executable).with_name("assist")
    if script.exists():
        return [str(script)]
    found = shutil.which("assist")
    return [found] if found else [sys.executable, "-m", "assistant"]


def time_runs(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[list[float], int]:
    """Wall times of fresh processes, and how many of them failed."""
    times, failed = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            failed += 1
            last = (proc.stderr.strip().splitlines() or ["?"])[-1]
            print(f"  exit {proc.returncode}: {last}", file=sys.stderr)
    return times, failed


def import_breakdown(env: dict[str, str], top: int = 12) -> list[tuple[float, str]]:
    """Cumulative import time (s) of the heaviest modules imported by `--help`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assistant", "--help"],
        env=env, capture_output=True, text=True,
    )
    rows: list[tuple[float, str]] = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(2)) <= 4:  # top-level imports and their direct children
            rows.append((int(m.group(1)) / 1e6, m.group(2) + m.group(3)))
    return sorted(rows, reverse=True)[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="fresh processes to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        # A normal install caches bytecode; a shell with PYTHONDONTWRITEBYTECODE would recompile
        # every module of the project on every run and measure that instead.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"ASSIST_HOME": home}
        cmd = [*command(), "--help"]
        subprocess.run(cmd, env=env, capture_output=True)  # warm the OS file cache
        times, failed = time_runs(cmd, args.runs, env)
        p50 = statistics.median(times)
        verdict = "met" if p50 < TARGET else "MISSED"
        if failed:
            verdict = f"not measured: {failed} of {args.runs} runs failed"
        print(f"assist --help, {args.runs} fresh processes: p50 {p50:.3f} s, "
              f"min {min(times):.3f} s, max {max(times):.3f} s (target < {TARGET} s: {verdict})")
        print("heaviest imports (cumulative s):")
        for seconds, name in import_breakdown(env):
            print(f"  {seconds:6.3f}  {name}")
    return 0 if p50 < TARGET and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
