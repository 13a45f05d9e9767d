"""Prospect ranking quality: recall@10, recall@5, MRR and nDCG@10 of assist against TF-IDF and BM25.

Imports the labelled sites of the three sets (dataset.py: 5 drafts, 50 sites; dataset_new.py: 12
drafts, 162 sites, 27 of them known only from a backlink export; dataset_heldout.py: 7 drafts, 89
sites, 14 export-only) through the real importers (a JSONL catalog and an Ahrefs export) into a
temporary ASSIST_HOME, ranks every site for each of the 24 drafts in drafts/ as `assist prospects`
does (sites with spam signals left out), and ranks the same sites with three baselines built on
scikit-learn: TF-IDF cosine, TF-IDF with assist's spam filter, and Okapi BM25, over each site's
name, description, page titles and texts (for an export-only site, the titles of its linking pages:
the text assist has for it).

Development splits (the 17 drafts of the first two sets among their 212 sites, as this bench
reported them before the held-out set): "original, as before" (the 5 original drafts among the 50
original sites), "original" (the same drafts among all 212), "new" (the 12 new drafts) and "all".
The held-out split: the 7 held-out drafts among all 301 sites. It is for checking changes chosen on
the development splits, not for choosing them (``--dev-only`` leaves it out). Spread: the lowest
per-draft value and a 95% bootstrap interval of the mean over drafts (2,000 resamples of the drafts;
fixed seed); "paired" lines give the bootstrap interval of assist minus TF-IDF on the same resampled
drafts. Exits 1 when assist's nDCG@10 over all development drafts is not ahead of TF-IDF's (that
interval not above 0).

    python bench/prospects_eval/run_eval.py [--json] [--top 5] [--quiet] [--dev-only]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import dataset  # noqa: E402
import dataset_heldout  # noqa: E402
import dataset_new  # noqa: E402

DEV_DRAFTS = dataset.DRAFTS + dataset_new.DRAFTS
DEV_SITES = dataset.SITES + dataset_new.SITES
ALL_DRAFTS = DEV_DRAFTS + dataset_heldout.DRAFTS
ALL_SITES = DEV_SITES + dataset_heldout.SITES
ORIGINAL_DOMAINS = {dataset_new.domain_of(s) for s in dataset.SITES}
DEV_DOMAINS = {dataset_new.domain_of(s) for s in DEV_SITES}
METRICS = ("recall@10", "recall@5", "mrr", "ndcg@10")
BOOTSTRAP = 2000


# ---------------------------------------------------------------- metrics

def recall_at(ranked: list[str], truth: set[str], k: int = 10) -> float:
    return len(set(ranked[:k]) & truth) / len(truth) if truth else 0.0


def reciprocal_rank(ranked: list[str], truth: set[str]) -> float:
    return next((1.0 / (i + 1) for i, d in enumerate(ranked) if d in truth), 0.0)


def ndcg_at(ranked: list[str], truth: set[str], k: int = 10) -> float:
    """Binary-relevance nDCG: gain 1 for a true linker, discounted by log2(rank + 1)."""
    dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in truth)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(truth))))
    return dcg / ideal if ideal else 0.0


def scores(ranked: list[str], truth: set[str]) -> dict[str, float]:
    return {"recall@10": recall_at(ranked, truth), "recall@5": recall_at(ranked, truth, 5),
            "mrr": reciprocal_rank(ranked, truth), "ndcg@10": ndcg_at(ranked, truth)}


def bootstrap(values: list[float], rng, paired: list[float] | None = None) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """95% percentile interval of the mean of values (minus paired, draft by draft) over resampled drafts."""
    import numpy as np

    v = np.array(values) - (np.array(paired) if paired is not None else 0.0)
    means = v[rng.integers(0, len(v), size=(BOOTSTRAP, len(v)))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


# ---------------------------------------------------------------- inputs

def site_text(entry: dict) -> str:
    if "export" in entry:  # known only from a backlink export: the titles of its linking pages
        return ". ".join(r["source_title"] for r in entry["export"])
    pages = " ".join(f"{p['title']}. {p['text']}" for p in entry["pages"])
    return f"{entry['name']}. {entry['description']}. {pages}"


def spam_text(entry: dict) -> str:
    anchors = [r["anchor"] for r in entry.get("export", [])] + [link.get("anchor", "") for link in entry.get("links", [])]
    return f"{site_text(entry)} {dataset_new.domain_of(entry)} {' '.join(anchors)}"


def write_inputs(folder: Path) -> tuple[Path, Path]:
    """The catalog sites as JSONL and the export-only sites as an Ahrefs export (tab-separated)."""
    catalog = folder / "eval-sites.jsonl"
    catalog.write_text("".join(json.dumps({k: v for k, v in s.items() if k != "links_to"}) + "\n"
                               for s in ALL_SITES if "export" not in s), encoding="utf-8")
    export = folder / "ahrefs-backlinks-competitors.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter="\t")
        out.writerow(["Referring page title", "Referring page URL", "Domain rating", "Target URL", "Anchor",
                      "Nofollow", "UGC", "Sponsored", "First seen", "Last seen"])
        for s in ALL_SITES:
            for r in s.get("export", []):
                out.writerow([r["source_title"], r["source_url"], s["authority"], r["target_url"], r["anchor"],
                              str(r["flag"] == "nofollow").lower(), str(r["flag"] == "ugc").lower(),
                              str(r["flag"] == "sponsored").lower(), "2026-03-02 08:12:44", "2026-11-20 03:01:10"])
    return catalog, export


# ---------------------------------------------------------------- baselines

def baseline_rankings(drafts: dict[str, str], sites: list[dict]) -> dict[str, dict[str, list[str]]]:
    """TF-IDF cosine, TF-IDF without the sites assist's spam filter removes, and Okapi BM25."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    from assistant.prospects.rank import spam_signals

    domains = [dataset_new.domain_of(s) for s in sites]
    corpus = [site_text(s) for s in sites]
    spam = {d for d, s in zip(domains, sites, strict=True) if spam_signals(spam_text(s))}
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2))
    matrix = vectorizer.fit_transform(corpus + list(drafts.values()))
    site_m, draft_m = matrix[: len(corpus)], matrix[len(corpus):]
    # BM25 (k1 1.2, b 0.75) over unigram counts, query terms weighted by their count in the draft
    counter = CountVectorizer(stop_words="english")
    tf = counter.fit_transform(corpus).toarray().astype(float)
    queries = counter.transform(list(drafts.values())).toarray().astype(float)
    df = (tf > 0).sum(axis=0)
    idf = np.log(1 + (len(corpus) - df + 0.5) / (df + 0.5))
    length = tf.sum(axis=1, keepdims=True)
    k1, b = 1.2, 0.75
    weights = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / length.mean()))
    out: dict[str, dict[str, list[str]]] = {"tf-idf": {}, "tf-idf, spam filtered": {}, "bm25": {}}
    for i, name in enumerate(drafts):
        order = [domains[j] for j in np.argsort(-cosine_similarity(draft_m[i], site_m)[0], kind="stable")]
        out["tf-idf"][name] = order
        out["tf-idf, spam filtered"][name] = [d for d in order if d not in spam]
        out["bm25"][name] = [domains[j] for j in np.argsort(-(weights @ queries[i]), kind="stable")]
    return out


# ---------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="Print every figure as JSON.")
    parser.add_argument("--top", type=int, default=5, help="Top sites to list per draft and system.")
    parser.add_argument("--quiet", action="store_true", help="Only the summary tables.")
    parser.add_argument("--dev-only", action="store_true",
                        help="Leave the held-out drafts out (rank and report the development sets only).")
    args = parser.parse_args()
    started = time.perf_counter()
    tmp = tempfile.TemporaryDirectory(prefix="assist-eval-")
    os.environ["ASSIST_HOME"] = tmp.name
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import numpy as np

    from assistant import db, documents
    from assistant.embeddings import Embedder
    from assistant.prospects import imports, rank

    conn = db.connect()
    for path in write_inputs(Path(tmp.name)):
        result = imports.import_file(conn, path)
        if result.rows_bad:
            sys.exit(f"{path.name}: {result.rows_bad} malformed row(s): the eval data is broken")
    embedder = Embedder(db=conn)
    truth = dataset_new.labels(DEV_DRAFTS)  # new sites judged against every development draft
    for name, domains in dataset.labels().items():
        truth[name] |= domains
    truth.update(dataset_heldout.labels())  # every site judged against the held-out drafts
    drafts = DEV_DRAFTS if args.dev_only else ALL_DRAFTS
    docs = {name: documents.load(str(HERE / "drafts" / f"{name}.md")) for name in drafts}
    texts = {n: f"{d.title}. {d.description}. {d.text}" for n, d in docs.items()}
    topical_only = {"intersect": 0.0, "propensity": 0.0, "authority": 0.0}
    systems: dict[str, dict[str, list[str]]] = {"assist": {}, "assist, topical only": {}}
    for name, doc in docs.items():
        systems["assist"][name] = [p.domain for p in rank.rank(conn, doc, embedder, limit=1000,
                                                              include_linking=True)]
        systems["assist, topical only"][name] = [
            p.domain for p in rank.rank(conn, doc, embedder, limit=1000, include_linking=True, weights=topical_only)]
    # A site's assist score does not depend on the other sites (every site here has an imported
    # authority, so no PageRank): the development drafts' ranking among the development sites is the
    # full one without the other sites. The baselines' IDF does depend on the corpus: refitted.
    dev = {s: {n: [d for d in r[n] if d in DEV_DOMAINS] for n in DEV_DRAFTS} for s, r in systems.items()}
    dev.update(baseline_rankings({n: texts[n] for n in DEV_DRAFTS}, DEV_SITES))
    if not args.dev_only:
        systems.update(baseline_rankings({n: texts[n] for n in dataset_heldout.DRAFTS}, ALL_SITES))
    ranked_at = time.perf_counter()

    # The original drafts among the original sites only (the figures before the second set).
    before = {s: {n: [d for d in r[n] if d in ORIGINAL_DOMAINS] for n in dataset.DRAFTS}
              for s, r in systems.items() if s.startswith("assist")}
    before.update(baseline_rankings({n: texts[n] for n in dataset.DRAFTS}, dataset.SITES))
    splits = {
        "original, as before": (dataset.DRAFTS, before, dataset.labels()),
        "original": (dataset.DRAFTS, dev, truth),
        "new": (dataset_new.DRAFTS, dev, truth),
        "all": (DEV_DRAFTS, dev, truth),
    }
    if not args.dev_only:
        splits["HELD-OUT"] = (dataset_heldout.DRAFTS, systems, truth)
    report: dict[str, dict] = {}
    for split, (names, rankings, labels) in splits.items():
        rng = np.random.default_rng(20261201)
        per = {s: {n: scores(r[n], labels[n]) for n in names} for s, r in rankings.items()}
        report[split] = {"drafts": len(names), "true_links": sum(len(labels[n]) for n in names), "systems": {}}
        for system, drafts in per.items():
            entry: dict = {}
            for m in METRICS:
                values = [drafts[n][m] for n in names]
                entry[m] = {"mean": sum(values) / len(values), "min": min(values),
                            "ci95": bootstrap(values, rng)}
                if system != "tf-idf":
                    entry[m]["minus_tfidf_ci95"] = bootstrap(values, rng, [per["tf-idf"][n][m] for n in names])
            entry["per_draft"] = drafts
            entry["top"] = {n: rankings[system][n][: args.top] for n in names}
            entry["ranks"] = {n: sorted(rankings[system][n].index(d) + 1 for d in labels[n]
                                        if d in rankings[system][n]) for n in names}
            report[split]["systems"][system] = entry
    elapsed = time.perf_counter() - started
    report["seconds"] = {"total": round(elapsed, 1), "ranking": round(ranked_at - started, 1)}
    # The target: over all development drafts, assist's nDCG@10 ahead of TF-IDF's by more than the
    # bootstrap spread.
    lead = report["all"]["systems"]["assist"]["ndcg@10"]["minus_tfidf_ci95"]
    missed = lead[0] <= 0
    if args.json:
        print(json.dumps(report, indent=2))
        sys.exit(1 if missed else 0)
    new_sites = len(dataset_new.SITES)
    exported = sum("export" in s for s in dataset_new.SITES)
    print(f"development: {len(DEV_SITES)} sites ({len(dataset.SITES)} original + {new_sites} new, {exported} of"
          f" them known only from a backlink export), {len(DEV_DRAFTS)} drafts")
    if not args.dev_only:
        print(f"held out: {len(dataset_heldout.DRAFTS)} drafts among all {len(ALL_SITES)} sites"
              f" ({len(dataset_heldout.SITES)} held-out sites,"
              f" {sum('export' in s for s in dataset_heldout.SITES)} export-only)")
    print()
    for split, data in report.items():
        if split == "seconds":
            continue
        if split == "HELD-OUT":
            print("=" * 40 + " held out (labelled before any ranking change; used only to veto changes that hurt it)")
        print(f"== {split}: {data['drafts']} drafts, {data['true_links']} true (draft, site) links")
        print(f"{'system':22} " + " ".join(f"{m:>19}" for m in METRICS) + "   (mean [95% bootstrap] min)")
        for system, entry in data["systems"].items():
            cells = [f"{entry[m]['mean']:.3f} [{entry[m]['ci95'][0]:.2f}-{entry[m]['ci95'][1]:.2f}] {entry[m]['min']:.2f}"
                     for m in METRICS]
            print(f"{system:22} " + " ".join(f"{c:>19}" for c in cells))
        for system in ("assist", "assist, topical only"):
            diffs = data["systems"][system]
            print(f"  paired {system} - tf-idf: " + ", ".join(
                f"{m} [{diffs[m]['minus_tfidf_ci95'][0]:+.2f}, {diffs[m]['minus_tfidf_ci95'][1]:+.2f}]" for m in METRICS))
        print()
    shown = [("all", DEV_DRAFTS)] + ([] if args.dev_only else [("HELD-OUT", dataset_heldout.DRAFTS)])
    systems_shown = list(report["all"]["systems"])
    print("per draft, nDCG@10 / recall@10 (development drafts among the development sites, held-out among all):")
    print(f"{'draft':27}" + "".join(f"{s:>24}" for s in systems_shown))
    for split, names in shown:
        for name in names:
            row = [report[split]["systems"][s]["per_draft"][name] for s in systems_shown]
            print(f"{name:27}" + "".join(f"{r['ndcg@10']:>17.2f} / {r['recall@10']:.2f}" for r in row))
    if not args.quiet:
        print()
        for split, names in shown:
            for name in names:
                data = report[split]["systems"]
                print(f"{name}: truth {sorted(truth[name])}; assist ranks them {data['assist']['ranks'][name]}")
                for system in systems_shown:
                    marks = [d + ("*" if d in truth[name] else "") for d in data[system]["top"][name]]
                    print(f"  {system:22} {', '.join(marks)}")
    print(f"\n{elapsed:.0f} s (ranking {ranked_at - started:.0f} s); target: assist - tf-idf nDCG@10 over all"
          f" development drafts, 95% interval [{lead[0]:+.2f}, {lead[1]:+.2f}] above 0:"
          f" {'MISSED' if missed else 'met'}")
    conn.close()
    tmp.cleanup()
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
