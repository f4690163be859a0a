"""Reading a printed table (a published regression table typed or pasted into a CSV file or a sheet).

:func:`read_printed_table` returns the cells as text exactly as printed, for
:func:`dnqp.engine.audit.audit_table`: a CSV file is read as text (UTF-8, with or without a BOM; comma,
semicolon or tab separated), an .xlsx sheet through its number formats
(:func:`dnqp.workbook.xlsx.read_printed_sheet`).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from ..errors import DataError
from .safety import MAX_CELLS, MAX_ROWS

__all__ = ["read_printed_table"]


def _csv_rows(path: Path) -> list[list[str | None]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a UTF-8 text file (save the CSV as UTF-8)") from None
    except OSError as err:
        raise DataError(f"{path}: cannot be read ({err.strerror or type(err).__name__})") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows, cells = [], 0
    for i, row in enumerate(csv.reader(text.splitlines(), dialect)):
        cells += len(row)
        if i >= MAX_ROWS or cells > MAX_CELLS:
            raise DataError(f"{path}: more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells: not a printed table")
        rows.append([c if c.strip() else None for c in row])
    return rows


def read_printed_table(path: str | os.PathLike, sheet: str | None = None) -> list[list[str | None]]:
    """The cells of a printed table in a .csv or .xlsx file, as text (blank cells None).

    ``sheet`` picks a sheet of a workbook (default: the first).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        if sheet is not None:
            raise DataError(f"{path}: a CSV file has no sheets (drop --sheet)")
        return _csv_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        from .xlsx import read_printed_sheet

        return read_printed_sheet(path, sheet)
    raise DataError(f"{path}: a printed table must be a .csv or .xlsx file")
