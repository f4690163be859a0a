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

__all__ = ["read_grids", "read_workbook"]


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
