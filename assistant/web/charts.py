"""Charts as SVG strings drawn on the server by pygal, made to be pasted into a page as they are.

pygal's defaults are changed so a chart is inert and self-contained: no JavaScript (its config
names a script on a CDN, ``js=[]`` drops it, and an xml filter removes the inline ``<script>``
it still writes), no XML declaration (the SVG is inline in HTML), no comments (one carries the
date), and an id derived from the input instead of a random uuid4, so the same input gives the
same bytes. Text from outside (titles, labels, series names) has its control characters removed
here and is escaped by pygal's XML serialiser (lxml): ``<script>`` in a label is text. Each
value's label and number go in a ``<title>`` too, which the browser shows on hover without
scripts. An empty chart is a small "no data yet" SVG.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

NO_DATA = "no data yet"
# Characters XML 1.0 cannot hold (lxml refuses them) and the C0/C1 controls; tabs and newlines
# become spaces.
_NOT_TEXT = re.compile(r"[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACE = re.compile(r"[\t\n\r]")
MAX_LABEL = 40  # longer labels are cut, with an ellipsis
MAX_X_LABELS = 16  # shown under an x axis; more (a year of weeks and over) show every n-th
X_LABEL_STEPS = (1, 2, 4, 13, 26, 52)  # n: weeks, fortnights, about months, quarters, half years, years
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
MARGIN = 12  # around a chart
LABEL_SIZE = 12  # the axes' labels (pixels)
COLORS = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563")


def line(title: str, labels: list[str], series: dict[str, list[float | None]]) -> str:
    """Lines over ``labels`` (None: a gap), one per series."""
    return _chart("line", title, labels, series)


def bars(title: str, labels: list[str], series: dict[str, list[float]], *, stacked: bool = False,
         horizontal: bool = False) -> str:
    """Bars per label, one colour per series; stacked and/or horizontal (the first label on top)."""
    return _chart("bars", title, labels, series, stacked=stacked, horizontal=horizontal)


def funnel(title: str, stages: list[tuple[str, int]]) -> str:
    """Stages from left to right (pitches, sent, replied, won), each as tall as its count."""
    stages = [(name, max(0, int(count or 0))) for name, count in stages]
    if not any(count for _, count in stages):
        return empty(title)
    chart = _make("Funnel", title, {"print_values": True, "show_legend": True, "legend_at_bottom": True,
                                    "show_x_labels": False, "show_y_labels": False, "show_y_guides": False,
                                    "height": 320})
    for name, count in stages:
        chart.add(_short(name), [count])
    return _render(chart, ("funnel", title, stages))


def sparkline(values: list[float]) -> str:
    """A tiny line (no axes, no legend, no styles: it is drawn in the text colour)."""
    points = [v for v in map(_num, values) if v is not None]
    if not points:
        return empty("", width=100, height=24)
    import pygal

    chart = pygal.Line(**_base("", width=100, height=24), show_dots=len(points) == 1, css=[])
    chart.add_xml_filter(lambda root: _bare(root, f"trend from {points[0]:g} to {points[-1]:g}"))
    chart.add("", points)
    svg: str = chart.render_sparkline(width=100, height=24, margin=2, is_unicode=True)
    return svg


def empty(title: str, *, width: int = 400, height: int = 80) -> str:
    """The small SVG shown instead of a chart with nothing to draw."""
    label = f"{_text(title)}: {NO_DATA}" if title else NO_DATA
    y = height // 2 + min(14, height // 2) // 3
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-empty" role="img" '
            f'aria-label="{html.escape(label)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
            f"<title>{html.escape(label)}</title>"
            f'<text x="{width // 2}" y="{y}" text-anchor="middle" fill="currentColor" font-size="{min(14, height // 2)}" '
            f'font-family="{html.escape(FONT)}">{html.escape(NO_DATA if not title or width < 200 else label)}</text>'
            "</svg>")


# --------------------------------------------------------------------------- building


def _chart(kind: str, title: str, labels: Sequence[str], series: dict[str, list[Any]], *, stacked: bool = False,
           horizontal: bool = False) -> str:
    series = {name: [_num(v) for v in values] for name, values in series.items()}
    if not labels or not series or all(v is None for values in series.values() for v in values):
        return empty(title)
    key = (kind, title, list(labels), series, stacked, horizontal)
    if horizontal:  # pygal draws the first label at the bottom: the caller's first goes on top
        labels, series = labels[::-1], {name: values[::-1] for name, values in series.items()}
    cls = {"line": "Line", "bars": "StackedBar" if stacked else "Bar"}[kind]
    options: dict[str, Any] = {"show_legend": len(series) > 1, "legend_at_bottom": True}
    if kind == "line":
        options.update(fill=False, dots_size=2.5, allow_interruptions=True)
    if horizontal:
        cls = "Horizontal" + cls
        options.update(print_values=True, height=max(160, 40 + 34 * len(labels) * (1 if stacked else len(series))))
    shown = [_short(label) for label in labels]
    if not horizontal:
        options.update(_x_labels(shown, edges=kind == "line"))
    values = [v for vs in series.values() for v in vs if v is not None]
    if all(float(v).is_integer() for v in values):  # counts: no 0.2 guides
        options.update(y_labels=_int_ticks(max([0, *values]) if not stacked else _stack_max(series)))
    chart = _make(cls, title, options)
    chart.x_labels = shown
    for name, values in series.items():
        chart.add(_short(name), values)
    return _render(chart, key)


def _x_labels(shown: list[str], *, edges: bool) -> dict[str, Any]:
    """Options for the labels under the x axis: whole (pygal cuts what it thinks will not fit, down to
    "…"; ours are cut by ``_short`` only), at most MAX_X_LABELS of them, slanted when they would touch.
    Past MAX_X_LABELS (weeks over months or years), one label every ``step`` weeks (1, 2, 4, 13, 26
    or 52), counted back from the last, and the first too; every value keeps its own label in its
    hover <title>. ``edges``: the last label is centred on the plot's right edge (a line chart), so
    the margin there holds its half."""
    options: dict[str, Any] = {"truncate_label": -1}
    count = len(shown)
    if count > MAX_X_LABELS:
        step = next((s for s in X_LABEL_STEPS if count <= s * (MAX_X_LABELS - 1)), -(-count // (MAX_X_LABELS - 1)))
        picked = list(range(count - 1, -1, -step))[::-1]
        if picked[0] != 0:  # the first week too, in place of a label closer to it than half a step
            picked = [0, *picked[1:]] if picked[0] < step / 2 else [0, *picked]
        if len(set(shown)) == count:
            options.update(x_labels_major=[shown[i] for i in picked])
        else:  # pygal marks labels by their text: repeated labels would all show
            options.update(x_labels_major_count=len(picked))
        options.update(show_minor_x_labels=False)
        shown = [shown[i] for i in picked]
    if sum(map(len, shown)) > 70:
        options.update(x_label_rotation=30)  # pygal widens the right margin for slanted labels itself
    elif edges:
        options.update(margin_right=max(MARGIN, math.ceil(_text_width(shown[-1]) / 2) + 4))
    return options


def _text_width(text: str, size: int = LABEL_SIZE) -> float:
    return len(text) * 0.6 * size  # pygal's own estimate (pygal.util.text_len)


def _int_ticks(top: float) -> list[int]:
    """About five whole-number ticks from 0 to at least ``top``: 1, 2 or 5 times a power of ten apart."""
    if top <= 0:
        return [0, 1]
    raw = top / 5
    power = 10 ** max(0, len(str(int(raw))) - 1)
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return list(range(0, int(top) + step, step)) if top % step else list(range(0, int(top) + 1, step))


def _stack_max(series: dict[str, list[Any]]) -> float:
    return max((sum(v or 0 for v in column) for column in zip(*series.values(), strict=False)), default=0)


def _base(title: str, *, width: int = 800, height: int = 400) -> dict[str, Any]:
    from pygal.style import Style

    style = Style(font_family=FONT, background="transparent", plot_background="transparent",
                  foreground="#1f2937", foreground_strong="#111827", foreground_subtle="#6b7280",
                  colors=COLORS, opacity=".85", opacity_hover=".95", title_font_size=18, legend_font_size=13,
                  label_font_size=LABEL_SIZE, major_label_font_size=LABEL_SIZE, value_font_size=13, guide_stroke_color="#d1d5db",
                  major_guide_stroke_color="#9ca3af")
    return {"title": _text(title) or None, "width": width, "height": height, "style": style,
            "js": [], "disable_xml_declaration": True, "classes": [..., "chart"], "margin": MARGIN}


def _make(cls: str, title: str, options: dict[str, Any]) -> Any:
    import pygal

    base = _base(title, height=options.pop("height", 400))
    chart = getattr(pygal, cls)(**base, **options)
    names = lambda: [str(kw.get("title") or "") for _, kw in chart.raw_series]  # noqa: E731 - at render time
    chart.add_xml_filter(lambda root: _inert(root, _text(title), names()))
    return chart


def _render(chart: Any, key: Any) -> str:
    chart.uuid = _digest(key)
    svg: str = chart.render(is_unicode=True)
    return svg


def _digest(key: Any) -> str:
    """The chart's id: from its input, so the same chart has the same bytes (pygal uses uuid4)."""
    return hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _num(value: Any) -> float | None:
    """A value to draw, or None (a gap) for None, NaN and infinities."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _short(value: Any) -> str:
    text = _text(value)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _text(value: Any) -> str:
    """Text from outside, fit for XML: no control or non-XML characters (pygal escapes the rest)."""
    return _NOT_TEXT.sub("", _SPACE.sub(" ", "" if value is None else str(value)))


# --------------------------------------------------------------------------- xml filters


def _local(node: Any) -> str | None:
    tag = node.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else None  # None: a comment or an instruction


def _drop(node: Any, unwanted: Callable[[Any], bool]) -> None:
    """Remove the descendants ``unwanted`` picks, then the groups left empty (depth first)."""
    for child in list(node):
        if unwanted(child):
            node.remove(child)
            continue
        _drop(child, unwanted)
        if _local(child) == "g" and len(child) == 0:
            node.remove(child)


def _inert(root: Any, label: str, names: list[str]) -> Any:
    """No scripts, no comments, nor what only pygal's script reads (tooltip boxes, positions); role
    and label for screen readers; a hover <title> per value."""
    _drop(root, _scripted)
    for axis in [g for g in root.iter() if "axis" in (g.get("class") or "").split()]:
        _drop(axis, lambda n: _local(n) == "title")  # a tick's value again (a position on a category axis)
    root.set("role", "img")
    root.set("aria-label", label or "chart")
    for node in root.iter():
        if _local(node) == "title" and node.getparent() is root:  # pygal writes "Pygal" when untitled
            node.text = label or "chart"
        if (node.get("id") or "").startswith("activate-serie"):  # the script's hooks; the same in every chart
            node.attrib.pop("id")
    _title_values(root, names, None)
    return root


def _scripted(node: Any) -> bool:
    kind = _local(node)
    if kind is None or kind == "script":
        return True
    cls = node.get("class") or ""
    return (kind == "desc" and cls.split(" ")[0] in ("x", "y")) or (kind == "g" and "tooltip-overlay" in cls)


_SERIE = re.compile(r"\bserie-(\d+)\b")


def _title_values(node: Any, names: list[str], serie: int | None) -> None:
    """Give each value's group (a bar, a dot, a funnel slice) a <title>: series, label and value."""
    found = _SERIE.search(node.get("class") or "")
    serie = int(found.group(1)) if found else serie
    descs = {}
    for child in list(node):
        if _local(child) == "desc":
            descs[child.get("class") or ""] = child.text or ""
        elif _local(child) is not None:
            _title_values(child, names, serie)
    if "value" not in descs:
        return
    from pygal.etree import etree

    name = names[serie] if serie is not None and serie < len(names) else ""
    where = " · ".join(t for t in (name if len(names) > 1 or not descs.get("x_label") else "",
                                   descs.get("x_label", "")) if t)
    tip = etree.Element("title")
    tip.text = f"{where}: {descs['value']}" if where else descs["value"]
    node.insert(0, tip)


def _bare(root: Any, label: str) -> Any:
    """A sparkline without styles: the line in currentColor, nothing else (no id: no random uuid)."""
    _drop(root, lambda n: _local(n) in (None, "script", "defs", "title", "desc", "rect"))
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("class", "sparkline")
    root.attrib.pop("id", None)
    for node in root.iter():
        if _local(node) == "path":
            node.attrib.pop("class", None)
            node.set("fill", "none")
            node.set("stroke", "currentColor")
            node.set("stroke-width", "1.5")
        elif _local(node) == "circle":
            node.attrib.pop("class", None)
            node.set("fill", "currentColor")
    return root
