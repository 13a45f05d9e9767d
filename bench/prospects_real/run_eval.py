"""`assist prospects` on real link data: GitHub awesome lists are the sites, the projects they link to
are the drafts (their READMEs), the truth is which of our lists link each project. See README.md.

Runs assist as a user would, through its CLI, in a fresh temporary ASSIST_HOME per setup:

  setup 1, "catalog":        `assist sites import catalog.jsonl` (url, name, description = the list's
                             whole README), then `assist prospects DRAFT --format json --limit 80`;
  setup 2, "catalog+links":  the same plus `assist sites import links.csv` (plain source_url,target_url,
                             anchor: every outbound link of every list's README).

and compares with baselines computed here on the same texts: TF-IDF (scikit-learn, sublinear tf, English
stop words, cosine), BM25 (bm25s, k1=1.2 b=0.75; the query is the draft's tokens with repeats) and MiniLM
chunk means (150-word chunks embedded with assist's Embedder, mean vector, cosine). Baselines see only
the list texts, so they are the same in both setups.

Metrics per draft: R@1, R@5 (share of its true lists in the top k), Hit@1, Hit@5, MRR, nDCG@10
(binary); the mean over drafts with a 95% bootstrap interval (2,000 resamples of the drafts, fixed
seed), per split and setup; and the paired interval of assist's MRR minus the best baseline's.
Always exits 0 (a measurement, not a test); prints whether the target holds.

    python bench/prospects_real/build.py materialise      # once: texts into .cache/
    python bench/prospects_real/run_eval.py --fake-domains [--split heldout] [--setup both]
        [--limit-drafts N] [--jobs 2] [--subprocess] [--json out.json] [--cold]

Site keys: assist's "domain" of a list is mapped back to the list. With per-repository site identity it
is "github.com/owner/name"; with the host alone all lists would be one site "github.com", so
--fake-domains gives each list its own domain (https://owner--name.lists.example/) in the catalog and
the links file (links to one of our lists are rewritten the same way, so the link graph is unchanged).

--cold: an empty ASSIST_HOME as a new user has it. By default the chunk vectors assist computed in
earlier runs (its `embeddings` table, keyed by model and text hash) are copied into the fresh home
after the import, which changes nothing but the time (embedding 75 long lists takes ~5 minutes).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
MANIFEST = HERE / "manifest.jsonl"
EMBED_HOME = CACHE / "embed-home"  # a persistent ASSIST_HOME used only as a store of chunk vectors
METRICS = ("R@1", "R@5", "Hit@1", "Hit@5", "MRR", "nDCG@10")
SYSTEMS = ("assist", "tfidf", "bm25", "minilm")
BOOTSTRAP = 2000
SEED = 20240601
LIMIT = 80
SPLITS = ("dev", "heldout", "fresh")
# "fresh" is the second held-out split (drawn 2026-12-06, after "heldout" had been run three times); the
# target is judged on it, and on "heldout" for reference.
TARGET_SPLIT = "fresh"
TARGET = (f"assist MRR >= best baseline + 0.05 and Hit@5 >= 0.93 on {TARGET_SPLIT} in both setups,"
          " and setup2 MRR >= setup1 MRR")


# ---------------------------------------------------------------- data

def load_data(split: str, limit_drafts: int | None) -> tuple[list[dict], list[dict], list[dict]]:
    if not (CACHE / "lists.jsonl").exists() or not (CACHE / "drafts.jsonl").exists():
        sys.exit(f"error: {CACHE}/lists.jsonl is missing: run `python {HERE / 'build.py'} materialise` first")
    lists = [json.loads(line) for line in (CACHE / "lists.jsonl").read_text().splitlines() if line.strip()]
    manifest = [json.loads(line) for line in MANIFEST.read_text().splitlines() if line.strip()]
    drafts = [r for r in manifest if r["type"] == "draft"]
    for d in drafts:
        d["file"] = str(CACHE / "drafts" / f"{d['repo'].replace('/', '__')}.md")
        if not Path(d["file"]).exists():
            sys.exit(f"error: {d['file']} is missing: run `python {HERE / 'build.py'} materialise`")
    if split != "all":
        drafts = [d for d in drafts if d["split"] == split]
    if limit_drafts:
        # a fixed sample, alternating between the splits
        by_split = [sorted((d for d in drafts if d["split"] == s), key=lambda d: hashlib.sha256(
            f"sample:{d['repo']}".encode()).hexdigest()) for s in SPLITS]
        by_split = [b for b in by_split if b]
        mixed = [d for group in zip(*by_split, strict=False) for d in group]
        rest = [d for b in by_split for d in b if d not in mixed]
        drafts = (mixed + rest)[:limit_drafts]
    drafts.sort(key=lambda d: d["repo"].lower())
    links = [json.loads(line) for line in (CACHE / "links.jsonl").read_text().splitlines() if line.strip()]
    return lists, drafts, links


def fake_url(repo: str) -> str:
    return f"https://{repo.lower().replace('/', '--').replace('.', '-')}.lists.example/"


GITHUB_REPO = re.compile(r"^https?://(?:www\.)?github\.com/([^/#?]+)/([^/#?]+)", re.I)


def write_inputs(work: Path, lists: list[dict], links: list[dict], fake: bool,
                 drop_targets: set[str] | None = None) -> tuple[Path, Path, int]:
    catalog = work / "catalog.jsonl"
    with catalog.open("w") as fh:
        for item in lists:
            url = fake_url(item["repo"]) if fake else item["url"]
            fh.write(json.dumps({"url": url, "name": item["repo"], "description": item["text"]},
                                ensure_ascii=False) + "\n")
    ours = {item["repo"].lower(): item["repo"] for item in lists}
    links_csv = work / "links.csv"
    n = 0
    with links_csv.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source_url", "target_url", "anchor"])
        for link in links:
            source = fake_url(link["list"]) if fake else link["source_url"]
            target = link["target_url"]
            m = GITHUB_REPO.match(target)
            if drop_targets and m and f"{m.group(1)}/{re.sub(r'[.]git$', '', m.group(2))}".lower() in drop_targets:
                continue
            if fake and m:
                name = m.group(2)[:-4] if m.group(2).lower().endswith(".git") else m.group(2)
                key = f"{m.group(1)}/{name}".lower()
                if key in ours:  # a link to one of our lists points at that list's site
                    target = fake_url(ours[key]) + target[m.end():].lstrip("/")
            writer.writerow([source, target, link["anchor"]])
            n += 1
    return catalog, links_csv, n


def site_key_map(lists: list[dict], fake: bool) -> dict[str, str]:
    """assist's site key ("domain") -> list repo."""
    out: dict[str, str] = {}
    for item in lists:
        if fake:
            out[fake_url(item["repo"]).split("://", 1)[1].rstrip("/")] = item["repo"]
        else:
            out[f"github.com/{item['repo']}".lower()] = item["repo"]
    return out


# ---------------------------------------------------------------- running assist

def _cli_env(home: Path) -> dict[str, str]:
    return {"ASSIST_HOME": str(home), "HF_HUB_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false"}


def run_cli(args: list[str], home: Path, use_subprocess: bool) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `assist ARGS` with ASSIST_HOME=home."""
    if use_subprocess:
        exe = Path(sys.executable).with_name("assist")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant"]
        res = subprocess.run(cmd + args, capture_output=True, text=True, env={**os.environ, **_cli_env(home)})
        return res.returncode, res.stdout, res.stderr
    from click.testing import CliRunner

    from assistant.cli import cli

    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 keeps stderr apart anyway
        runner = CliRunner()
    result = runner.invoke(cli, args, env=_cli_env(home), catch_exceptions=True)
    err = result.stderr if hasattr(result, "stderr") else ""
    if result.exception and not isinstance(result.exception, SystemExit):
        import traceback

        err += "".join(traceback.format_exception(result.exception))
    return result.exit_code, result.stdout, err


def _prospects_one(job: tuple[str, str, bool]) -> tuple[str, int, str, str, float]:
    draft_file, home, use_subprocess = job
    t0 = time.time()
    code, out, err = run_cli(["prospects", draft_file, "--format", "json", "--limit", str(LIMIT)], Path(home),
                             use_subprocess)
    return draft_file, code, out, err, time.time() - t0


def _worker_init() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        import torch

        torch.set_num_threads(1)
    except Exception:  # noqa: BLE001 - torch is optional (onnx backend)
        pass


def copy_embeddings(src_db: Path, dst_db: Path) -> int:
    """Copy the chunk-vector cache (`embeddings` table) from one assist database into another."""
    if not src_db.exists() or not dst_db.exists():
        return 0
    try:
        con = sqlite3.connect(dst_db, timeout=60)
        con.execute("ATTACH DATABASE ? AS src", (str(src_db),))
        before = con.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        con.execute("INSERT OR IGNORE INTO embeddings SELECT model, text_hash, dim, vector FROM src.embeddings")
        con.commit()
        after = con.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        con.execute("DETACH DATABASE src")
        con.close()
        return after - before
    except sqlite3.Error as exc:
        print(f"warning: could not copy cached embeddings ({exc}); continuing cold", file=sys.stderr)
        return 0


def ensure_embed_home() -> Path:
    """The persistent vector store (an assist database, created by assist's own migrations)."""
    EMBED_HOME.mkdir(parents=True, exist_ok=True)
    db_file = EMBED_HOME / "assist.db"
    if not db_file.exists():
        old = os.environ.get("ASSIST_HOME")
        os.environ["ASSIST_HOME"] = str(EMBED_HOME)
        try:
            from assistant import db

            db.connect().close()
        finally:
            if old is None:
                os.environ.pop("ASSIST_HOME", None)
            else:
                os.environ["ASSIST_HOME"] = old
    return db_file


def run_assist(setup: str, lists: list[dict], links: list[dict], drafts: list[dict], args: argparse.Namespace,
               work: Path) -> tuple[dict[str, list[str]], dict]:
    """Per draft repo, the list repos in assist's order; plus run info."""
    home = work / f"home-{setup}"
    home.mkdir(parents=True, exist_ok=True)
    inputs = work / f"inputs-{setup}"
    inputs.mkdir(exist_ok=True)
    drop = {d["repo"].lower() for d in drafts} if args.drop_draft_links else None
    catalog, links_csv, n_links = write_inputs(inputs, lists, links, args.fake_domains, drop)
    info: dict = {"setup": setup, "links_rows": n_links if setup == "links" else 0}
    t0 = time.time()
    code, out, err = run_cli(["sites", "import", str(catalog), "--json"], home, args.subprocess)
    if code != 0:
        raise RuntimeError(f"assist sites import {catalog.name} failed ({code}): {err.strip()[:2000]}")
    info["import_catalog"] = _first_json(out)
    if setup == "links":
        code, out, err = run_cli(["sites", "import", str(links_csv), "--json"], home, args.subprocess)
        if code != 0:
            raise RuntimeError(f"assist sites import {links_csv.name} failed ({code}): {err.strip()[:2000]}")
        info["import_links"] = _first_json(out)
    info["import_seconds"] = round(time.time() - t0, 1)
    code, out, _err = run_cli(["sites", "list", "--json", "--limit", "1000"], home, args.subprocess)
    try:
        info["sites"] = len(json.loads(out))
    except (json.JSONDecodeError, TypeError):
        info["sites"] = None
    if not args.cold:
        info["embeddings_copied"] = copy_embeddings(ensure_embed_home(), home / "assist.db")
    files = [d["file"] for d in drafts]
    results: dict[str, tuple[int, str, str, float]] = {}
    t1 = time.time()
    # the first draft alone: it builds the site vectors, which the others then read
    first = _prospects_one((files[0], str(home), args.subprocess))
    results[first[0]] = first[1:]
    print(f"  [{setup}] first draft (builds site vectors): {first[4]:.1f}s", file=sys.stderr)
    rest = [(f, str(home), args.subprocess) for f in files[1:]]
    done = 1
    if args.jobs > 1 and not args.subprocess:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(args.jobs, initializer=_worker_init) as pool:
            for res in pool.imap_unordered(_prospects_one, rest):
                results[res[0]] = res[1:]
                done += 1
                if done % 25 == 0:
                    print(f"  [{setup}] {done}/{len(files)} drafts, {time.time() - t1:.0f}s", file=sys.stderr)
    else:
        with ThreadPoolExecutor(max_workers=args.jobs if args.subprocess else 1) as ex:
            for res in ex.map(_prospects_one, rest):
                results[res[0]] = res[1:]
                done += 1
                if done % 25 == 0:
                    print(f"  [{setup}] {done}/{len(files)} drafts, {time.time() - t1:.0f}s", file=sys.stderr)
    info["prospects_seconds"] = round(time.time() - t1, 1)
    if not args.cold:
        copy_embeddings(home / "assist.db", ensure_embed_home())
    keymap = site_key_map(lists, args.fake_domains)
    rankings: dict[str, list[str]] = {}
    failures, unmapped, collapsed = [], set(), set()
    info["details"] = {}
    for d in drafts:
        code, out, err, secs = results[d["file"]]
        if code != 0:
            failures.append(f"{d['repo']}: exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}")
            rankings[d["repo"]] = []
            continue
        try:
            found = json.loads(out)
        except json.JSONDecodeError:
            failures.append(f"{d['repo']}: output is not JSON: {out[:200]!r}")
            rankings[d["repo"]] = []
            continue
        order: list[str] = []
        for p in found:
            key = str(p.get("domain", "")).lower().rstrip("/")
            repo = keymap.get(key)
            if repo is None:
                unmapped.add(key)
                if key == "github.com":
                    collapsed.add(key)
                continue
            if repo not in order:
                order.append(repo)
        rankings[d["repo"]] = order
        info.setdefault("seconds", []).append(round(secs, 2))
        info.setdefault("returned", []).append(len(found))
        info["details"][d["repo"]] = [{"rank": p.get("rank"), "domain": p.get("domain"), "score": p.get("score"),
                                       "reasons": p.get("reasons", [])[:3]} for p in found[:10]]
    secs_all = sorted(info.get("seconds", []))
    if secs_all:
        info["seconds_median"] = secs_all[len(secs_all) // 2]
        print(f"  [{setup}] per draft: median {info['seconds_median']:.1f}s, max {secs_all[-1]:.1f}s; prospects"
              f" returned: {min(info['returned'])} to {max(info['returned'])} of {len(lists)} lists", file=sys.stderr)
    info["failures"] = failures
    info["unmapped_site_keys"] = sorted(unmapped)[:50]
    if failures:
        print(f"  [{setup}] {len(failures)} draft(s) failed, e.g. {failures[0]}", file=sys.stderr)
    if collapsed:
        print(f"  [{setup}] warning: assist returned the site key 'github.com': the lists are not told apart"
              " (use --fake-domains with this version of assist)", file=sys.stderr)
    elif unmapped:
        print(f"  [{setup}] warning: {len(unmapped)} site key(s) not mapped to a list, e.g. {sorted(unmapped)[:3]}",
              file=sys.stderr)
    return rankings, info


def _first_json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text.strip()[:500]


# ---------------------------------------------------------------- baselines

TOKEN = re.compile(r"(?u)\b\w\w+\b")


def rank_by(scores: np.ndarray, names: list[str]) -> list[str]:
    order = sorted(range(len(names)), key=lambda i: (-float(scores[i]), names[i].lower()))
    return [names[i] for i in order]


def baseline_tfidf(lists: list[dict], drafts: list[dict], texts: dict[str, str]) -> dict[str, list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    names = [x["repo"] for x in lists]
    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    site_m = vec.fit_transform([x["text"] for x in lists])
    draft_m = vec.transform([texts[d["repo"]] for d in drafts])
    sims = (draft_m @ site_m.T).toarray()  # rows are L2-normalised: dot = cosine
    return {d["repo"]: rank_by(sims[i], names) for i, d in enumerate(drafts)}


def _tokens(text: str) -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return [t for t in TOKEN.findall(text.lower()) if t not in ENGLISH_STOP_WORDS]


def baseline_bm25(lists: list[dict], drafts: list[dict], texts: dict[str, str]) -> tuple[dict[str, list[str]], str]:
    names = [x["repo"] for x in lists]
    corpus = [_tokens(x["text"]) for x in lists]
    try:
        import bm25s

        model = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        model.index(corpus, show_progress=False)
        vocab = set(model.vocab_dict)
        out = {}
        for d in drafts:
            q = [t for t in _tokens(texts[d["repo"]]) if t in vocab]
            scores = model.get_scores(q) if q else np.zeros(len(names))
            out[d["repo"]] = rank_by(np.asarray(scores), names)
        return out, f"bm25s {getattr(bm25s, '__version__', '?')} (lucene idf, k1=1.2, b=0.75)"
    except ImportError:
        pass
    # Okapi BM25, k1=1.2, b=0.75, idf = log(1 + (N - df + 0.5) / (df + 0.5))
    from collections import Counter

    n = len(corpus)
    tfs = [Counter(doc) for doc in corpus]
    lens = np.array([len(doc) for doc in corpus], dtype=float)
    avg = lens.mean()
    df = Counter(t for tf in tfs for t in tf)
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    k1, b = 1.2, 0.75
    out = {}
    for d in drafts:
        q = Counter(t for t in _tokens(texts[d["repo"]]) if t in idf)
        scores = np.zeros(n)
        for j, tf in enumerate(tfs):
            norm = k1 * (1 - b + b * lens[j] / avg)
            scores[j] = sum(qc * idf[t] * tf[t] * (k1 + 1) / (tf[t] + norm) for t, qc in q.items() if t in tf)
        out[d["repo"]] = rank_by(scores, names)
    return out, "own Okapi BM25 (k1=1.2, b=0.75)"


def chunks_of(text: str, words: int = 150) -> list[str]:
    toks = text.split()
    return [" ".join(toks[i:i + words]) for i in range(0, len(toks), words)] or [""]


def baseline_minilm(lists: list[dict], drafts: list[dict], texts: dict[str, str]) -> dict[str, list[str]]:
    db_file = ensure_embed_home()
    old = os.environ.get("ASSIST_HOME")
    os.environ["ASSIST_HOME"] = str(EMBED_HOME)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from assistant import db
        from assistant.embeddings import Embedder

        conn = db.connect()
        embedder = Embedder(db=conn)

        def mean_vec(text: str) -> np.ndarray:
            m = np.asarray(embedder.encode(chunks_of(text)), dtype=np.float32).mean(axis=0)
            return m / (np.linalg.norm(m) or 1.0)

        t0 = time.time()
        site_v = np.stack([mean_vec(x["text"]) for x in lists])
        draft_v = np.stack([mean_vec(texts[d["repo"]]) for d in drafts])
        conn.close()
        print(f"  [minilm] {embedder.encoded} chunks embedded, {embedder.cached} from the cache ({db_file}),"
              f" {time.time() - t0:.0f}s", file=sys.stderr)
    finally:
        if old is None:
            os.environ.pop("ASSIST_HOME", None)
        else:
            os.environ["ASSIST_HOME"] = old
    sims = draft_v @ site_v.T
    names = [x["repo"] for x in lists]
    return {d["repo"]: rank_by(sims[i], names) for i, d in enumerate(drafts)}


# ---------------------------------------------------------------- metrics

def per_draft(ranked: list[str], truth: set[str]) -> dict[str, float]:
    def recall(k: int) -> float:
        return len(set(ranked[:k]) & truth) / len(truth)

    rr = next((1.0 / i for i, r in enumerate(ranked, 1) if r in truth), 0.0)
    dcg = sum(1.0 / math.log2(i + 1) for i, r in enumerate(ranked[:10], 1) if r in truth)
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(truth), 10) + 1))
    return {"R@1": recall(1), "R@5": recall(5), "Hit@1": float(bool(set(ranked[:1]) & truth)),
            "Hit@5": float(bool(set(ranked[:5]) & truth)), "MRR": rr, "nDCG@10": dcg / idcg}


def bootstrap(values: np.ndarray, rng_seed: int = SEED) -> tuple[float, float, float]:
    rng = np.random.default_rng(rng_seed)
    n = len(values)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    idx = rng.integers(0, n, size=(BOOTSTRAP, n))
    means = values[idx].mean(axis=1)
    return float(values.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def summarise(rankings: dict[str, dict[str, list[str]]], drafts: list[dict]) -> dict:
    """{system: {metric: [mean, lo, hi]}} plus per-draft values, over the given drafts."""
    out: dict = {"n": len(drafts), "systems": {}, "per_draft": {}}
    for system, ranks in rankings.items():
        vals = {m: np.array([per_draft(ranks[d["repo"]], set(d["truth"]))[m] for d in drafts]) for m in METRICS}
        out["systems"][system] = {m: [round(x, 4) for x in bootstrap(v)] for m, v in vals.items()}
        out["per_draft"][system] = {m: v.tolist() for m, v in vals.items()}
    baselines = [s for s in rankings if s != "assist"]
    if "assist" in rankings and baselines and drafts:
        best = max(baselines, key=lambda s: out["systems"][s]["MRR"][0])
        diff = np.array(out["per_draft"]["assist"]["MRR"]) - np.array(out["per_draft"][best]["MRR"])
        out["paired"] = {"metric": "MRR", "baseline": best, "diff": [round(x, 4) for x in bootstrap(diff)]}
    return out


def fmt_ci(v: list[float]) -> str:
    return f"{v[0]:.3f} [{v[1]:.3f}, {v[2]:.3f}]"


def table(summary: dict, title: str) -> str:
    lines = [f"### {title} (n = {summary['n']} drafts)", "", "| system | " + " | ".join(METRICS) + " |",
             "|---|" + "---|" * len(METRICS)]
    for system, vals in summary["systems"].items():
        lines.append(f"| {system} | " + " | ".join(fmt_ci(vals[m]) for m in METRICS) + " |")
    if "paired" in summary:
        p = summary["paired"]
        lines += ["", f"paired: assist MRR - {p['baseline']} MRR = {fmt_ci(p['diff'])}"]
    return "\n".join(lines)


# ---------------------------------------------------------------- main

def code_state() -> dict:
    """Which assist was measured: the git commit, and a hash of uncommitted changes under assistant/."""
    root = HERE.parent.parent

    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(root), *a], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    diff = git("diff", "HEAD", "--", "assistant")
    return {"commit": git("rev-parse", "HEAD").strip(), "dirty": bool(diff.strip()),
            "diff_sha256": hashlib.sha256(diff.encode()).hexdigest()[:16] if diff.strip() else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--setup", choices=["catalog", "links", "both"], default="both")
    parser.add_argument("--limit-drafts", type=int, default=None, metavar="N", help="only N drafts (quick run)")
    parser.add_argument("--fake-domains", action="store_true",
                        help="give each list its own made-up domain (for assist versions that key sites by host)")
    parser.add_argument("--subprocess", action="store_true", help="run `assist` as real processes")
    parser.add_argument("--jobs", type=int, default=1, help="drafts ranked in parallel")
    parser.add_argument("--cold", action="store_true", help="no chunk vectors from earlier runs (slower)")
    parser.add_argument("--json", metavar="FILE", help="write everything (summaries, per-draft rankings) here")
    parser.add_argument("--drop-draft-links", action="store_true",
                        help="setup 2 without the links to the drafts themselves (a leakage check)")
    parser.add_argument("--keep-home", action="store_true", help="keep the temporary ASSIST_HOMEs (printed)")
    args = parser.parse_args(argv)

    started = time.time()
    lists, drafts, links = load_data(args.split, args.limit_drafts)
    texts = {d["repo"]: Path(d["file"]).read_text(errors="replace") for d in drafts}
    setups = ["catalog", "links"] if args.setup == "both" else [args.setup]
    per_split = ", ".join(f"{s}: {sum(d['split'] == s for d in drafts)}" for s in SPLITS)
    print(f"{len(lists)} lists, {len(drafts)} drafts ({per_split}),"
          f" {len(links)} links; setups: {', '.join(setups)}; {'fake domains' if args.fake_domains else 'real URLs'};"
          f" {'subprocess' if args.subprocess else 'in-process'} CLI, jobs={args.jobs}", file=sys.stderr)

    base: dict[str, dict[str, list[str]]] = {}
    t0 = time.time()
    base["tfidf"] = baseline_tfidf(lists, drafts, texts)
    base["bm25"], bm25_impl = baseline_bm25(lists, drafts, texts)
    print(f"  [baselines] tfidf + {bm25_impl}: {time.time() - t0:.1f}s", file=sys.stderr)
    base["minilm"] = baseline_minilm(lists, drafts, texts)

    work = Path(tempfile.mkdtemp(prefix="prospects-real-"))
    report: dict = {"args": vars(args), "assist_code": code_state(), "n_lists": len(lists), "n_drafts": len(drafts),
                    "bm25": bm25_impl,
                    "setups": {}, "rankings": {}}
    assist_rankings: dict[str, dict[str, list[str]]] = {}
    try:
        for setup in setups:
            print(f"setup {setup}: importing and ranking {len(drafts)} drafts", file=sys.stderr)
            try:
                assist_rankings[setup], info = run_assist(setup, lists, links, drafts, args, work)
            except Exception as exc:  # noqa: BLE001 - a measurement: report and go on
                print(f"  [{setup}] assist failed: {exc}", file=sys.stderr)
                assist_rankings[setup] = {d["repo"]: [] for d in drafts}
                info = {"error": str(exc)}
            report["setups"][setup] = {"info": info}
    finally:
        if args.keep_home:
            print(f"ASSIST_HOMEs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    out_lines = [f"# assist prospects on real awesome-list links ({len(lists)} lists, {len(drafts)} drafts;"
                 f" {'fake domains' if args.fake_domains else 'real list URLs'})", ""]
    splits = list(SPLITS) if args.split == "all" else [args.split]
    setup_names = {"catalog": "setup 1: catalog", "links": "setup 2: catalog + links"}
    for setup in setups:
        systems = {"assist": assist_rankings[setup], **base}
        report["setups"][setup]["summary"] = {}
        for split in splits + (["all"] if args.split == "all" else []):
            chosen = drafts if split == "all" else [d for d in drafts if d["split"] == split]
            if not chosen:
                continue
            summary = summarise(systems, chosen)
            report["setups"][setup]["summary"][split] = summary
            out_lines += [table(summary, f"{setup_names[setup]}, {split}"), ""]

    # per-draft rankings (top 10) for inspection
    for d in drafts:
        entry = {"split": d["split"], "truth": d["truth"]}
        for setup in setups:
            entry[f"assist/{setup}"] = assist_rankings[setup][d["repo"]][:10]
            entry[f"assist/{setup}/details"] = report["setups"][setup]["info"].get("details", {}).get(d["repo"], [])
        for name, ranks in base.items():
            entry[name] = ranks[d["repo"]][:10]
        report["rankings"][d["repo"]] = entry
    for setup in setups:
        report["setups"][setup]["info"].pop("details", None)

    # the target
    verdict_lines = [f"target: {TARGET}"]
    ok = True
    checked = False
    for setup in ("catalog", "links"):
        s = report["setups"].get(setup, {}).get("summary", {}).get(TARGET_SPLIT)
        if s is None:
            verdict_lines.append(f"  {setup}: {TARGET_SPLIT} not measured in this run")
            ok = False
            continue
        checked = True
        a = s["systems"]["assist"]
        best = s["paired"]["baseline"]
        bmrr = s["systems"][best]["MRR"][0]
        c1 = a["MRR"][0] >= bmrr + 0.05
        c2 = a["Hit@5"][0] >= 0.93
        ok &= c1 and c2
        verdict_lines.append(f"  {setup} {TARGET_SPLIT}: assist MRR {a['MRR'][0]:.3f} vs best baseline {best} {bmrr:.3f} + 0.05"
                             f" -> {'ok' if c1 else 'NO'}; Hit@5 {a['Hit@5'][0]:.3f} >= 0.93 -> {'ok' if c2 else 'NO'}")
    sc = report["setups"].get("catalog", {}).get("summary", {}).get(TARGET_SPLIT)
    sl = report["setups"].get("links", {}).get("summary", {}).get(TARGET_SPLIT)
    if sc and sl:
        c3 = sl["systems"]["assist"]["MRR"][0] >= sc["systems"]["assist"]["MRR"][0]
        ok &= c3
        verdict_lines.append(f"  setup2 MRR {sl['systems']['assist']['MRR'][0]:.3f} >= setup1 MRR"
                             f" {sc['systems']['assist']['MRR'][0]:.3f} ({TARGET_SPLIT}) -> {'ok' if c3 else 'NO'}")
    else:
        ok = False
    if "links" in setups and not args.drop_draft_links:
        verdict_lines.append("  note: setup 2 imports the lists' links to the drafts themselves, i.e. the labels; assist"
                             " can read them ('linked to github.com/<draft>'); --drop-draft-links measures without them")
    partial = args.limit_drafts is not None
    verdict = "HOLDS" if ok and checked else "DOES NOT HOLD"
    if partial:
        verdict += " (partial run: --limit-drafts)"
    verdict_lines.append(f"TARGET {verdict}")
    report["target"] = {"text": TARGET, "holds": bool(ok and checked), "partial": partial, "lines": verdict_lines}
    out_lines += verdict_lines
    for setup in setups:
        info = report["setups"][setup]["info"]
        out_lines.append(f"({setup}: {info.get('sites')} sites known to assist, import {info.get('import_seconds')}s,"
                         f" prospects {info.get('prospects_seconds')}s, {len(info.get('failures', []))} failed drafts)")
    out_lines.append(f"(baselines: tfidf, {bm25_impl}, minilm chunk means; total {time.time() - started:.0f}s)")
    cs = report["assist_code"]
    out_lines.append(f"(assist at {cs['commit'][:12]}" + (f" with uncommitted changes under assistant/, diff"
                                                         f" sha256 {cs['diff_sha256']})" if cs["dirty"] else ")"))
    print("\n".join(out_lines))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False))
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - a measurement: never a failing exit
        import traceback

        traceback.print_exc()
        print(f"run_eval failed: {exc}", file=sys.stderr)
        sys.exit(0)
