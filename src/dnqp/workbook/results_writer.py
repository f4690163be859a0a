"""Writing the results workbook: every result sheet's blocks as three-line tables with number formats, and
their charts (XlsxWriter); a results workbook is marked so that ``dnqp run`` may replace it."""

from __future__ import annotations

import os
from pathlib import Path

from .atomic import atomic_path
from .blocks import Block, place, result_blocks, user_labels
from .charts import chart_coefficients, chart_group_means, chart_index, chart_weights
from .companion_charts import draw_companion_charts
from .grid import StudyInputs
from .marks import RESULTS_KEYWORD, is_results_workbook
from .writer import new_sheet, new_workbook, write_cell
from ..engine.study import StudyResult

__all__ = ["write_results", "is_results_workbook", "RESULTS_KEYWORD"]

_RULE = "#000000"


class _Formats:
    """XlsxWriter formats made once per distinct style."""

    def __init__(self, wb):
        self.wb = wb
        self.cache: dict = {}

    def __call__(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.wb.add_format(props)
        return self.cache[key]


def _numeric_columns(b: Block) -> set[int]:
    """Columns whose body holds mostly numbers: they and their headers are right-aligned."""
    out = set()
    for c in range(1, b.width):
        cells = [r[c] for r in b.body if c < len(r) and r[c] is not None]
        if cells and sum(not isinstance(v, str) for v in cells) * 2 > len(cells):
            out.add(c)
    return out


def _block_cells(ws, fm: _Formats, r0: int, b: Block) -> None:
    """A three-line table: title, top rule, header, header rule, body, bottom rule, notes."""
    w = b.width
    numeric = set() if b.key.startswith("log") else _numeric_columns(b)
    short = {c for c in range(1, w) if all(len(str(r[c])) <= 3 for r in b.body if c < len(r) and r[c] is not None)}
    align = lambda c: "right" if c in numeric else "center" if c in short else "left"  # noqa: E731
    write_cell(ws, r0, 0, b.title, fm(bold=True, font_size=11))
    r = r0 + 1
    for h, hrow in enumerate(b.header):
        for c in range(w):
            v = hrow[c] if c < len(hrow) else None
            props = {"bold": True, "align": align(c), "valign": "bottom"}
            if h == 0:
                props.update(top=2, top_color=_RULE)
            if h == len(b.header) - 1:
                props.update(bottom=1, bottom_color=_RULE)
            write_cell(ws, r, c, v, fm(**props))
        r += 1
    made: dict = {}  # (column, number format, last row) → its format, looked up once per block

    def body_format(c: int, nf, last: bool):
        key = (c, nf, last)
        if key not in made:
            props = {"align": align(c)}
            if nf:
                props["num_format"] = nf
            if last:
                props.update(bottom=2, bottom_color=_RULE)
            made[key] = fm(**props)
        return made[key]

    for i, brow in enumerate(b.body):
        fmts = b.formats[i] if i < len(b.formats) else []
        last = i == len(b.body) - 1
        for c in range(w):
            v = brow[c] if c < len(brow) else None
            write_cell(ws, r, c, v, body_format(c, fmts[c] if c < len(fmts) else None, last))
        r += 1
    for note in b.notes:
        write_cell(ws, r, 0, note, fm(italic=True, font_size=9))
        r += 1


def _widths(blocks: list[Block]) -> list[float]:
    """Column widths from the header and body text (one-column blocks such as notes may overflow)."""
    width = max(b.width for b in blocks)
    out = [8.0] * width
    for b in blocks:
        if b.width < 2:
            continue
        for row in [*b.header, *b.body]:
            for c, v in enumerate(row):
                if v is not None:
                    n = len(v) + 2 if isinstance(v, str) else 11
                    out[c] = max(out[c], min(n, 60))
    return out


def write_results(result: StudyResult, path: str | os.PathLike, inputs: StudyInputs | None = None) -> Path:
    """Write every result sheet (three-line tables, number formats, native charts) to ``path``."""
    path = Path(path)
    sheets = result_blocks(result, inputs)
    texts = {"language": result.settings.language, "keep": user_labels(result)}  # the charts, as the tables
    with atomic_path(path) as tmp:
        wb = new_workbook(tmp, "dnqp results", RESULTS_KEYWORD)
        fm = _Formats(wb)
        for name, blocks in sheets.items():  # RESULT_SHEETS' order (a panel: PANEL_RESULT_SHEETS'), the companion sheets before the Log
            ws = new_sheet(wb, name)
            ws.hide_gridlines(2)
            widths = _widths(blocks)
            for c, wdt in enumerate(widths):
                ws.set_column(c, c, wdt)
            placed = place(blocks)
            for r0, b in placed:
                _block_cells(ws, fm, r0, b)
            below = (placed[-1][0] + placed[-1][1].height + 2, 0)
            if name != "Log":  # tables and chart on one page
                if name != "Weights":
                    ws.set_portrait()
                ws.fit_to_pages(1, 1)
            by_key = {b.key: (r0, b) for r0, b in placed}
            if "index" in by_key:
                chart_index(wb, ws, name, *by_key["index"], below, **texts)
            if "weights" in by_key:
                r0, b = by_key["weights"]
                chart_weights(wb, ws, name, r0, b, below, **texts)
            if "baseline" in by_key:
                chart_coefficients(wb, ws, name, *by_key["baseline"], below, **texts)
            if "group_means" in by_key:
                chart_group_means(wb, ws, name, *by_key["group_means"], below, **texts)
            draw_companion_charts(wb, ws, name, by_key, below, **texts)
        wb.close()
    return path
