"""Rankings at once while the saved indexes (BM25 folder, site centroid file, PageRank cache under the
data dir's ``index/``) are missing or out of date: every ranking succeeds, all give the same list, the
indexes left on disk are whole and no temporary file or folder is left behind.

The web app ranks in a thread pool, and `assist prospects` may run in two terminals at once: the
temporary folder of the BM25 index was named by process id only, so threads of one process took the
same one ("[Errno 17] File exists: .../index/bm25-....<pid>.tmp", "[Errno 2] ... .tmp/chunks.npz").
Threads here rank in this process; two more processes (each with threads of its own) rank at the
same moment, all released together. Rankings use the real model (the session's, with its cache of
every text embedded, so the other processes read the same vectors without loading it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from assistant import db, documents
from assistant.prospects import index, lexical, rank, store
from assistant.web.app import PerCallCache

pytestmark = pytest.mark.slow  # other processes, and the real model

THREADS = 6  # in this process
PROCESSES, PROCESS_THREADS = 2, 3
LIMIT = 10
DRAFT = """---
title: How to make a sourdough starter from scratch
description: Flour, water, a jar and a week - a day-by-day guide to a lively starter.
canonical_url: https://mybakery.example/sourdough-starter
---

# How to make a sourdough starter from scratch

A sourdough starter is a culture of wild yeast and lactic acid bacteria living in flour and water.
Mix rye flour and water in a jar and keep it warm. Discard and feed it twice a day from day four.
When it doubles within six hours of a feed and smells pleasantly sour, it is ready to bake bread.
"""
SITES = [  # domain, name, description, authority (None: PageRank from the links), page text
    ("crumbandcrust.com", "Crumb and Crust", "Home bread baking, one loaf at a time.", 40,
     "Keeping a levain healthy: feed it rye flour and water, bake when it doubles and smells tangy."),
    ("wildyeast.example", "Wild Yeast", "Sourdough starters, levain and natural fermentation.", None,
     "Our starter guide: mix flour and water in a jar, feed it daily, discard half before each feed."),
    ("ryebakers.example", "Rye Bakers", "Dark rye bread and pumpernickel from scratch.", 30,
     "Rye sours ferment fast; a rye starter is ready in five days."),
    ("breadforum.example", "Bread Forum", "A forum for home bakers: crumb shots, scoring and ovens.", None,
     "Why does my sourdough starter smell like nail varnish? It is hungry: feed it more often."),
    ("pastrycorner.example", "Pastry Corner", "Croissants, laminated dough and French pastry.", 25,
     "Laminating butter into dough for croissants, with three letter folds."),
    ("kombuchalab.example", "Kombucha Lab", "Home fermentation: kombucha, kefir and kimchi.", None,
     "A SCOBY is a culture of yeast and bacteria, like a sourdough starter, living in sweet tea."),
    ("freightweekly.example", "Freight Weekly", "Container shipping rates and port news.", 60,
     "Rates from Shanghai to Rotterdam rose for the third week as congestion returned."),
    ("gardenplot.example", "Garden Plot", "Vegetable gardening on an allotment.", 20,
     "Sow broad beans in autumn and earth up potatoes in spring."),
    ("glutenfree.example", "Gluten Free Kitchen", "Gluten-free baking with buckwheat and rice flour.", 35,
     "A buckwheat starter for gluten-free sourdough: the same daily feeds as a wheat one."),
    ("millersguide.example", "The Miller's Guide", "Stone-ground flour, grains and milling.", None,
     "Whole grain rye flour carries the wild yeast a new starter needs."),
]
LINKS = [("wildyeast.example", "ryebakers.example"), ("breadforum.example", "wildyeast.example"),
         ("millersguide.example", "crumbandcrust.com"), ("kombuchalab.example", "wildyeast.example"),
         ("crumbandcrust.com", "millersguide.example")]

# One process of `assist prospects` ranking in PROCESS_THREADS threads once told to go.
PROCESS = """
import json, sys, threading, time
from pathlib import Path

from assistant import db, documents
from assistant.embeddings import Embedder
from assistant.prospects import index, rank
from assistant.web.app import PerCallCache

model_home, draft, ready, go, threads, threshold, limit = sys.argv[1:]
index.ANN_THRESHOLD = int(threshold)
doc = documents.load(draft)
embedder = Embedder(models_dir=Path(model_home) / "models")
embedder.cache = PerCallCache(Path(model_home) / "assist.db")  # every text is in it: no model load
results, errors = [], []

def one():
    while not Path(go).exists():
        time.sleep(0.0005)
    conn = db.connect()
    try:
        found = rank.rank(conn, doc, embedder, limit=int(limit))
        results.append([[p.domain, round(p.score, 9), round(p.lexical, 9), round(p.authority, 6)] for p in found])
    except BaseException as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()

started = [threading.Thread(target=one) for _ in range(int(threads))]
for t in started:
    t.start()
Path(ready).touch()
for t in started:
    t.join()
print(json.dumps({"results": results, "errors": errors}))
"""


def rows(found: list[Any]) -> list[list[Any]]:
    return [[p.domain, round(p.score, 9), round(p.lexical, 9), round(p.authority, 6)] for p in found]


@pytest.fixture()
def catalog(assist_home: Path) -> None:
    conn = db.connect()
    try:
        for domain, name, description, authority, text in SITES:
            sid = store.upsert_site(conn, domain, name=name, description=description, authority=authority,
                                    url=f"https://{domain}/", source="catalog")
            store.upsert_page(conn, sid, f"https://{domain}/blog", title=name, text=text, kind="article")
        store.add_links(conn, [{"source_url": f"https://{a}/blog", "target_url": f"https://{b}/"} for a, b in LINKS])
    finally:
        conn.close()


@pytest.fixture()
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "starter.md"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def thread_embedder(shared_embedder: Any, model_home: Path) -> Any:
    """The session's model for threads: its cache connection belongs to the main thread, so each call
    opens one of its own (as the web app does)."""
    import copy

    made = copy.copy(shared_embedder)
    made.cache = PerCallCache(model_home / "assist.db")
    return made


def warm_up(draft: Path, shared_embedder: Any) -> list[list[Any]]:
    """One ranking alone: every text embedded and cached, the site vectors stored; the reference list."""
    conn = db.connect()
    try:
        return rows(rank.rank(conn, documents.load(str(draft)), shared_embedder, limit=LIMIT))
    finally:
        conn.close()


def spoil(folder: Path, state: str) -> None:
    """Leave the saved indexes missing, or present but out of date (to be replaced)."""
    import shutil

    if state == "missing":
        shutil.rmtree(folder)
        return
    for saved in folder.glob("bm25-*/assist.json"):
        saved.write_text(json.dumps({"count": -1, "stamp": "old", "version": 2}))
    for saved in folder.glob("sites-*.idx"):
        saved.write_bytes(b"not an index any more")
    for saved in folder.glob("pagerank-*.json"):
        saved.write_text(json.dumps({"stamp": [-1, 0, 0], "authority": {}}))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".old")) or ".tmp" in p.name)


def assert_indexes_whole(folder: Path, large: bool, shared_embedder: Any) -> None:
    """What is saved is current: the next ranking maps it rather than building it again."""
    model = shared_embedder.cache_identity
    conn = db.connect()
    try:
        count, stamp = conn.execute("SELECT count(*), max(built_at) FROM site_vectors WHERE model = ?",
                                    (model,)).fetchone()
        [bm25] = folder.glob("bm25-*")
        assert json.loads((bm25 / "assist.json").read_text()) == {"count": count, "stamp": stamp, "version": 2}
        saved = lexical.lexical_index(conn, model)
        assert isinstance(saved.retriever, lexical._Saved)  # read from disk, not built again
        assert saved.size == conn.execute("SELECT sum(chunks) FROM site_vectors").fetchone()[0]
        if large:
            [idx] = folder.glob("sites-*.idx")
            assert index.SiteIndex.read_meta(idx) == {"count": count, "stamp": stamp}
        assert len(list(folder.glob("pagerank-*.json"))) == 1
    finally:
        conn.close()


class Rankers:
    """Threads of this process, each ranking on a connection of its own once ``go`` is set."""

    def __init__(self, draft: Path, embedder: Any, n: int) -> None:
        self.doc, self.embedder = documents.load(str(draft)), embedder
        self.go = threading.Event()
        self.results: list[Any] = []
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._one) for _ in range(n)]
        for t in self.threads:
            t.start()

    def _one(self) -> None:
        self.go.wait()
        conn = db.connect()
        try:
            self.results.append(rows(rank.rank(conn, self.doc, self.embedder, limit=LIMIT)))
        except BaseException as exc:  # every failure is reported by the test
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    def run(self) -> None:
        self.go.set()
        for t in self.threads:
            t.join(timeout=120)


@pytest.mark.parametrize("large", [False, True], ids=["exhaustive", "through-the-site-index"])
@pytest.mark.parametrize("state", ["missing", "stale"])
def test_threads_ranking_at_once_build_one_index_and_agree(catalog: None, draft: Path, assist_home: Path,
                                                           shared_embedder: Any, model_home: Path,
                                                           monkeypatch: pytest.MonkeyPatch, state: str,
                                                           large: bool) -> None:
    if large:
        monkeypatch.setattr(index, "ANN_THRESHOLD", 3)  # the candidates come from the site index
    expected = warm_up(draft, shared_embedder)
    assert expected and expected[0][0] == "wildyeast.example"
    folder = assist_home / "index"
    embedder = thread_embedder(shared_embedder, model_home)
    for _ in range(3):  # a race shows on some rounds only
        spoil(folder, state)
        threads = Rankers(draft, embedder, THREADS)
        threads.run()
        assert threads.errors == []
        assert threads.results == [expected] * THREADS
        assert leftovers(folder) == []
        assert_indexes_whole(folder, large, shared_embedder)


@pytest.mark.parametrize("state", ["missing", "stale"])
def test_processes_and_threads_ranking_at_once_all_succeed(catalog: None, draft: Path, assist_home: Path,
                                                          shared_embedder: Any, model_home: Path,
                                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          state: str) -> None:
    monkeypatch.setattr(index, "ANN_THRESHOLD", 3)  # every index at stake: BM25, site index, PageRank
    expected = warm_up(draft, shared_embedder)
    folder = assist_home / "index"
    spoil(folder, state)
    go_file = tmp_path / "go"
    procs = []
    for i in range(PROCESSES):
        ready = tmp_path / f"ready-{i}"
        procs.append((ready, subprocess.Popen(
            [sys.executable, "-c", PROCESS, str(model_home), str(draft), str(ready), str(go_file),
             str(PROCESS_THREADS), "3", str(LIMIT)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))))
    try:
        deadline = time.monotonic() + 120
        while not all(ready.exists() for ready, _ in procs):
            assert all(p.poll() is None for _, p in procs), [p.communicate() for _, p in procs]
            assert time.monotonic() < deadline, "the other processes never got ready"
            time.sleep(0.01)
        threads = Rankers(draft, thread_embedder(shared_embedder, model_home), THREADS)
        go_file.touch()
        threads.run()
        outputs = [p.communicate(timeout=120) for _, p in procs]
    finally:
        for _, p in procs:
            if p.poll() is None:
                p.kill()
    assert threads.errors == []
    assert threads.results == [expected] * THREADS
    for (_, p), (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        done = json.loads(out)
        assert done["errors"] == [] and done["results"] == [expected] * PROCESS_THREADS
    assert leftovers(folder) == []
    assert_indexes_whole(folder, True, shared_embedder)


def test_saved_indexes_get_the_modes_plain_files_would_get(tmp_path: Path) -> None:
    """Another user reading the data dir (a service account running assist serve) can read the
    indexes: the temporary files they are written to are made 0600/0700, and were renamed as such."""
    import stat

    old = os.umask(0o022)
    try:
        assert index.save_file(tmp_path / "index" / "sites.bin", lambda p: p.write_bytes(b"x"))
        assert index.save_folder(tmp_path / "index" / "bm25", lambda p: (p / "a.json").write_text("{}"), lambda p: False)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "index" / "sites.bin").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "index" / "bm25").stat().st_mode) == 0o755
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == ["bm25", "sites.bin"]


def test_a_build_interrupted_leaves_no_temporary_file(tmp_path: Path) -> None:
    def interrupted(path: Path) -> None:
        path.write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.save_file(tmp_path / "index" / "sites.bin", interrupted)
    assert list((tmp_path / "index").iterdir()) == []
