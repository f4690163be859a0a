"""The results workbook's native charts (XlsxWriter): the index over the years, the weights by dimension and
the baseline's coefficients with their confidence intervals."""

from __future__ import annotations

import re

from ..engine.glossary import translate
from ..engine.regression import CONS
from .blocks import Block

__all__ = ["chart_index", "chart_weights", "chart_coefficients", "chart_group_means"]

_PALETTE = ["#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF9000", "#2E75B6", "#A50021", "#3B3838"]


def _col(ws_name: str, c: int, r0: int, r1: int, c1: int | None = None) -> str:
    from xlsxwriter.utility import xl_range_abs

    return f"='{ws_name}'!{xl_range_abs(r0, c, r1, c if c1 is None else c1)}"


def _chart_text(text: str) -> str:
    """A chart title that stays text: XlsxWriter takes a title like ``…Sheet!A1…`` for a cell reference (a
    user's label could make it one), so a zero-width space goes after each "!" then."""
    return text.replace("!", "!\u200b") if re.match(r"^=?[^!]+!\$?[A-Z]+\$?\d+", text) else text


def _tr(language: str, keep):
    """Chart texts in ``language`` (the glossary's; the user's labels in ``keep`` stay)."""
    return lambda text: translate(text, language, keep)


def chart_index(wb, ws, name: str, r0: int, b: Block, anchor: tuple[int, int], language: str = "en",
                keep=frozenset()) -> None:
    tr = _tr(language, keep)
    chart = wb.add_chart({"type": "line"})
    first, last = r0 + 1 + len(b.header), r0 + len(b.header) + len(b.body)
    for c, label in enumerate(b.header[0][1:], start=1):
        chart.add_series({
            "name": [name, r0 + 1, c],
            "categories": _col(name, 0, first, last),
            "values": _col(name, c, first, last),
            "line": {"color": _PALETTE[(c - 1) % len(_PALETTE)], "width": 2.25 if c == 1 else 1.5,
                     "dash_type": "solid" if c == 1 else "dash"},
            "marker": {"type": "circle" if c == 1 else "none", "size": 4},
        })
    chart.set_title({"name": _chart_text(tr(f"{b.header[0][1]} index and sub-indices, {b.body[0][0]}–{b.body[-1][0]}")),
                     "name_font": {"size": 11}})
    chart.set_x_axis({"name": tr("Year"), "num_font": {"rotation": -45}})
    chart.set_y_axis({"name": tr("Score"), "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
                      "num_format": "0.00"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 360})
    ws.insert_chart(*anchor, chart)


def chart_weights(wb, ws, name: str, r0: int, b: Block, anchor: tuple[int, int], language: str = "en",
                  keep=frozenset()) -> None:
    tr = _tr(language, keep)
    chart = wb.add_chart({"type": "column"})
    first, last = r0 + 1 + len(b.header), r0 + len(b.header) + len(b.body)
    dims, k, colors = [], -1, []
    for row in b.body:
        if row[0] is not None:
            dims.append(row[0])
            k += 1
        colors.append(_PALETTE[k % len(_PALETTE)])
    chart.add_series({
        "name": tr("Weight w"),
        "categories": _col(name, 0, first, last, 1),  # two levels: dimension, then code
        "values": _col(name, 6, first, last),
        "points": [{"fill": {"color": c}, "border": {"none": True}} for c in colors],
        "data_labels": {"value": True, "num_format": "0.000", "font": {"size": 7}},
        "gap": 60,
    })
    chart.set_title({"name": tr("Indicator weights by dimension"), "name_font": {"size": 11}})
    chart.set_y_axis({"name": tr("Entropy weight"), "num_format": "0.00",
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 720, "height": 380})
    ws.insert_chart(*anchor, chart)


def chart_coefficients(wb, ws, name: str, r0: int, b: Block, anchor: tuple[int, int], language: str = "en",
                       keep=frozenset()) -> None:
    """Coefficients (diamonds) with their 95% intervals: bounds as dashes joined by high-low lines."""
    tr = _tr(language, keep)
    first = r0 + 1 + len(b.header)
    cons = {CONS, tr(CONS)}  # the constant's row label, in the block's language
    last = first + sum(row[0] not in cons for row in b.body) - 1  # _cons (the last row) is left out
    chart = wb.add_chart({"type": "line"})
    for c, label, marker in ((5, "Lower 95% bound", "dash"), (1, "Coefficient", "diamond"),
                             (6, "Upper 95% bound", "dash")):
        chart.add_series({
            "name": tr(label),
            "categories": _col(name, 0, first, last),
            "values": _col(name, c, first, last),
            "line": {"none": True},
            "marker": {"type": marker, "size": 8 if c == 1 else 10,
                       "fill": {"color": _PALETTE[0 if c == 1 else 5]},
                       "border": {"color": _PALETTE[0 if c == 1 else 5]}},
        })
    chart.set_high_low_lines({"line": {"color": _PALETTE[5], "width": 1.25}})
    chart.set_title({"name": _chart_text(tr(f"Coefficients with 95% confidence intervals ({b.header[0][0]})")),
                     "name_font": {"size": 11}})
    chart.set_y_axis({"name": tr("Coefficient"), "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"label_position": "low"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 360})
    ws.insert_chart(*anchor, chart)


def chart_group_means(wb, ws, name: str, r0: int, b: Block, anchor: tuple[int, int], language: str = "en",
                      keep=frozenset()) -> None:
    """A panel's mean index by region group over the years: one line per group (a row of the block), the
    years (the header) as categories."""
    chart = wb.add_chart({"type": "line"})
    head, first = r0 + 1, r0 + 1 + len(b.header)
    last_col = len(b.header[0]) - 1
    for i, row in enumerate(b.body):
        chart.add_series({
            "name": [name, first + i, 0],
            "categories": _col(name, 1, head, head, last_col),
            "values": _col(name, 1, first + i, first + i, last_col),
            "line": {"color": _PALETTE[i % len(_PALETTE)], "width": 2.0},
            "marker": {"type": "circle", "size": 4},
        })
    tr = _tr(language, keep)
    chart.set_title({"name": _chart_text(tr(f"Mean index by region group, {b.header[0][1]}–{b.header[0][-1]}")),
                     "name_font": {"size": 11}})
    chart.set_x_axis({"name": tr("Year"), "num_font": {"rotation": -45}})
    chart.set_y_axis({"name": tr("Mean index"), "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
                      "num_format": "0.00"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 360})
    ws.insert_chart(*anchor, chart)
