"""Reading a filled template from an .xlsx file (openpyxl, read-only): the sheets' cell values.

The file is checked first (:func:`dnqp.workbook.safety.check_workbook_file`) and never written.
"""

from __future__ import annotations

import os
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


def _text_formulas(path: Path, wanted) -> dict:
    """The formula cells whose saved value is text (``t="str"``), by sheet: a saved empty string (what
    ``=IF(…,"",…)`` leaves) is then read as a blank, not as a formula without a saved value."""
    from defusedxml import ElementTree

    strings: dict[str, set] = {}
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return strings
        rels = {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        for sheet in ElementTree.fromstring(z.read("xl/workbook.xml")).iter(f"{_MAIN}sheet"):
            name, rid = sheet.get("name"), sheet.get(f"{_REL}id")
            if name not in wanted or rid not in rels:
                continue
            member = _part("xl/workbook.xml", rels[rid])
            if member not in names:
                continue
            cells = set()
            with z.open(member) as f:
                for _, el in ElementTree.iterparse(f):
                    if el.tag == f"{_MAIN}c":
                        if el.get("t") == "str" and el.find(f"{_MAIN}f") is not None and el.get("r"):
                            from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

                            letters, row = coordinate_from_string(el.get("r"))
                            cells.add((row - 1, column_index_from_string(letters) - 1))
                        el.clear()
            strings[name] = cells
    return strings


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


def read_grids(path: str | os.PathLike) -> Grids:
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
        sheets = {norm_key(s.sheet) for s in (schema.INDICATORS, schema.DATA, schema.VARIABLES, schema.MODEL,
                                              schema.SETTINGS, schema.REGIONS)}
        wanted = [name for name in values.sheetnames if norm_key(name) in sheets]  # near misses too: named
        grids = Grids(tables=_tables(path))
        candidates: dict[str, list] = {}
        for name in wanted:
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
                        candidates.setdefault(name, []).append((i, j, str(cell.value)))
            grids[name] = grid
        strings = _text_formulas(path, set(candidates)) if candidates else {}
        for name, found in candidates.items():
            for i, j, formula in found:
                if (i, j) not in strings.get(name, ()):  # else a saved empty string (=IF(…,"",…)): blank
                    grids[name][i][j] = UncomputedFormula(formula)
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
