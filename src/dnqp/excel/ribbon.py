"""The ribbon actions over the template workbook: Run analysis, Validate data, Clear results.

The same functions serve the desktop add-in (``dnqp.main('<action>')`` on the calling workbook, classic
xlwings; dnqp.xlam has a button per name in ``__all__``) and Excel on Mac/web through ``dnqp serve``
(``@xw.script``, Office.js).
They are thin: :func:`dnqp.workbook.grid.parse_grids` reads the input sheets, the engine computes,
:func:`dnqp.workbook.blocks.result_sheets` lays out the results, and this module only places them.

Ownership: the tool writes only to sheets it created. Each carries the prefix
:data:`dnqp.workbook.schema.RESULT_PREFIX` and the marker text :data:`MARKER` in its cell A1; a sheet with a
result sheet's name but without the marker is the user's, and the action stops with a message
instead of overwriting it. Input sheets are only read.
"""

from __future__ import annotations

from pathlib import Path

import xlwings as xw

from .. import __version__
from ..workbook import schema
from ..errors import DnqpError, internal_message
from ..workbook.grid import InputError, parse_grids
from ..workbook.blocks import result_blocks, sheet_cells
from .number_formats import apply_number_formats, format_blocks

__all__ = ["run_analysis", "validate_data", "clear_results", "export_word"]

#: Cell A1 of every sheet the tool creates: the marker that it owns the sheet.
MARKER = "Created by dnqp: Run analysis rewrites this sheet, Clear results deletes it."
CHECKS = "Checks"
#: Results start below the marker and a blank row.
FIRST_ROW = 3


def sheet_name(name: str) -> str:
    """The workbook name of result sheet ``name``: ``dnqp_Weights``."""
    return f"{schema.RESULT_PREFIX}{name}"


def _grid(sheet) -> list[list]:
    """A sheet's values from A1 to the end of its used range, as a 2-D list."""
    last = sheet.used_range.last_cell
    return sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value or [[None]]


def read_grids(book) -> dict[str, list[list]]:
    """The input sheets of the template (those present), sheet name → 2-D list from A1."""
    present = {s.name: s for s in book.sheets}
    return {name: _grid(present[name]) for name in schema.PANEL_INPUT_SHEETS if name in present}  # + Regions


def is_owned(sheet) -> bool:
    """Whether the tool created ``sheet`` (prefix, in any case, and marker)."""
    return sheet.name.casefold().startswith(schema.RESULT_PREFIX.casefold()) and sheet["A1"].value == MARKER


def _targets(book, names) -> dict[str, object]:
    """The existing sheets among the result sheets ``names``; stop if one of them is the user's.

    Sheet names are compared without case, as Excel does: a sheet ``DNQP_Weights`` or ``dnqp_weights``
    takes the name ``dnqp_Weights``.
    """
    present = {s.name.casefold(): s for s in book.sheets}
    found = {}
    for name in names:
        sheet = present.get(sheet_name(name).casefold())
        if sheet is not None and not is_owned(sheet):
            raise xw.XlwingsError(f"the sheet {sheet.name} was not created by dnqp, so it is left alone: rename "
                                  "or move it, then run again")
        found[name] = sheet
    return found


def literal(value):
    """A value that Excel stores as typed when written with ``Range.value`` (COM) or ``range.values`` (Office.js).

    Excel parses text written this way as if it were typed: ``=…``, ``+…``, ``-…`` and ``@…`` become
    formulas, ``1,234.5`` or ``12%`` numbers, ``TRUE`` a boolean, ``#N/A`` an error. Text that does not start
    with a letter (and TRUE/FALSE) therefore gets Excel's text prefix ``'``, which Excel keeps out of the value:
    the cell holds the text exactly. Labels and messages that carry what the user typed are never formulas.

    >>> print(literal('=HYPERLINK("http://x","y")'), literal("Weights"), literal("-"), literal(0.5))
    '=HYPERLINK("http://x","y") Weights '- 0.5
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0].isalpha() and value.strip().upper() not in ("TRUE", "FALSE"):
        return value
    return "'" + value


def write_sheets(book, sheets: dict[str, list[list]], formats: dict[str, list] | None = None) -> list[str]:
    """Write result sheets (name → values from A1), creating them or replacing their contents and formats.

    ``formats`` gives, per sheet, ``(row, column, number format)`` of cells in the same grid (0-based):
    stars and parentheses are number formats, as in the workbook ``dnqp run`` writes. They are set as
    rectangles sharing a format, all sheets' in one batch on Office.js (:mod:`dnqp.excel.number_formats`).
    """
    existing = _targets(book, sheets)
    written, blocks = [], []
    for name, rows in sheets.items():
        sheet = existing[name]
        if sheet is None:
            sheet = book.sheets.add(sheet_name(name), after=book.sheets[len(book.sheets) - 1])
        else:
            sheet.clear()  # our own sheet: the previous run's values and formats
        sheet["A1"].value = MARKER
        if rows:
            width = max(len(r) for r in rows)
            sheet.range((FIRST_ROW, 1)).value = [[literal(v) for v in r] + [None] * (width - len(r)) for r in rows]
        blocks.append((sheet, format_blocks((formats or {}).get(name, ()))))
        written.append(sheet.name)
    apply_number_formats(book, blocks, first_row=FIRST_ROW)
    return written


#: Every ribbon action by its one name (the name the VBA, the manifest and ``dnqp serve`` call), as a plain
#: function of the book: the desktop add-in and the tests call these; ``@xw.script`` exposes the same
#: functions to Office.js under the same names.
ACTIONS: dict[str, object] = {}


def _action(func):
    """A ribbon action: the engine's errors become one line in Excel's message box (never a traceback); the
    plain function goes to :data:`ACTIONS` and the module attribute is its Office.js script."""

    def run(book):
        try:
            return func(book)
        except InputError as err:
            raise xw.XlwingsError(f"{err} — Validate data lists every problem") from None
        except DnqpError as err:
            raise xw.XlwingsError(str(err)) from None
        except (xw.XlwingsError, KeyboardInterrupt):
            raise
        except Exception as err:  # noqa: BLE001 - a bug: one line in Excel's message box, never a traceback
            raise xw.XlwingsError(internal_message(err)) from None

    # Not functools.wraps: Office.js' script wrapper unwraps __wrapped__ to find the book's type hint, and
    # must find it on ``run`` itself.
    for attr in ("__name__", "__qualname__", "__doc__", "__module__", "__annotations__"):
        setattr(run, attr, getattr(func, attr))
    ACTIONS[func.__name__] = run
    return xw.script(run)


@_action
def run_analysis(book: xw.Book) -> list[str]:
    """Run the study on the template's input sheets and write the result sheets (dnqp_…); returns the sheets
    written."""
    inputs = parse_grids(read_grids(book))
    cells = {name: sheet_cells(blocks) for name, blocks in result_blocks(inputs.run(), inputs).items()}
    return write_sheets(book, {name: rows for name, (rows, _) in cells.items()},
                        {name: formats for name, (_, formats) in cells.items()})


def check_rows(book) -> list[list]:
    """The Checks sheet: every problem of the input sheets, with its cell, then the cells read from text."""
    rows = [["Kind", "Cell", "Message"]]
    try:
        inputs = parse_grids(read_grids(book))
    except InputError as err:
        rows += [["problem", p.cell, p.message] for p in err.problems]
        return rows
    except DnqpError as err:
        return rows + [["problem", "", str(err)]]
    rows += [["note", r.cell, str(r).partition(" ")[2]] for r in inputs.reports]
    rows += [["note", "", note] for note in inputs.notes]  # blank rows skipped, columns or notes ignored
    try:
        inputs.run()
    except DnqpError as err:
        rows.append(["problem", "", str(err)])
    if not any(r[0] == "problem" for r in rows[1:]):
        rows.append(["ok", "", f"no problems found (dnqp {__version__})"])
    return rows


@_action
def validate_data(book: xw.Book) -> list[str]:
    """List every problem of the input sheets, with its cell address, on the sheet dnqp_Checks."""
    return write_sheets(book, {CHECKS: check_rows(book)})


@_action
def clear_results(book: xw.Book) -> list[str]:
    """Delete the result sheets that dnqp created (never a sheet it did not create); returns their names."""
    owned = [s for s in book.sheets if is_owned(s)]
    names = [s.name for s in owned]
    if len(owned) == len(book.sheets):
        raise xw.XlwingsError("every sheet of the workbook is a dnqp result sheet: Excel needs one sheet to remain")
    for sheet in owned:
        sheet.delete()
    return names


def word_path(fullname: str) -> Path:
    """Where the Word file of the workbook saved as ``fullname`` goes: ``<stem>_results.docx`` beside it."""
    path = Path(str(fullname or ""))
    if not path.is_absolute() or not path.parent.is_dir() or path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise xw.XlwingsError(f"{path.name or 'this workbook'}: save the workbook in a folder first (Word export "
                              "writes beside it; on Excel for the web use dnqp run … --docx)")
    return path.with_name(f"{path.stem}_results.docx")


@_action
def export_word(book: xw.Book) -> Path:
    """Write the study's tables and figures as a Word file beside the saved workbook (<name>_results.docx)."""
    from ..workbook.docx import write_docx

    out = word_path(book.fullname)
    inputs = parse_grids(read_grids(book))
    result = inputs.run()
    return write_docx(result, out, inputs)  # in the language setting
