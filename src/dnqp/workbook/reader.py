"""Reading a filled template from an .xlsx file: the sheets' cell values.

The file is checked first (:func:`dnqp.workbook.safety.check_workbook_file`) and never written. The values
are read with python-calamine (Rust); the formula and error cells it does not report, and the Excel Tables'
ranges, from the sheets' XML. openpyxl reads only :func:`read_printed_sheet` (it needs the number formats).
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from ..errors import DataError
from .safety import MAX_CELLS, MAX_ROWS, check_workbook_file
from .grid import StudyInputs, UncomputedFormula, parse_grids
from .sheetvalues import (_MAIN, Grids, Reading, _dimension, _read_failed, _scan, _sheet_parts, _tables, _too_big,
                          start_reading)

__all__ = ["Grids", "read_grids", "read_workbook", "read_printed_sheet"]


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


def _rows(ws, path: Path, name: str, values_only: bool) -> Iterator:
    """The rows of a read-only sheet, refusing one beyond :data:`MAX_ROWS` rows or :data:`MAX_CELLS` cells."""
    cells = 0
    for i, row in enumerate(ws.iter_rows(values_only=values_only)):
        cells += len(row)
        if i >= MAX_ROWS or cells > MAX_CELLS:
            raise DataError(_too_big(path, name, i + 1))
        yield row


def read_grids(path: str | os.PathLike, reading: Reading | None = None) -> Grids:
    """The cell values of the template's input sheets, first row and column = A1.

    Values are the ones Excel saved; a formula cell without a saved value becomes an
    :class:`~dnqp.workbook.grid.UncomputedFormula`, an error cell its text (``#N/A``). The file is opened
    read-only and never written. It is first checked by :func:`dnqp.workbook.safety.check_workbook_file`
    (encrypted, truncated, not a workbook, zip or XML bombs); then the values are read with python-calamine
    (a Rust reader, many times openpyxl's speed), each sheet at most :data:`~dnqp.workbook.safety.MAX_ROWS`
    rows and :data:`~dnqp.workbook.safety.MAX_CELLS` cells. calamine gives a formula without a saved value and
    an error cell as blank, so a sheet with a blank cell in its range (or a saved range larger than calamine's)
    is also scanned for those cells; the Excel Tables' ranges come from their XML parts.

    ``reading`` is the :func:`~dnqp.workbook.sheetvalues.start_reading` of ``path`` if it was started earlier
    (``dnqp run`` starts it before the engine's libraries load); by default it starts here.
    """
    from python_calamine import CalamineError

    path = Path(path)
    try:
        if reading is None:
            reading = start_reading(path)
        sheets = reading.result()
        with zipfile.ZipFile(path) as z:
            grids = Grids(tables=_tables(z))
            parts = _sheet_parts(z, set(sheets))
            for name, (grid, blank) in sheets.items():
                grids[name] = grid
                member = parts.get(name)
                if member is None:
                    continue
                saved = None if blank else _dimension(z, member)
                width = len(grid[0]) if grid else 0
                special: dict = {}
                if saved is not None and saved[0] <= max(len(grid), 1) and saved[1] <= max(width, 1):
                    rows = saved[0]  # every cell of the saved range has a value: nothing to look for
                else:
                    found, rows = _scan(z, member)
                    if found:
                        special = _special_cells(z, member, path, name)
                rows = min(rows, MAX_ROWS)
                if grid and rows > len(grid):  # trailing blank rows, as openpyxl gave them
                    grid.extend([None] * width for _ in range(rows - len(grid)))
                for (i, j), cell in special.items():
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


def read_workbook(path: str | os.PathLike, reading: Reading | None = None) -> StudyInputs:
    """Read and check a filled template: :func:`read_grids` then :func:`dnqp.workbook.grid.parse_grids`."""
    return parse_grids(read_grids(path, reading))


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
