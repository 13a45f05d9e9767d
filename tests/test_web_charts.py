"""The SVG charts (assistant.web.charts): inline-ready, inert, self-contained, deterministic."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from assistant.web import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>\x00\x1b[31m\x07 & \"quotes\" 'x'"
WEEKS = [f"2026-W{i:02d}" for i in range(1, 13)]

MAKERS: dict[str, Callable[[], str]] = {
    "line": lambda: charts.line("Links over time", WEEKS, {"links": [float(i * 3) for i in range(12)],
                                                           "sites": [None, None, *[float(i) for i in range(10)]]}),
    "bars": lambda: charts.bars("New and lost", WEEKS, {"new": [float(i) for i in range(12)],
                                                        "lost": [float(12 - i) for i in range(12)]}),
    "stacked": lambda: charts.bars("Stacked", ["a", "b"], {"x": [1.0, 2.0], "y": [3.0, 4.0]}, stacked=True),
    "horizontal": lambda: charts.bars("Lost by reason", ["page-gone", "noindex"], {"lost": [5.0, 2.0]},
                                      horizontal=True),
    "funnel": lambda: charts.funnel("Outreach", [("pitches", 10), ("sent", 7), ("replied", 3), ("won", 1)]),
    "sparkline": lambda: charts.sparkline([1.0, 3.0, 2.0, 5.0]),
    "empty": lambda: charts.line("Nothing", [], {}),
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML: what pygal escaped stays escaped


def attributes(svg: str) -> list[tuple[str, str]]:
    return [(name, value) for node in parse(svg).iter() for name, value in node.attrib.items()]


@pytest.mark.parametrize("kind", list(MAKERS))
def test_each_chart_is_one_svg_root_with_role_and_label(kind: str) -> None:
    svg = MAKERS[kind]()
    root = parse(svg)
    assert root.tag == f"{SVG}svg" and svg.startswith("<svg")
    assert root.get("role") == "img" and root.get("aria-label")
    assert not svg.startswith("<?xml")


@pytest.mark.parametrize("kind", list(MAKERS))
def test_no_script_no_comment_and_nothing_fetched(kind: str) -> None:
    svg = MAKERS[kind]()
    assert "<script" not in svg.lower() and "<!--" not in svg and "<?" not in svg
    assert "javascript" not in svg.lower() and "pygal.js" not in svg
    for name, value in attributes(svg):
        if name.endswith("href") or name == "src":
            pytest.fail(f"{name}={value!r}: a chart refers to nothing")
    assert "//" not in re.sub(r'xmlns(:xlink)?="[^"]+"', "", svg)  # no CDN, no URL at all (namespaces aside)
    assert "@import" not in svg and "url(" not in svg


def test_hostile_title_labels_and_names_are_text() -> None:
    made = [
        charts.line(HOSTILE, [HOSTILE, "b"], {HOSTILE: [1.0, 2.0], "other": [2.0, 1.0]}),
        charts.bars(HOSTILE, [HOSTILE], {HOSTILE: [1.0]}, horizontal=True),
        charts.funnel(HOSTILE, [(HOSTILE, 3), ("won", 1)]),
        charts.line(HOSTILE, [], {}),
    ]
    for svg in made:
        root = parse(svg)
        assert not [n for n in root.iter() if n.tag in (f"{SVG}script", "script")]
        assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", svg)
        texts = " ".join(n.text or "" for n in root.iter())
        assert "<script>alert(1)</script>" in texts  # shown as the text it is
        assert root.get("aria-label", "").startswith("<script>alert(1)</script>")


def test_long_labels_are_cut() -> None:
    svg = charts.bars("t", ["x" * 300], {"n": [1.0]}, horizontal=True)
    assert "x" * 300 not in svg and "x" * (charts.MAX_LABEL - 1) + "…" in svg


@pytest.mark.parametrize("svg", [
    charts.line("Links", [], {}),
    charts.line("Links", ["a", "b"], {}),
    charts.line("Links", ["a", "b"], {"x": [None, None]}),
    charts.bars("Lost", [], {"lost": []}, horizontal=True),
    charts.funnel("Funnel", []),
    charts.funnel("Funnel", [("pitches", 0), ("won", 0)]),
    charts.sparkline([]),
], ids=["line-nothing", "line-no-series", "line-all-gaps", "bars", "funnel", "funnel-zeros", "sparkline"])
def test_empty_data_gives_a_small_no_data_svg(svg: str) -> None:
    root = parse(svg)
    assert charts.NO_DATA in svg and root.get("role") == "img" and charts.NO_DATA in root.get("aria-label", "")
    assert len(svg) < 1000


def test_nan_and_infinity_are_gaps() -> None:
    svg = charts.line("t", ["a", "b", "c"], {"x": [1.0, float("nan"), 3.0], "y": [float("inf"), 2.0, 1.0]})
    assert "nan" not in svg.lower() and "inf" not in svg.lower()
    assert [d.text for d in parse(svg).iter(f"{SVG}desc") if d.get("class") == "value"] == ["1", "3", "2", "1"]
    assert charts.NO_DATA in charts.line("t", ["a"], {"x": [float("nan")]})
    assert charts.NO_DATA in charts.sparkline([float("nan")])


@pytest.mark.parametrize("kind", list(MAKERS))
def test_same_input_same_bytes(kind: str) -> None:
    assert MAKERS[kind]() == MAKERS[kind]()


def test_different_charts_have_different_ids() -> None:
    one, two = charts.bars("a", ["x"], {"n": [1.0]}), charts.bars("a", ["x"], {"n": [2.0]})
    assert parse(one).get("id") != parse(two).get("id")
    assert parse(one).get("id", "").startswith("chart-")


def test_the_data_is_in_the_dom() -> None:
    root = parse(charts.bars("New", ["a", "b", "c"], {"new": [1.0, 5.0, 3.0]}))
    rects = [r for r in root.iter(f"{SVG}rect") if "rect" in (r.get("class") or "")]
    assert len(rects) == 3 and all(float(r.get("height", 0)) > 0 for r in rects)
    values = [d.text for d in root.iter(f"{SVG}desc") if d.get("class") == "value"]
    assert values == ["1", "5", "3"]
    tips = [t.text for t in root.iter(f"{SVG}title")]
    assert "b: 5" in tips  # shown on hover without a script

    line = parse(MAKERS["line"]())
    paths = [p for p in line.iter(f"{SVG}path") if "line" in (p.get("class") or "") and "reactive" in (p.get("class") or "")]
    assert len(paths) == 2 and all(p.get("d", "").count("L") for p in paths)

    funnel = parse(MAKERS["funnel"]())
    assert len(list(funnel.iter(f"{SVG}polygon"))) == 4
    assert "sent: 7" in [t.text for t in funnel.iter(f"{SVG}title")]

    spark = parse(MAKERS["sparkline"]())
    assert [p.get("stroke") for p in spark.iter(f"{SVG}path")] == ["currentColor"]
    assert len(MAKERS["sparkline"]()) < 1000 and "<style" not in MAKERS["sparkline"]()


def test_counts_get_whole_number_ticks() -> None:
    root = parse(charts.bars("New", ["a", "b"], {"new": [3.0, 7.0]}))
    ticks = [t.text for g in root.iter(f"{SVG}g") if "axis y" in (g.get("class") or "")
             for t in g.iter(f"{SVG}text")]
    assert ticks and all(re.fullmatch(r"\d+", t or "") for t in ticks)


def test_ten_charts_take_under_a_second() -> None:
    MAKERS["line"]()  # imports pygal
    start = time.perf_counter()
    for kind in ("line", "bars", "horizontal", "funnel", "line", "bars", "stacked", "funnel", "line", "sparkline"):
        MAKERS[kind]()
    assert time.perf_counter() - start < 1.0
