"""Native charts of the companion sheets (XlsxWriter): TOPSIS closeness by year (or by region in the latest
year of a panel), the coupling coordination degree D over the years on its ten grade bands, and the kernel
density of the index, one curve per year."""

from __future__ import annotations

from .blocks import Block
from .charts import _PALETTE, _chart_text, _col, _tr

__all__ = ["draw_companion_charts"]

#: Grade bands from 极度失调 (red) to 优质协调 (green), light enough to read the line over them.
_BANDS = ["#F4CCCC", "#F8D9CC", "#FCE5CD", "#FDEFCF", "#FFF9D1", "#F0F5D0", "#E0EFD4", "#D3EAD8", "#C6E4DC",
          "#B9DEE0"]
_GRID = {"visible": True, "line": {"color": "#D9D9D9"}}
#: Sheets longer than this many rows get their chart beside the tables rather than below them.
_LONG = 45


def _rows(r0: int, b: Block) -> tuple[int, int]:
    first = r0 + 1 + len(b.header)
    return first, first + len(b.body) - 1


def _topsis_years(wb, ws, name: str, r0: int, b: Block, anchor, tr=str) -> None:
    first, last = _rows(r0, b)
    col = b.header[0].index("Closeness C")
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"name": tr("Closeness C"), "categories": _col(name, 0, first, last),
                      "values": _col(name, col, first, last), "line": {"color": _PALETTE[0], "width": 2.25},
                      "marker": {"type": "circle", "size": 5, "fill": {"color": _PALETTE[0]}}})
    chart.set_title({"name": tr("TOPSIS closeness by year"), "name_font": {"size": 11}})
    chart.set_x_axis({"name": tr("Year"), "num_font": {"rotation": -45}})
    chart.set_y_axis({"name": tr("Closeness C"), "min": 0, "max": 1, "num_format": "0.0", "major_gridlines": _GRID})
    chart.set_legend({"none": True})
    chart.set_size({"width": 620, "height": 340})
    ws.insert_chart(*anchor, chart)


def _topsis_regions(wb, ws, name: str, r0: int, b: Block, anchor, tr=str) -> None:
    first, last = _rows(r0, b)
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({"name": tr("Closeness C"), "categories": _col(name, 0, first, last),
                      "values": _col(name, 1, first, last), "fill": {"color": _PALETTE[0]}, "gap": 50})
    chart.set_title({"name": _chart_text(b.title), "name_font": {"size": 11}})
    chart.set_x_axis({"name": tr("Closeness C"), "min": 0, "max": 1, "major_gridlines": _GRID})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 620, "height": max(300, 16 * len(b.body) + 80)})
    ws.insert_chart(*anchor, chart)


def _coupling(wb, ws, name: str, r0: int, b: Block, anchor, tr=str) -> None:
    """The ten grades as stacked bands (an area chart of width-0.1 series) under the line of D."""
    first, last = _rows(r0, b)
    bands = wb.add_chart({"type": "area", "subtype": "stacked"})
    for k in range(10):
        bands.add_series({"name": [name, r0 + 1, 2 + k], "categories": _col(name, 0, first, last),
                          "values": _col(name, 2 + k, first, last),
                          "fill": {"color": _BANDS[k]}, "border": {"none": True}})
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": [name, r0 + 1, 1], "categories": _col(name, 0, first, last),
                     "values": _col(name, 1, first, last), "line": {"color": _PALETTE[0], "width": 2.5},
                     "marker": {"type": "circle", "size": 5, "fill": {"color": _PALETTE[0]}}})
    bands.combine(line)
    bands.set_title({"name": tr("Coupling coordination degree D and its grades"), "name_font": {"size": 11}})
    bands.set_x_axis({"name": tr("Year"), "num_font": {"rotation": -45}})
    bands.set_y_axis({"name": "D", "min": 0, "max": 1, "major_unit": 0.1, "num_format": "0.0"})
    bands.set_legend({"position": "right", "font": {"size": 7}})
    bands.set_size({"width": 720, "height": 400})
    ws.insert_chart(*anchor, bands)


def _density(wb, ws, name: str, r0: int, b: Block, anchor, tr=str) -> None:
    first, last = _rows(r0, b)
    chart = wb.add_chart({"type": "scatter", "subtype": "straight"})
    heads = b.header[0]
    for k, c in enumerate(range(1, len(heads), 2)):
        chart.add_series({"name": str(heads[c])[2:], "categories": _col(name, c, first, last),
                          "values": _col(name, c + 1, first, last),
                          "line": {"color": _PALETTE[k % len(_PALETTE)], "width": 1.75},
                          "marker": {"type": "none"}})
    chart.set_title({"name": tr("Kernel density across regions, by year"), "name_font": {"size": 11}})
    chart.set_x_axis({"name": tr("Index"), "major_gridlines": _GRID})
    chart.set_y_axis({"name": tr("Density"), "major_gridlines": _GRID})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 360})
    ws.insert_chart(*anchor, chart)


def draw_companion_charts(wb, ws, name: str, by_key: dict[str, tuple[int, Block]], anchor, language: str = "en",
                          keep=frozenset()) -> None:
    """The chart of a companion sheet (``by_key``: block key → (first row, block)), at ``anchor``; beside the
    tables instead when they are long (a panel's regions, the density curves), so it is seen first."""
    tr = _tr(language, keep)  # the chart texts in the blocks' language (the user's labels in keep stay)
    rows = max(r0 + b.height for r0, b in by_key.values())
    if rows > _LONG:
        anchor = (0, max(b.width for _, b in by_key.values()) + 1)
    if "topsis_chart" in by_key:
        _topsis_regions(wb, ws, name, *by_key["topsis_chart"], anchor, tr)
    elif "topsis" in by_key:
        _topsis_years(wb, ws, name, *by_key["topsis"], anchor, tr)
    if "coupling_chart" in by_key:
        _coupling(wb, ws, name, *by_key["coupling_chart"], anchor, tr)
    if "kde_chart" in by_key:
        _density(wb, ws, name, *by_key["kde_chart"], anchor, tr)
