"""Reading a filled template from an .xlsx file: the sheets' cell values.

The file is checked first (:func:`dnqp.workbook.safety.check_workbook_file`) and never written. The values
are read with python-calamine (Rust); the formula and error cells it does not report, and the Excel Tables'
ranges, from the sheets' XML. openpyxl reads only :func:`read_printed_sheet` (it needs the number formats).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from defusedxml import DefusedXmlException as _DefusedXmlException

from . import schema
from ..errors import DataError
from .safety import MAX_CELLS, MAX_ROWS, check_workbook_file
from .grid import StudyInputs, UncomputedFormula, parse_grids
from ..engine.checks import norm_key

__all__ = ["Grids", "read_grids", "read_workbook", "read_printed_sheet"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


class Grids(dict):
    """Sheet name → 2-D list of cell values, plus ``tables``: each Excel Table's range by its name (as
    :func:`dnqp.engine.checks.norm_key` spells it), 0-based ``(first row, first column, last row, last
    column)``, so the reader can use the Table's own range."""

    def __init__(self, grids=(), tables=None):
        super().__init__(grids)
        self.tables = dict(tables or {})


def _ref(ref: str) -> tuple[int, int, int, int] | None:
    from openpyxl.utils.cell import range_boundaries

    try:
        c0, r0, c1, r1 = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    return r0 - 1, c0 - 1, r1 - 1, c1 - 1


def _part(base: str, target: str) -> str:
    """A relationship target as a zip member name."""
    if target.startswith("/"):
        return target[1:]
    parts = base.rsplit("/", 1)[0].split("/") if "/" in base else []
    for p in target.split("/"):
        if p == "..":
            parts = parts[:-1]
        elif p and p != ".":
            parts.append(p)
    return "/".join(parts)


def _tables(path: Path) -> dict:
    """Every Excel Table's range by its name (openpyxl's read-only mode does not give them)."""
    from defusedxml import ElementTree

    tables: dict[str, tuple] = {}
    with zipfile.ZipFile(path) as z:
        for member in z.namelist():
            if member.startswith("xl/tables/") and member.endswith(".xml"):
                root = ElementTree.fromstring(z.read(member))
                ref = _ref(root.get("ref", ""))
                for key in {root.get("name"), root.get("displayName")} - {None}:
                    if ref is not None:
                        tables[norm_key(key)] = ref
    return tables


#: A formula (``<f>``) or an error cell (``t="e"``) somewhere in a sheet's XML: python-calamine gives neither (a
#: formula's saved value only, an error cell as blank), so only a sheet that has one is parsed again. A document
#: type declaration is looked for too: calamine ignores entities, defusedxml then refuses them (the second line
#: of defence after :func:`~dnqp.workbook.safety.check_workbook_file`'s prolog scan). Plain byte searches (a
#: false alarm, such as a ``<filterColumn>``, only costs the parse): a regex takes seconds on 60 MB.
_SPECIAL = (b"</f>", b"<f ", b":f>", b":f ", b'"e"', b"'e'", b"<!")  # <f>…</f>, <f t="shared" …/>, x:f, t="e", <!DOCTYPE
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\br=[\"'](\d+)[\"']")
_CHUNK = 1 << 20


def _sheet_parts(z: zipfile.ZipFile, wanted=None) -> dict[str, str]:
    """Sheet name → its zip member, for the sheets in ``wanted`` (None: every sheet)."""
    from defusedxml import ElementTree

    names = set(z.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    rels = {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    parts = {}
    for sheet in ElementTree.fromstring(z.read("xl/workbook.xml")).iter(f"{_MAIN}sheet"):
        name, rid = sheet.get("name"), sheet.get(f"{_REL}id")
        if (wanted is None or name in wanted) and rid in rels and _part("xl/workbook.xml", rels[rid]) in names:
            parts[name] = _part("xl/workbook.xml", rels[rid])
    return parts


def _has_special(z: zipfile.ZipFile, member: str, needles: tuple[bytes, ...] = _SPECIAL) -> bool:
    """Whether the part has a formula, an error cell or a DTD: one pass over the inflated bytes, no XML parsing."""
    return _scan(z, member, needles)[0]


def _scan(z: zipfile.ZipFile, member: str, needles: tuple[bytes, ...] = _SPECIAL) -> tuple[bool, int]:
    """(whether the part has one of ``needles``, the number of its last ``<row>``): one pass over the inflated
    bytes. calamine's range ends at the last cell with a value; openpyxl also gave the blank rows after it
    (a cleared last row of an Excel Table), which the table scanner reports as skipped."""
    tail, last, found = b"", b"", False
    with z.open(member) as f:
        while chunk := f.read(_CHUNK):
            block = tail + chunk
            found = found or any(n in block for n in needles)
            last = last[-_CHUNK:] + chunk  # the last row's tag may start in the chunk before
            tail = chunk[-16:]
    rows = _ROW.findall(last)
    return found, max(map(int, rows), default=0)


def _refuse_entities(z: zipfile.ZipFile) -> None:
    """The shared strings, if they declare a DTD, parsed by defusedxml: it raises on an entity declaration."""
    from defusedxml import ElementTree

    for member in z.namelist():
        if member.lower().endswith("sharedstrings.xml") and _has_special(z, member, _DTD):
            with z.open(member) as f:
                for _ in ElementTree.iterparse(f):
                    pass


def _special_cells(z: zipfile.ZipFile, member: str, path: Path, name: str) -> dict:
    """(row, column) → ``("f", formula, type, has value)`` or ``("e", error text)`` for the formula and error
    cells of one sheet (0-based, as in A1 = (0, 0)). Shared formulas are spelled out as openpyxl does."""
    from defusedxml import ElementTree
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    found: dict = {}
    shared: dict[str, tuple] = {}
    row = col = -1
    with z.open(member) as f:
        for event, el in ElementTree.iterparse(f, events=("start", "end")):
            tag = el.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "row":
                    row = int(el.get("r")) - 1 if el.get("r") else row + 1
                    col = -1
                    if row >= MAX_ROWS:
                        raise DataError(_too_big(path, name, row + 1))
                continue
            if tag != "c":
                if tag == "row":
                    el.clear()
                continue
            ref = el.get("r")
            if ref:
                letters, number = coordinate_from_string(ref)
                row, col = number - 1, column_index_from_string(letters) - 1
            else:
                col += 1
            kind = el.get("t")
            v = el.find(f"{_MAIN}v")
            fe = el.find(f"{_MAIN}f")
            if kind == "e" and v is not None and v.text:
                found[(row, col)] = ("e", v.text)
            elif fe is not None:
                text = fe.text or ""
                if fe.get("t") == "shared" and fe.get("si") is not None:
                    if text:
                        shared[fe.get("si")] = (text, ref)
                    elif fe.get("si") in shared and ref:
                        from openpyxl.formula.translate import Translator

                        master, origin = shared[fe.get("si")]
                        text = Translator(f"={master}", origin).translate_formula(ref)[1:]
                found[(row, col)] = ("f", f"={text}", kind, v is not None and bool(v.text))
    return found


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
            raise DataError(_too_big(path, name, i + 1))
        yield row


def _too_big(path: Path, name: str, reached: int) -> str:
    return (f"{path}: the sheet {name} has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells "
            f"(row {reached:,} reached): delete what is below or beside the template's tables")


def _values(sheet, path: Path, name: str) -> list[list]:
    """A calamine sheet as rows of Python values from A1: None for a blank, a datetime for a date (as openpyxl
    gave them). Numbers are floats, as xlwings sends them to the ribbon's reader (openpyxl gave 2014 as an int)."""
    end = sheet.end
    if end is None:
        return []
    rows, cols = end[0] + 1, end[1] + 1
    if rows > MAX_ROWS or rows * cols > MAX_CELLS:
        raise DataError(_too_big(path, name, min(rows, MAX_ROWS + 1)))
    grid = sheet.to_python(skip_empty_area=False)
    for row in grid:
        types = set(map(type, row))  # one C-level pass; most rows need nothing changed
        if str in types and "" in row:
            row[:] = [None if v == "" else v for v in row]
        if _dt.date in types:
            row[:] = [_dt.datetime(v.year, v.month, v.day) if type(v) is _dt.date else v for v in row]
    return grid


def read_grids(path: str | os.PathLike) -> Grids:
    """The cell values of the template's input sheets, first row and column = A1.

    Values are the ones Excel saved; a formula cell without a saved value becomes an
    :class:`~dnqp.workbook.grid.UncomputedFormula`, an error cell its text (``#N/A``). The file is opened
    read-only and never written. It is first checked by :func:`dnqp.workbook.safety.check_workbook_file`
    (encrypted, truncated, not a workbook, zip or XML bombs); then the values are read with python-calamine
    (a Rust reader, many times openpyxl's speed), each sheet at most :data:`~dnqp.workbook.safety.MAX_ROWS`
    rows and :data:`~dnqp.workbook.safety.MAX_CELLS` cells. A sheet with formulas or error cells (calamine
    gives neither) is also parsed for those cells alone; the Excel Tables' ranges come from their XML parts.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    path = Path(path)
    check_workbook_file(path)
    book = None
    try:
        sheets = {norm_key(s.sheet) for s in (schema.INDICATORS, schema.DATA, schema.VARIABLES, schema.MODEL,
                                              schema.SETTINGS, schema.REGIONS)}
        with zipfile.ZipFile(path) as z:  # before calamine: a DTD is refused here, by defusedxml
            _refuse_entities(z)
            special, last_rows = {}, {}
            for name, member in _sheet_parts(z, None).items():
                if norm_key(name) in sheets:
                    found, last_rows[name] = _scan(z, member)
                    if found:
                        special[name] = _special_cells(z, member, path, name)
        book = CalamineWorkbook.from_path(path)
        wanted = [name for name in book.sheet_names if norm_key(name) in sheets]  # near misses too: named
        grids = Grids(tables=_tables(path))
        for name in wanted:
            grid = grids[name] = _values(book.get_sheet_by_name(name), path, name)
            rows = min(last_rows.get(name, 0), MAX_ROWS)
            if grid and rows > len(grid):  # trailing blank rows, as openpyxl gave them
                grid.extend([None] * len(grid[0]) for _ in range(rows - len(grid)))
            for (i, j), cell in special.get(name, {}).items():
                if i >= len(grid) or j >= len(grid[i]):
                    continue
                if cell[0] == "e":
                    grid[i][j] = cell[1]
                elif grid[i][j] is None and cell[2] != "str" and not cell[3]:
                    grid[i][j] = UncomputedFormula(cell[1])  # a saved empty string (=IF(…,"",…)) stays blank
        return grids
    except DataError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, AttributeError,
            IndexError, SyntaxError, CalamineError) as err:  # ParseError is a SyntaxError; defusedxml's: ValueError
        raise _read_failed(path, err) from None
    finally:
        if book is not None:
            book.close()


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
