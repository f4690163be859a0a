"""Writing the results workbook: every result sheet's blocks as three-line tables with number formats, and
their charts (XlsxWriter); a results workbook is marked so that ``dnqp run`` may replace it."""

from __future__ import annotations

import os
from collections import Counter
from io import BytesIO
from pathlib import Path

from .atomic import atomic_path
from .bulk import BULK_CELLS, BulkSheets
from .blocks import Block, place, result_blocks, user_labels
from .charts import chart_coefficients, chart_group_means, chart_index, chart_weights
from .companion_charts import draw_companion_charts
from .grid import StudyInputs, collector_paused
from .marks import RESULTS_KEYWORD, is_results_workbook
from .writer import new_sheet, new_workbook, write_cell
from ..engine.study import StudyResult

__all__ = ["write_results", "is_results_workbook", "RESULTS_KEYWORD"]

_RULE = "#000000"
_NONE = type(None)


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


def _body_columns(b: Block) -> list[list]:
    """The body column by column, short rows padded with None (a blank)."""
    w = b.width
    if set(map(len, b.body)) <= {w}:
        return list(map(list, zip(*b.body))) if b.body else [[] for _ in range(w)]
    return [[r[c] if c < len(r) else None for r in b.body] for c in range(w)]


def _is_text(t: type) -> bool:
    return issubclass(t, str)


def _numeric_columns(b: Block, cols: list[list] | None = None) -> set[int]:
    """Columns whose body holds mostly numbers: they and their headers are right-aligned."""
    cols = _body_columns(b) if cols is None else cols
    out = set()
    for c in range(1, b.width):
        types = Counter(map(type, cols[c]))  # isinstance(v, str) is issubclass(type(v), str)
        cells = len(cols[c]) - types.pop(_NONE, 0)
        if cells and (cells - sum(k for t, k in types.items() if _is_text(t))) * 2 > cells:
            out.add(c)
    return out


def _block_cells(ws, fm: _Formats, r0: int, b: Block, bulk: BulkSheets | None = None,
                 cols: list[list] | None = None) -> None:
    """A three-line table: title, top rule, header, header rule, body, bottom rule, notes.

    With ``bulk``, a big body's rows between the first and the last are left to :mod:`dnqp.workbook.bulk`
    (the same cells, formats and shared strings, written after close)."""
    w = b.width
    cols = _body_columns(b) if cols is None else cols
    numeric = set() if b.key.startswith("log") else _numeric_columns(b, cols)
    short = {c for c in range(1, w) if all(len(str(v)) <= 3 for v in cols[c] if v is not None)}
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

    def body_row(i: int) -> None:
        brow = b.body[i]
        fmts = b.formats[i] if i < len(b.formats) else []
        last = i == len(b.body) - 1
        for c in range(w):
            v = brow[c] if c < len(brow) else None
            write_cell(ws, r + i, c, v, body_format(c, fmts[c] if c < len(fmts) else None, last))

    n = len(b.body)
    middle = None
    if bulk is not None and bulk.wants(n * w) and n >= 3 and b.formats:
        f0 = b.formats[0]
        middle = bulk.plan(ws, r, cols, [body_format(c, f0[c] if c < len(f0) else None, False) for c in range(w)],
                           b.formats)
    if middle is None:
        for i in range(n):
            body_row(i)
    else:  # the first row, the text of the rows between (in order), the last row
        body_row(0)
        middle.register(ws)
        body_row(n - 1)
    r += n
    for note in b.notes:
        write_cell(ws, r, 0, note, fm(italic=True, font_size=9))
        r += 1


def _widths(blocks: list[Block], columns: dict[int, list[list]] | None = None) -> list[float]:
    """Column widths from the header and body text (one-column blocks such as notes may overflow)."""
    width = max(b.width for b in blocks)
    out = [8.0] * width
    for b in blocks:
        if b.width < 2:
            continue
        for row in b.header:
            for c, v in enumerate(row):
                if v is not None:
                    n = len(v) + 2 if isinstance(v, str) else 11
                    out[c] = max(out[c], min(n, 60))
        cols = columns[id(b)] if columns is not None else _body_columns(b)
        for c, col in enumerate(cols):
            types = set(map(type, col))
            n = max(len(v) for v in col if isinstance(v, str)) + 2 if any(map(_is_text, types)) else 0
            if any(t is not _NONE and not _is_text(t) for t in types):  # a number: 11 characters
                n = max(n, 11)
            if n:
                out[c] = max(out[c], min(n, 60))
    return out


def write_results(result: StudyResult, path: str | os.PathLike, inputs: StudyInputs | None = None, *,
                  _bulk_cells: int = BULK_CELLS) -> Path:
    """Write every result sheet (three-line tables, number formats, native charts) to ``path``.

    A block body of ``_bulk_cells`` cells or more is written through :mod:`dnqp.workbook.bulk` (the same
    sheet XML, much faster); tests lower it to compare that path with the cell-by-cell one."""
    with collector_paused():  # a big panel's tables are a million small lists, and no cycle among them
        return _write_results(result, Path(path), inputs, BulkSheets(_bulk_cells))


def _write_results(result, path: Path, inputs, bulk: BulkSheets) -> Path:
    sheets = result_blocks(result, inputs)
    texts = {"language": result.settings.language, "keep": user_labels(result)}  # the charts, as the tables
    columns = {id(b): _body_columns(b) for blocks in sheets.values() for b in blocks}
    if not any(bulk.wants(len(b.body) * b.width) for blocks in sheets.values() for b in blocks):
        bulk = None  # no big table: XlsxWriter writes the file itself, as it always did
    with atomic_path(path) as tmp:
        out = BytesIO() if bulk is not None else tmp  # the bulk rows are spliced into XlsxWriter's package
        wb = new_workbook(out, "dnqp results", RESULTS_KEYWORD, in_memory=bulk is not None)
        fm = _Formats(wb)
        for name, blocks in sheets.items():  # RESULT_SHEETS' order (a panel: PANEL_RESULT_SHEETS'), the companion sheets before the Log
            ws = new_sheet(wb, name)
            ws.hide_gridlines(2)
            widths = _widths(blocks, columns)
            for c, wdt in enumerate(widths):
                ws.set_column(c, c, wdt)
            placed = place(blocks)
            for r0, b in placed:
                _block_cells(ws, fm, r0, b, bulk, columns[id(b)])
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
        if bulk is not None:
            if bulk:
                bulk.finish(wb, out.getvalue(), tmp)
            else:
                Path(tmp).write_bytes(out.getvalue())
    return path
