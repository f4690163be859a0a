"""Workbook files: reading a filled template (openpyxl), writing templates and results (XlsxWriter).

A thin shell around the pure :mod:`dnqp.workbook.grid`, :mod:`dnqp.workbook.template` and :mod:`dnqp.workbook.blocks`. The input
workbook is only ever opened for reading; every file is written to a temporary file in the target's
folder and moved into place with :func:`os.replace`, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import glob
import math
import os
import re
import secrets
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from defusedxml import DefusedXmlException as _DefusedXmlException

from . import schema
from .formulas import ANALYSIS_SHEETS, FORMULA_ROW, TITLE_ROW, analysis_formulas
from ..errors import DataError
from .safety import MAX_CELLS, MAX_ROWS, check_workbook_file
from .grid import StudyInputs, UncomputedFormula, parse_grids
from .blocks import RESULT_SHEETS, Block, place, result_blocks
from ..engine.study import StudyResult

__all__ = ["read_grids", "read_workbook", "read_printed_sheet", "write_template", "write_results", "atomic_path", "same_file",
           "is_results_workbook", "RESULTS_KEYWORD", "PARTIAL_SUFFIX"]

#: Fixed document date, so that generating a template twice gives the same file.
_CREATED = _dt.datetime(2026, 1, 1, 0, 0, 0)
#: Keyword in a results workbook's properties: the only existing file ``dnqp run`` overwrites.
RESULTS_KEYWORD = "dnqp-results"
# use_future_functions: Excel 365 functions (XMATCH, …) get the _xlfn. prefix Excel needs to recognise them.
_WB_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
               "use_future_functions": True}
_INPUT_FILL = "#FFF2CC"
_RULE = "#000000"
_PALETTE = ["#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF9000", "#2E75B6", "#A50021", "#3B3838"]


# --------------------------------------------------------------------------------------------- reading
def _read_failed(path: Path, err: Exception) -> DataError:
    name = type(err).__name__
    cause: BaseException | None = err
    while cause is not None and not isinstance(cause, _DefusedXmlException):  # openpyxl wraps it in a ValueError
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return DataError(f"{path}: the workbook's XML declares entities, which Excel never writes: refused "
                         "(an XML entity bomb?)")
    return DataError(f"{path}: the workbook is damaged or not an Excel .xlsx workbook ({name})")


def _rows(ws, path: Path, name: str, values_only: bool) -> Iterator:
    """The rows of a read-only sheet, refusing one beyond :data:`MAX_ROWS` rows or :data:`MAX_CELLS` cells."""
    cells = 0
    for i, row in enumerate(ws.iter_rows(values_only=values_only)):
        cells += len(row)
        if i >= MAX_ROWS or cells > MAX_CELLS:
            raise DataError(f"{path}: the sheet {name} has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells "
                            f"(row {i + 1:,} reached): delete what is below or beside the template's tables")
        yield row


def read_grids(path: str | os.PathLike) -> dict[str, list[list]]:
    """The cell values of the template's input sheets, first row and column = A1.

    Values are the ones Excel saved (``data_only``); a formula cell without a saved value becomes an
    :class:`~dnqp.workbook.grid.UncomputedFormula`. The file is opened read-only and never written. It is first
    checked by :func:`dnqp.workbook.safety.check_workbook_file` (encrypted, truncated, not a workbook, zip or XML
    bombs), and each sheet is read row by row up to :data:`~dnqp.workbook.safety.MAX_ROWS` rows and
    :data:`~dnqp.workbook.safety.MAX_CELLS` cells.
    """
    import openpyxl

    path = Path(path)
    check_workbook_file(path)
    values = formulas = None
    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
        grids = {}
        wanted = {s.sheet for s in (schema.INDICATORS, schema.DATA, schema.VARIABLES, schema.MODEL,
                                    schema.SETTINGS)}
        for name in values.sheetnames:
            if name not in wanted:
                continue
            ws_v, ws_f = values[name], formulas[name]
            ws_v.reset_dimensions()
            ws_f.reset_dimensions()
            grid = [list(r) for r in _rows(ws_v, path, name, True)]
            for i, row in enumerate(_rows(ws_f, path, name, False)):
                for cell in row:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    j = cell.column - 1
                    if i < len(grid) and j < len(grid[i]) and grid[i][j] is None:
                        grid[i][j] = UncomputedFormula(str(cell.value))
            grids[name] = grid
        return grids
    except DataError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, AttributeError,
            IndexError, SyntaxError) as err:  # ParseError is a SyntaxError; defusedxml's errors are ValueErrors
        raise _read_failed(path, err) from None
    except Exception as err:  # openpyxl raises its own InvalidFileException for other file types
        if type(err).__name__ == "InvalidFileException":
            raise _read_failed(path, err) from None
        raise
    finally:
        for wb in (values, formulas):
            if wb is not None:
                wb.close()


def read_workbook(path: str | os.PathLike) -> StudyInputs:
    """Read and check a filled template: :func:`read_grids` then :func:`dnqp.workbook.grid.parse_grids`."""
    return parse_grids(read_grids(path))


def read_printed_sheet(path: str | os.PathLike, sheet: str | None = None) -> list[list[str | None]]:
    """One sheet (default: the first) as the text Excel shows: each number through its cell's number format
    (:func:`dnqp.workbook.numfmt.format_value`), so 0.014 formatted 0.0000 reads as "0.0140". For
    :func:`dnqp.engine.audit.audit_table`. Checked and bounded as :func:`read_grids`."""
    import openpyxl

    from .numfmt import format_value

    path = Path(path)
    check_workbook_file(path)
    wb = None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        if sheet is not None and sheet not in wb.sheetnames:
            raise DataError(f"{path} has no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})")
        name = sheet or wb.sheetnames[0]
        ws = wb[name]
        ws.reset_dimensions()
        return [[None if getattr(c, "value", None) is None else
                 format_value(c.value, getattr(c, "number_format", None)) for c in row]
                for row in _rows(ws, path, name, False)]
    except DataError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, AttributeError,
            IndexError, SyntaxError) as err:
        raise _read_failed(path, err) from None
    finally:
        if wb is not None:
            wb.close()


# ---------------------------------------------------------------------------------------------- files
def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name the same file (after resolving links, or by identity if both exist)."""
    a, b = Path(a), Path(b)
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


#: The ending of a file being written: ``.<name>.<pid>.<random>.dnqp-partial`` beside its target. Never
#: ``.xlsx``, so a file left by a killed run cannot be taken for results.
PARTIAL_SUFFIX = ".dnqp-partial"


def _partial_pid(path: Path) -> int | None:
    parts = path.name.split(".")
    return int(parts[-3]) if len(parts) >= 4 and parts[-3].isdigit() else None


def _sweep_partials(target: Path) -> None:
    """Delete files left by runs that were killed while writing ``target`` (their process is gone; POSIX only)."""
    if os.name != "posix":
        return
    for p in target.parent.glob(f".{glob.escape(target.name)}.*{PARTIAL_SUFFIX}"):
        pid = _partial_pid(p)
        if pid is None or pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                p.unlink()
        except OSError:
            pass  # alive (another user's process): leave its file alone


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[str]:
    """A temporary path in ``target``'s folder, moved onto ``target`` if the block succeeds.

    The file is flushed to disk before the move, and deleted if the block fails; a run killed outright
    leaves a hidden ``….dnqp-partial`` file, which the next write of the same target deletes.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_partials(target)
    tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(8)}{PARTIAL_SUFFIX}"
    try:  # from before the file exists: Ctrl-C or SIGTERM at any moment still deletes it
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the usual permissions (umask)
        yield str(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        try:
            os.replace(tmp, target)
        except PermissionError:
            raise DataError(f"{target} cannot be replaced: it is open in another program (Excel keeps the files "
                            "it has open locked) or read-only; close it, or write elsewhere with -o") from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def is_results_workbook(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a workbook that ``dnqp run`` wrote (so it may be replaced)."""
    import openpyxl

    try:
        check_workbook_file(path)
        wb = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # noqa: BLE001 - anything unreadable is not ours
        return False
    try:
        return RESULTS_KEYWORD in (wb.properties.keywords or "")
    finally:
        wb.close()


def _workbook(path: str, title: str, keywords: str = ""):
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, _WB_OPTIONS)
    wb.set_properties({"title": title, "author": "dnqp", "company": "", "keywords": keywords,
                       "comments": "Written by dnqp", "created": _CREATED})
    return wb


def _write(ws, r: int, c: int, value, fmt=None) -> None:
    """Write one cell by its Python type: text always as text (a label "=1+1" stays text)."""
    if value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    else:
        ws.write_number(r, c, value, fmt)


# ------------------------------------------------------------------------------------------- template
def _table(ws, spec: schema.TableSpec, grid_rows: list[list], c0: int, formats: dict, col_formats: list) -> None:
    """An Excel Table at the spec's anchor: header from the grid's first row, body written cell by cell."""
    header = []
    while c0 + len(header) < len(grid_rows[0]) and grid_rows[0][c0 + len(header)] is not None:
        header.append(grid_rows[0][c0 + len(header)])
    n = len(header)
    body = [r[c0:c0 + n] for r in grid_rows[1:] if any(v is not None for v in r[c0:c0 + n])]
    last = max(len(body), 1)
    ws.add_table(0, c0, last, c0 + n - 1, {
        "name": spec.name, "style": "Table Style Light 1",
        "columns": [{"header": h, "header_format": formats["header"]} for h in header],
    })
    for i, row in enumerate(body, start=1):
        for j, v in enumerate(row):
            _write(ws, i, c0 + j, v, col_formats[j])


def _template_formats(wb) -> dict:
    base = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "border_color": "#8EA9DB",
                                 "text_wrap": True, "valign": "top"}),
        "input": wb.add_format({**base, "bg_color": _INPUT_FILL}),
        "input_left": wb.add_format({**base, "bg_color": _INPUT_FILL, "align": "left"}),
        "input_center": wb.add_format({**base, "bg_color": _INPUT_FILL, "align": "center"}),
        "year": wb.add_format({**base, "bg_color": _INPUT_FILL, "num_format": "0", "bold": True}),
        "number": wb.add_format({**base, "bg_color": _INPUT_FILL, "num_format": "General"}),
        "fixed": wb.add_format({**base, "font_color": "#595959", "italic": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "note": wb.add_format({"italic": True, "font_color": "#C00000", "text_wrap": True, "valign": "top"}),
        "bold": wb.add_format({"bold": True, "bottom": 1}),
        "bold_plain": wb.add_format({"bold": True}),
        "note_line": wb.add_format({"italic": True, "font_color": "#595959"}),
    }


def _lines(text, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (CJK counts double)."""
    import unicodedata

    if not isinstance(text, str):
        return 1
    n = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return max(1, math.ceil(n / max(width - 2, 1)))


def _guide_sheet(wb, rows: list[list], f: dict) -> None:
    ws = _sheet(wb, schema.GUIDE_SHEET)
    widths = (14, 70, 60)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    _write(ws, 0, 0, rows[0][0], f["title"])
    for r in range(1, len(rows)):
        row = rows[r]
        if r == 3:
            for c, v in enumerate(row):
                _write(ws, r, c, v, f["bold"])
        elif row[0] is not None and all(v is None for v in row[1:]):  # a sentence across the page
            ws.merge_range(r, 0, r, len(widths) - 1, row[0], f["note"] if r == 1 else f["wrap"])
            ws.set_row(r, 15 * _lines(row[0], sum(widths)) + 3)
        elif any(v is not None for v in row):
            for c, v in enumerate(row):
                _write(ws, r, c, v, f["wrap"])
            ws.set_row(r, 15 * max(_lines(v, w) for v, w in zip(row, widths)) + 3)
    ws.activate()


def _page(ws, landscape: bool = True) -> None:
    """Print (and PDF) setup: A4, one page wide."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _sheet(wb, name: str):
    ws = wb.add_worksheet(name)
    _page(ws)
    return ws


def _validate(ws, r0, c0, r1, c1, **options) -> None:
    ws.data_validation(r0, c0, r1, c1, options)


def write_template(path: str | os.PathLike, sample: bool = False) -> Path:
    """Write the blank template (or, with ``sample``, the filled illustrative sample) to ``path``."""
    from .template import template_grids

    grids = template_grids(sample)
    path = Path(path)
    extra = 200  # validation also covers rows the analyst adds below each table
    with atomic_path(path) as tmp:
        wb = _workbook(tmp, "dnqp sample workbook (illustrative data)" if sample else "dnqp workbook template")
        f = _template_formats(wb)
        _guide_sheet(wb, grids[schema.GUIDE_SHEET], f)

        ws = _sheet(wb, schema.INDICATORS.sheet)
        rows = grids[schema.INDICATORS.sheet]
        _table(ws, schema.INDICATORS, rows, 0, f, [f["input_center"], f["input"], f["input"], f["input"],
                                                   f["input"], f["input_center"]])
        _table(ws, schema.DIMENSIONS, rows, 8, f, [f["input"], f["input"]])
        _table_widths(ws, [(0, 7), (1, 58), (2, 34), (3, 16), (4, 30), (5, 10), (6, 3), (7, 3), (8, 34), (9, 10)])
        _validate(ws, 1, 5, extra, 5, validate="list", source=["+", "\u2212"], error_type="warning",
                  input_title="Direction", input_message="+ benefit (larger is better), − cost (smaller is better). "
                  "Also accepted: -, 1/-1, benefit/cost, 正向/负向.",
                  error_message="Use + or −; also accepted: -, 1/-1, benefit/cost, 正向/负向.")
        ws.freeze_panes(1, 0)

        for spec, what in ((schema.DATA, "indicator"), (schema.VARIABLES, "variable")):
            ws = _sheet(wb, spec.sheet)
            rows = grids[spec.sheet]
            n = len(rows[0])
            _table(ws, spec, rows, 0, f, [f["year"]] + [f["number"]] * (n - 1))
            _table_widths(ws, [(0, 8)] + [(j, 12) for j in range(1, n)])
            _validate(ws, 1, 0, extra, 0, validate="integer", criteria="between", minimum=1800, maximum=2200,
                      input_title="Year", input_message="One row per year, e.g. 2014.")
            _validate(ws, 1, 1, extra, n - 1, validate="decimal", criteria="between", minimum=-1e300, maximum=1e300,
                      error_type="warning", input_title=f"{what.capitalize()} value",
                      input_message="A number as published. Missing: leave blank, or type NA or #N/A.",
                      error_message="Not a number. A missing value is left blank or typed NA or #N/A.")
            ws.freeze_panes(1, 1)

        ws = _sheet(wb, schema.MODEL.sheet)
        _table(ws, schema.MODEL, grids[schema.MODEL.sheet], 0, f,
               [f["input"], f["input_center"], f["input_center"], f["input"], f["input"]])
        _table_widths(ws, [(0, 12), (1, 12), (2, 11), (3, 13), (4, 50)])
        _validate(ws, 1, 1, extra, 1, validate="list", source=["dependent", "control"],
                  input_title="Role", input_message="dependent (exactly one) or control")
        _validate(ws, 1, 2, extra, 2, validate="list", source=["ln", "none"],
                  input_title="Transform", input_message="ln: natural logarithm; none: as typed")
        ws.freeze_panes(1, 0)

        _settings_sheet(wb, grids[schema.SETTINGS.sheet], f)
        for name, web in ANALYSIS_SHEETS.items():
            _analysis_sheet(wb, name, analysis_formulas(grids, web), web, f)
        wb.close()
    return path


def _analysis_note(web: bool) -> str:
    how = ("Office.js custom functions of dnqp serve (Excel on the web, Mac or Windows), shown as "
           "DNQP.ENTROPY_WEIGHTS(…)" if web else "the desktop dnqp add-in (xlwings), ENTROPY_WEIGHTS(…)")
    other = "Analysis" if web else "Analysis (web)"
    return (f"Live formulas over the input tables, with {how}; keep this sheet or {other!r}, whichever matches "
            "your add-in (the other shows #NAME?). They spill in Excel 365 and follow the tables as rows are "
            "added. They use min–max standardisation, the default interval and stars, and the Newey–West "
            "rule for HAC lags; impute, shift, convention, cov and index_label come from Settings. "
            "dnqp run and Run analysis honour every setting.")


def _analysis_sheet(wb, name: str, formulas, web: bool, f: dict) -> None:
    """An Analysis sheet: block titles, then each formula as a dynamic array over its spill range."""
    ws = _sheet(wb, name)
    _write(ws, 0, 0, "dnqp live formulas" + (" (Office.js)" if web else " (desktop add-in)"), f["title"])
    _write(ws, 1, 0, _analysis_note(web), f["note_line"])
    ws.set_column(0, max(x.col + x.cols for x in formulas), 11)
    for x in formulas:
        if x.title:
            _write(ws, TITLE_ROW, x.col, x.title, f["bold_plain"])
        ws.write_dynamic_array_formula(x.ref, x.text)
    ws.freeze_panes(FORMULA_ROW, 0)


def _table_widths(ws, widths) -> None:
    for c, w in widths:
        ws.set_column(c, c, w)


def _settings_sheet(wb, rows: list[list], f: dict) -> None:
    ws = _sheet(wb, schema.SETTINGS.sheet)
    _table(ws, schema.SETTINGS, rows, 0, f, [f["fixed"], f["input_left"], f["fixed"], f["fixed"]])
    _table_widths(ws, [(0, 13), (1, 17), (2, 30), (3, 100)])
    lists_col = 11  # hidden columns L… hold the validation lists (a list item may contain commas)
    for i, row in enumerate(rows[1:], start=1):
        name = row[0]
        choices = schema.SETTING_CHOICES[name]
        if choices:
            col = lists_col + i - 1
            _write(ws, 0, col, name)
            for k, choice in enumerate(choices, start=1):
                _write(ws, k, col, choice)
            ws.set_column(col, col, 16, None, {"hidden": True})
            ref = f"=${_letter(col)}$2:${_letter(col)}${len(choices) + 1}"
            _validate(ws, i, 1, i, 1, validate="list", source=ref, input_title=name,
                      input_message="Pick a value from the list.")
        elif name == "maxlags":
            _validate(ws, i, 1, i, 1, validate="integer", criteria=">=", value=0, ignore_blank=True,
                      input_title=name, input_message="A whole number of lags, or blank for the rule of thumb.")
        elif name != "index_label":
            _validate(ws, i, 1, i, 1, validate="decimal", criteria="between", minimum=-1e300, maximum=1e300,
                      input_title=name, input_message="A number.")
    ws.freeze_panes(1, 0)


def _letter(col: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(col)


# -------------------------------------------------------------------------------------------- results
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
    _write(ws, r0, 0, b.title, fm(bold=True, font_size=11))
    r = r0 + 1
    for h, hrow in enumerate(b.header):
        for c in range(w):
            v = hrow[c] if c < len(hrow) else None
            props = {"bold": True, "align": align(c), "valign": "bottom"}
            if h == 0:
                props.update(top=2, top_color=_RULE)
            if h == len(b.header) - 1:
                props.update(bottom=1, bottom_color=_RULE)
            _write(ws, r, c, v, fm(**props))
        r += 1
    for i, brow in enumerate(b.body):
        fmts = b.formats[i] if i < len(b.formats) else []
        for c in range(w):
            v = brow[c] if c < len(brow) else None
            props = {"align": align(c)}
            nf = fmts[c] if c < len(fmts) else None
            if nf:
                props["num_format"] = nf
            if i == len(b.body) - 1:
                props.update(bottom=2, bottom_color=_RULE)
            _write(ws, r, c, v, fm(**props))
        r += 1
    for note in b.notes:
        _write(ws, r, 0, note, fm(italic=True, font_size=9))
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


def _col(ws_name: str, c: int, r0: int, r1: int, c1: int | None = None) -> str:
    from xlsxwriter.utility import xl_range_abs

    return f"='{ws_name}'!{xl_range_abs(r0, c, r1, c if c1 is None else c1)}"


def _chart_text(text: str) -> str:
    """A chart title that stays text: XlsxWriter takes a title like ``…Sheet!A1…`` for a cell reference (a
    user's label could make it one), so a zero-width space goes after each "!" then."""
    return text.replace("!", "!\u200b") if re.match(r"^=?[^!]+!\$?[A-Z]+\$?\d+", text) else text


def _chart_index(wb, ws, name: str, r0: int, b: Block, anchor: tuple[int, int]) -> None:
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
    chart.set_title({"name": _chart_text(f"{b.header[0][1]} index and sub-indices, {b.body[0][0]}–{b.body[-1][0]}"),
                     "name_font": {"size": 11}})
    chart.set_x_axis({"name": "Year", "num_font": {"rotation": -45}})
    chart.set_y_axis({"name": "Score", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
                      "num_format": "0.00"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 360})
    ws.insert_chart(*anchor, chart)


def _chart_weights(wb, ws, name: str, r0: int, b: Block, anchor: tuple[int, int]) -> None:
    chart = wb.add_chart({"type": "column"})
    first, last = r0 + 1 + len(b.header), r0 + len(b.header) + len(b.body)
    dims, k, colors = [], -1, []
    for row in b.body:
        if row[0] is not None:
            dims.append(row[0])
            k += 1
        colors.append(_PALETTE[k % len(_PALETTE)])
    chart.add_series({
        "name": "Weight w",
        "categories": _col(name, 0, first, last, 1),  # two levels: dimension, then code
        "values": _col(name, 6, first, last),
        "points": [{"fill": {"color": c}, "border": {"none": True}} for c in colors],
        "data_labels": {"value": True, "num_format": "0.000", "font": {"size": 7}},
        "gap": 60,
    })
    chart.set_title({"name": "Indicator weights by dimension", "name_font": {"size": 11}})
    chart.set_y_axis({"name": "Entropy weight", "num_format": "0.00",
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 720, "height": 380})
    ws.insert_chart(*anchor, chart)


def _chart_coefficients(wb, ws, name: str, r0: int, b: Block, anchor: tuple[int, int]) -> None:
    """Coefficients (diamonds) with their 95% intervals: bounds as dashes joined by high-low lines."""
    first = r0 + 1 + len(b.header)
    last = first + sum(row[0] != "_cons" for row in b.body) - 1  # _cons (the last row) is left out
    chart = wb.add_chart({"type": "line"})
    for c, label, marker in ((5, "Lower 95% bound", "dash"), (1, "Coefficient", "diamond"),
                             (6, "Upper 95% bound", "dash")):
        chart.add_series({
            "name": label,
            "categories": _col(name, 0, first, last),
            "values": _col(name, c, first, last),
            "line": {"none": True},
            "marker": {"type": marker, "size": 8 if c == 1 else 10,
                       "fill": {"color": _PALETTE[0 if c == 1 else 5]},
                       "border": {"color": _PALETTE[0 if c == 1 else 5]}},
        })
    chart.set_high_low_lines({"line": {"color": _PALETTE[5], "width": 1.25}})
    chart.set_title({"name": _chart_text(f"Coefficients with 95% confidence intervals ({b.header[0][0]})"),
                     "name_font": {"size": 11}})
    chart.set_y_axis({"name": "Coefficient", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"label_position": "low"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 360})
    ws.insert_chart(*anchor, chart)


def write_results(result: StudyResult, path: str | os.PathLike, inputs: StudyInputs | None = None) -> Path:
    """Write every result sheet (three-line tables, number formats, native charts) to ``path``."""
    path = Path(path)
    sheets = result_blocks(result, inputs)
    with atomic_path(path) as tmp:
        wb = _workbook(tmp, "dnqp results", RESULTS_KEYWORD)
        fm = _Formats(wb)
        for name in RESULT_SHEETS:
            blocks = sheets[name]
            ws = _sheet(wb, name)
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
                _chart_index(wb, ws, name, *by_key["index"], below)
            if "weights" in by_key:
                r0, b = by_key["weights"]
                _chart_weights(wb, ws, name, r0, b, below)
            if "baseline" in by_key:
                _chart_coefficients(wb, ws, name, *by_key["baseline"], below)
        wb.close()
    return path
