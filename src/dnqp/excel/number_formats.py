"""Number formats on result sheets, in few round trips: rectangles of one format, one batch per run on Office.js.

A result sheet's formats come cell by cell (``(row, column, format)``, :func:`dnqp.workbook.blocks.sheet_cells`).
:func:`format_blocks` groups them into rectangles that share a format. Then:

* desktop Excel (COM): one ``Range.NumberFormat`` per rectangle;
* Office.js (``dnqp serve``): the rectangles of every sheet travel in ONE action, ``runMacro`` of the
  task pane's callback :data:`CALLBACK` (xlwings' documented way to call JavaScript from Python:
  ``book.app.macro(name)(...)`` on the server, ``xlwings.registerCallback`` in the task pane), which sets
  each rectangle's ``numberFormat`` as a matrix of its size and syncs once. xlwings' own
  ``setNumberFormat`` would cost one action and one workbook round trip per rectangle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

__all__ = ["CALLBACK", "format_blocks", "apply_number_formats"]

#: The task pane's JavaScript callback (web/taskpane.html) that applies the rectangles on Office.js.
CALLBACK = "dnqpNumberFormats"


def format_blocks(cells: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, int, int, str]]:
    """``(row, column, format)`` cells as rectangles ``(row, column, rows, columns, format)`` covering them exactly.

    Each format's cells are cut into runs along their rows; a run with the same columns as a run on the
    row just above extends that rectangle downwards. Every cell is in exactly one rectangle, and no
    rectangle holds a cell without that format (a later cell wins if one is given twice).

    >>> format_blocks([(0, 0, "0.00"), (0, 1, "0.00"), (1, 0, "0.00"), (1, 1, "0.00"), (1, 2, "0")])
    [(0, 0, 2, 2, '0.00'), (1, 2, 1, 1, '0')]
    """
    final = {(r, c): f for r, c, f in cells}
    by_format: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (r, c), f in final.items():
        by_format[f][r].append(c)
    out = []
    for f, rows in by_format.items():
        open_: dict[tuple[int, int], list[int]] = {}  # (first, last column) → [first row, last row]
        done = []
        for r in sorted(rows):
            cols = sorted(rows[r])
            runs, start = [], cols[0]
            for prev, c in zip(cols, cols[1:] + [None]):
                if c != prev + 1:
                    runs.append((start, prev))
                    start = c
            for run in runs:
                span = open_.get(run)
                if span is not None and span[1] == r - 1:
                    span[1] = r
                else:
                    if span is not None:
                        done.append((span[0], run, span[1]))
                    open_[run] = [r, r]
        done += [(span[0], run, span[1]) for run, span in open_.items()]
        out += [(top, left, bottom - top + 1, right - left + 1, f) for top, (left, right), bottom in done]
    return sorted(out, key=lambda b: (b[0], b[1], b[4]))


def apply_number_formats(book, sheets: Iterable[tuple[object, list[tuple[int, int, int, int, str]]]],
                         first_row: int = 1, first_column: int = 1) -> None:
    """Set the rectangles of each sheet (pairs of a sheet and its :func:`format_blocks`), offset to
    ``first_row``/``first_column`` (1-based, where the grid's cell (0, 0) is).

    On Office.js (xlwings' ``remote`` engine) this is one ``runMacro`` action for all the sheets.
    """
    sheets = [(s, blocks) for s, blocks in sheets if blocks]
    if not sheets:
        return
    if _engine(book) == "remote":
        book.app.macro(CALLBACK)([[s.name, [[first_row - 1 + r, first_column - 1 + c, h, w, f]
                                             for r, c, h, w, f in blocks]] for s, blocks in sheets])
        return
    for sheet, blocks in sheets:
        for r, c, h, w, f in blocks:
            top, left = first_row + r, first_column + c
            sheet.range((top, left), (top + h - 1, left + w - 1)).number_format = f


def _engine(book) -> str | None:
    try:
        return book.app.engine.name
    except AttributeError:
        return None
