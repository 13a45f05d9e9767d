"""The week labels under the charts' x axis (assistant.web.charts) stay whole at every range the links
page and `assist report` allow (1 to 520 weeks): never cut to "2026-…" or "…" by pygal, few enough not
to overlap, the first and the last week among them, and every week still named in its value's hover
<title>."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from assistant.web import charts

SVG = "{http://www.w3.org/2000/svg}"
WEEK = re.compile(r"\d{4}-W\d{2}")
RANGES = (8, 15, 52, 104, 520)


def week_labels(count: int) -> list[str]:
    """``count`` ISO weeks ending with 2026-W50, as `links summary` names them (2026-W05)."""
    first = date(2026, 12, 7) - timedelta(weeks=count - 1)
    return [(first + timedelta(weeks=i)).strftime("%G-W%V") for i in range(count)]


MAKERS: dict[str, Callable[[list[str]], str]] = {
    "line": lambda labels: charts.line("Links and referring sites", labels, {
        "links": [float(i) for i in range(len(labels))], "referring sites": [float(i // 3) for i in range(len(labels))]}),
    "bars": lambda labels: charts.bars("New and lost links per week", labels, {
        "new": [float(i % 4) for i in range(len(labels))], "lost": [float(i % 2) for i in range(len(labels))]}),
    "one series": lambda labels: charts.line("Links", labels, {"links": [float(i) for i in range(len(labels))]}),
}


def x_axis_texts(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    axes = [g for g in root.iter(f"{SVG}g") if (g.get("class") or "").split()[:2] == ["axis", "x"]]
    assert len(axes) == 1, "one x axis"
    return list(axes[0].iter(f"{SVG}text"))


@pytest.mark.parametrize("kind", list(MAKERS))
@pytest.mark.parametrize("count", RANGES)
def test_week_labels_are_whole_few_and_include_the_first_and_last_week(kind: str, count: int) -> None:
    labels = week_labels(count)
    svg = MAKERS[kind](labels)
    texts = [node.text or "" for node in x_axis_texts(svg)]
    assert "…" not in svg, "no label cut"
    assert all(text in labels for text in texts), texts  # each a whole week, as given
    assert len(texts) == len(set(texts)) and texts == sorted(texts, key=labels.index)  # in order, once each
    assert 2 <= len(texts) <= charts.MAX_X_LABELS <= 26
    assert texts[0] == labels[0] and texts[-1] == labels[-1], "the first and last weeks are named"
    if count <= charts.MAX_X_LABELS:
        assert texts == labels
    else:  # evenly spaced: the same number of weeks between labels (the first may be a little nearer)
        gaps = {labels.index(b) - labels.index(a) for a, b in zip(texts[1:], texts[2:], strict=False)}
        assert len(gaps) == 1, gaps
        assert labels.index(texts[1]) - labels.index(texts[0]) >= min(gaps) / 2


@pytest.mark.parametrize("count", RANGES)
def test_every_week_is_named_in_a_hover_title_even_when_its_label_is_not_shown(count: int) -> None:
    labels = week_labels(count)
    root = ET.fromstring(MAKERS["bars"](labels))
    titles = " ".join(node.text or "" for node in root.iter(f"{SVG}title"))
    assert set(WEEK.findall(titles)) == set(labels)


@pytest.mark.parametrize("count", RANGES)
def test_labels_that_would_touch_are_slanted_and_the_last_one_is_inside_the_chart(count: int) -> None:
    labels = week_labels(count)
    svg = MAKERS["line"](labels)
    nodes = x_axis_texts(svg)
    width = float(ET.fromstring(svg).get("width") or 800)
    plot = next(g for g in ET.fromstring(svg).iter(f"{SVG}g") if (g.get("class") or "") == "plot")
    left = float(re.findall(r"[\d.]+", plot.get("transform") or "")[0])
    slanted = [n for n in nodes if "rotate(" in (n.get("transform") or "")]
    assert slanted == nodes or not slanted
    if not slanted:  # side by side: no two overlap, and the last (centred on the plot's edge) is not cut off
        half = len(labels[0]) * 0.6 * charts.LABEL_SIZE / 2
        xs = [float(n.get("x") or 0) for n in nodes]
        assert all(b - a > 2 * half for a, b in zip(xs, xs[1:], strict=False))
        assert left + xs[-1] + half <= width


def test_the_links_page_draws_long_ranges_with_whole_labels() -> None:
    """The links page's charts over a year and over ten years of weeks (`assist report` draws the same)."""
    from assistant.web.pages_links import _charts

    for count in (52, 520):
        weeks = [{"week": w, "links": i, "referring_sites": i // 2, "new": i % 3, "lost": i % 2}
                 for i, w in enumerate(week_labels(count))]
        drawn = _charts({"weeks": weeks, "lost_by_reason": {"page-gone": 2, "link-removed": 1}})
        for name in ("standing", "weekly"):
            texts = [n.text or "" for n in x_axis_texts(drawn[name])]
            assert "…" not in drawn[name] and texts[0] == weeks[0]["week"] and texts[-1] == weeks[-1]["week"]
            assert len(texts) <= charts.MAX_X_LABELS


def test_no_script_in_a_chart_of_ten_years() -> None:
    svg = MAKERS["bars"](week_labels(520))
    assert "<script" not in svg.lower() and "javascript" not in svg.lower()
