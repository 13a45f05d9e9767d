"""Prospect ranking quality: recall@10 and MRR of assist against a TF-IDF baseline.

Imports the labelled sites (dataset.py) through the real catalog importer into a temporary
ASSIST_HOME, ranks every site for each draft in drafts/, and compares with scikit-learn TF-IDF
(cosine of the draft's text against each site's name, description and page texts).

    python bench/prospects_eval/run_eval.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import dataset  # noqa: E402


def recall_at(ranked: list[str], truth: set[str], k: int = 10) -> float:
    return len(set(ranked[:k]) & truth) / len(truth) if truth else 0.0


def reciprocal_rank(ranked: list[str], truth: set[str]) -> float:
    return next((1.0 / (i + 1) for i, d in enumerate(ranked) if d in truth), 0.0)


def site_text(entry: dict) -> str:
    pages = " ".join(f"{p['title']}. {p['text']}" for p in entry["pages"])
    return f"{entry['name']}. {entry['description']}. {pages}"


def tfidf_rankings(docs: dict[str, str]) -> dict[str, list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    domains = [s["url"].split("/")[2] for s in dataset.SITES]
    corpus = [site_text(s) for s in dataset.SITES]
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2))
    matrix = vectorizer.fit_transform(corpus + list(docs.values()))
    sites, drafts = matrix[: len(corpus)], matrix[len(corpus):]
    out = {}
    for i, name in enumerate(docs):
        sims = cosine_similarity(drafts[i], sites)[0]
        out[name] = [domains[j] for j in sims.argsort()[::-1]]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="assist-eval-")
    os.environ["ASSIST_HOME"] = tmp.name
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from assistant import db, documents
    from assistant.embeddings import Embedder
    from assistant.prospects import imports, rank

    catalog = Path(tmp.name) / "eval-sites.jsonl"
    catalog.write_text("".join(json.dumps({k: v for k, v in s.items() if k != "links_to"}) + "\n"
                               for s in dataset.SITES), encoding="utf-8")
    conn = db.connect()
    imports.import_file(conn, catalog)
    embedder = Embedder(db=conn)
    truth = dataset.labels()
    docs = {name: documents.load(str(HERE / "drafts" / f"{name}.md")) for name in dataset.DRAFTS}
    systems: dict[str, dict[str, list[str]]] = {
        "assist": {}, "assist (topical only)": {}, "tf-idf baseline": tfidf_rankings(
            {n: f"{d.title}. {d.description}. {d.text}" for n, d in docs.items()}),
    }
    topical_only = {"intersect": 0.0, "propensity": 0.0, "authority": 0.0}
    for name, doc in docs.items():
        systems["assist"][name] = [p.domain for p in rank.rank(conn, doc, embedder, limit=1000,
                                                              include_linking=True)]
        systems["assist (topical only)"][name] = [
            p.domain for p in rank.rank(conn, doc, embedder, limit=1000, include_linking=True, weights=topical_only)]
    report: dict[str, dict] = {}
    for system, rankings in systems.items():
        per = {n: {"recall@10": recall_at(r, truth[n]), "recall@5": recall_at(r, truth[n], 5),
                   "mrr": reciprocal_rank(r, truth[n])} for n, r in rankings.items()}
        report[system] = {
            "recall@10": sum(v["recall@10"] for v in per.values()) / len(per),
            "recall@5": sum(v["recall@5"] for v in per.values()) / len(per),
            "mrr": sum(v["mrr"] for v in per.values()) / len(per),
            "per_draft": per,
            "top5": {n: r[:5] for n, r in rankings.items()},
        }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{len(dataset.SITES)} sites, {len(docs)} drafts, "
          f"{sum(len(v) for v in truth.values())} true (draft, site) links\n")
    print(f"{'system':24} {'recall@10':>9} {'recall@5':>8} {'MRR':>6}   per draft (recall@10 / MRR)")
    for system, r in report.items():
        per = "  ".join(f"{n.split('-')[0]} {v['recall@10']:.2f}/{v['mrr']:.2f}" for n, v in r["per_draft"].items())
        print(f"{system:24} {r['recall@10']:9.3f} {r['recall@5']:8.3f} {r['mrr']:6.3f}   {per}")
    print()
    for name in docs:
        print(f"{name}: truth {sorted(truth[name])}")
        for system in report:
            marks = [d + ("*" if d in truth[name] else "") for d in report[system]["top5"][name]]
            print(f"  {system:22} {', '.join(marks)}")
    conn.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
