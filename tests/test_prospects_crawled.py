"""End to end: crawl two small loopback sites, then rank them for a draft and draft an email."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant import db, documents
from assistant.prospects import crawl, outreach, rank

BAKERY = {
    "robots.txt": "User-agent: *\nDisallow:\n",
    "index.html": """<html><head><title>Crumb and Crust</title>
<meta name="description" content="Home bread baking: wild yeast, levain and rye."></head><body>
<h1>Crumb and Crust</h1><p>Notes from a home baker on wild yeast, levain care and rye bread.</p>
<a href="/blog/levain.html">Keeping a levain healthy</a> <a href="/resources.html">Resources</a>
</body></html>""",
    "blog/levain.html": """<html><head><title>Keeping a levain healthy</title></head><body><article>
<h1>Keeping a levain healthy</h1>
<p>Feed your levain with whole rye flour and water, keep it warm and bake when it has doubled and
smells tangy. A grey liquid on top means it is hungry: stir it in and feed it again.</p>
<p>Between bakes, keep the jar in the fridge and refresh it once a week.</p></article></body></html>""",
    "resources.html": """<html><head><title>Bread baking resources</title></head><body><article>
<h1>Bread baking resources</h1><p>The guides we recommend to every new baker.</p><ul>
<li><a href="https://breadlab.example/how-to-make-a-sourdough-starter">Make a sourdough starter</a></li>
<li><a href="https://flourfacts.example/rye">Why rye ferments fast</a></li>
<li><a href="https://shaping.example/boules">Shaping boules</a></li>
<li><a href="https://scoring.example/lames">Scoring with a lame</a></li>
<li><a href="https://ovens.example/dutch-oven">Baking in a Dutch oven</a></li>
</ul></article></body></html>""",
}
FREIGHT = {
    "robots.txt": "User-agent: *\nDisallow:\n",
    "index.html": """<html><head><title>Freight Weekly</title>
<meta name="description" content="Container shipping rates and port news."></head><body>
<h1>Freight Weekly</h1><p>Container rates from Shanghai to Rotterdam rose for the third week as port
congestion returned. Carriers blank sailings ahead of the holidays.</p>
<a href="https://ports.example/rotterdam">Rotterdam port data</a></body></html>""",
}
DRAFT = """---
title: How to make a sourdough starter from scratch
canonical_url: https://mybakery.example/starter
---

# How to make a sourdough starter from scratch

A sourdough starter is a culture of wild yeast and bacteria in flour and water. Mix rye flour and
water in a jar, keep it warm and feed it twice a day. It is ready when it doubles after a feed.
"""


def serve(root: Path, files: dict[str, str], host: str) -> tuple[ThreadingHTTPServer, str]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"


@pytest.fixture()
def sites(tmp_path: Path) -> Iterator[tuple[str, str]]:
    # Two hosts that both resolve to loopback, so they are two different sites (domains).
    bakery, bakery_url = serve(tmp_path / "bakery", BAKERY, "127.0.0.1")
    freight, freight_url = serve(tmp_path / "freight", FREIGHT, "localhost")
    yield bakery_url, freight_url
    bakery.shutdown()
    freight.shutdown()


def test_crawled_sites_are_ranked_with_their_pages(tmp_path: Path, sites, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    conn = db.connect()
    for url in sites:
        result = crawl.crawl_site(url, store=conn, delay=0.0, timeout=5.0, max_pages=5)
        assert result.error is None
    kinds = {r["url"].rsplit("/", 1)[-1]: r["kind"] for r in conn.execute("SELECT url, kind FROM pages")}
    assert kinds.get("resources.html") == "resource"
    draft_path = tmp_path / "starter.md"
    draft_path.write_text(DRAFT, encoding="utf-8")
    doc = documents.load(str(draft_path))
    found = rank.rank(conn, doc, shared_embedder)
    assert [p.domain for p in found] == ["127.0.0.1", "localhost"]
    top = found[0]
    assert any(r.startswith("linked to breadlab.example/how-to-make-a-sourdough-starter") for r in top.reasons)
    assert any(r.startswith("topic match ") and "with 127.0.0.1/" in r for r in top.reasons)
    assert "has a resources page: 127.0.0.1/resources.html" in top.reasons
    assert top.pitch_url is not None and top.pitch_url.endswith("/resources.html")
    email = outreach.render(doc, top)
    assert "breadlab.example/how-to-make-a-sourdough-starter" in email.body
    conn.close()
