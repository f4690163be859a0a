"""The cell values of a workbook's input sheets, read with python-calamine, with light imports (no pandas).

:func:`start_reading` checks the file first (:func:`~dnqp.workbook.safety.check_workbook_file`, then a DTD in the
shared strings, refused by defusedxml) and then parses the input sheets in a background thread: calamine's Rust
parser releases the GIL, so ``dnqp run`` reads the workbook while the engine's libraries load.
:func:`dnqp.workbook.reader.read_grids` waits for the values and adds what calamine does not give (formulas
without a saved value, error cells, trailing blank rows, the Excel Tables' ranges).

>>> _ref("$B$2:D10"), _ref("C3"), _ref("not a range")
((1, 1, 9, 3), (2, 2, 2, 2), None)
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import threading
import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException as _DefusedXmlException

from . import schema
from ..engine.cells import norm_key
from ..errors import DataError
from .safety import MAX_CELLS, MAX_ROWS, check_workbook_file

__all__ = ["Grids", "Reading", "start_reading", "INPUT_SHEETS"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: The input sheets' names, as :func:`~dnqp.engine.cells.norm_key` spells them (a near miss is matched too).
INPUT_SHEETS = frozenset(norm_key(s.sheet) for s in (schema.INDICATORS, schema.DATA, schema.VARIABLES, schema.MODEL,
                                                      schema.SETTINGS, schema.REGIONS))
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


class Grids(dict):
    """Sheet name → 2-D list of cell values, plus ``tables``: each Excel Table's range by its name (as
    :func:`dnqp.engine.checks.norm_key` spells it), 0-based ``(first row, first column, last row, last
    column)``, so the reader can use the Table's own range."""

    def __init__(self, grids=(), tables=None):
        super().__init__(grids)
        self.tables = dict(tables or {})


def _cell(ref: str) -> tuple[int, int] | None:
    m = _CELL.fullmatch(ref)
    if m is None or int(m[2]) < 1:
        return None
    col = 0
    for ch in m[1].upper():
        col = col * 26 + ord(ch) - 64
    return int(m[2]) - 1, col - 1


def _ref(ref: str) -> tuple[int, int, int, int] | None:
    """An A1 range (``B2:D10``, ``$B$2:$D$10`` or one cell) as 0-based (first row, first column, last row, last
    column); None if it is not one."""
    ends = [_cell(p) for p in ref.split(":")] if isinstance(ref, str) and ref.count(":") <= 1 else [None]
    if None in ends:
        return None
    (r0, c0), (r1, c1) = ends[0], ends[-1]
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def _tables(z: zipfile.ZipFile) -> dict:
    """Every Excel Table's range by its name (calamine and openpyxl's read-only mode do not give them)."""
    from defusedxml import ElementTree

    tables: dict[str, tuple] = {}
    for member in z.namelist():
        if member.startswith("xl/tables/") and member.endswith(".xml"):
            root = ElementTree.fromstring(z.read(member))
            ref = _ref(root.get("ref", ""))
            for key in {root.get("name"), root.get("displayName")} - {None}:
                if ref is not None:
                    tables[norm_key(key)] = ref
    return tables


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


def _too_big(path: Path, name: str, reached: int) -> str:
    return (f"{path}: the sheet {name} has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells "
            f"(row {reached:,} reached): delete what is below or beside the template's tables")


def _values(sheet, path: Path, name: str) -> tuple[list[list], bool]:
    """A calamine sheet as rows of Python values from A1: None for a blank, a datetime for a date (as openpyxl
    gave them). Numbers are floats, as xlwings sends them to the ribbon's reader (openpyxl gave 2014 as an int).
    Also whether a cell inside the sheet's range is blank: only such a sheet can hide a formula without a saved
    value or an error cell (calamine gives both as blank)."""
    end = sheet.end
    if end is None:
        return [], False
    rows, cols = end[0] + 1, end[1] + 1
    if rows > MAX_ROWS or rows * cols > MAX_CELLS:
        raise DataError(_too_big(path, name, min(rows, MAX_ROWS + 1)))
    grid = sheet.to_python(skip_empty_area=False)
    blank = False
    for row in grid:
        types = set(map(type, row))  # one C-level pass; most rows need nothing changed
        if str in types and "" in row:
            blank = True
            row[:] = [None if v == "" else v for v in row]
        if _dt.date in types:
            row[:] = [_dt.datetime(v.year, v.month, v.day) if type(v) is _dt.date else v for v in row]
    return grid, blank


def _read_failed(path: Path, err: Exception) -> DataError:
    name = type(err).__name__
    cause: BaseException | None = err
    while cause is not None and not isinstance(cause, _DefusedXmlException):  # openpyxl wraps it in a ValueError
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return DataError(f"{path}: the workbook's XML declares entities, which Excel never writes: refused "
                         "(an XML entity bomb?)")
    return DataError(f"{path}: the workbook is damaged or not an Excel .xlsx workbook ({name})")


_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref=[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b")


def _dimension(z: zipfile.ZipFile, member: str) -> tuple[int, int] | None:
    """(rows, columns) of a sheet's ``<dimension ref>`` (the used range Excel saves before the cells), read
    from the part's first 64 KB; None when there is none before ``<sheetData>`` or it is not a range."""
    with z.open(member) as f:
        head = f.read(1 << 16)
    data = _SHEET_DATA.search(head)
    m = _DIMENSION.search(head, 0, data.start() if data else len(head))
    ref = _ref(m[1].decode("ascii", "replace")) if m else None
    return None if ref is None else (ref[2] + 1, ref[3] + 1)


class Reading:
    """The input sheets of one workbook being parsed by calamine in a background thread (:func:`start_reading`).

    The thread only parses (Rust, without the GIL); the values become Python objects in :meth:`result`, in the
    caller's thread, so that the conversion does not compete with the caller's imports for the GIL."""

    def __init__(self, path: Path):
        self.path = path
        self.sheet_names: list[str] = []
        self._named = threading.Event()
        self._book = None
        self._sheets: dict = {}
        self._values: dict[str, tuple[list[list], bool]] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, name="dnqp-read", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        from python_calamine import CalamineWorkbook

        try:
            self._book = CalamineWorkbook.from_path(os.fspath(self.path))
            self.sheet_names = list(self._book.sheet_names)
            self._named.set()
            for name in self.sheet_names:
                if norm_key(name) in INPUT_SHEETS:  # near misses too: the parser names them
                    self._sheets[name] = self._book.get_sheet_by_name(name)
        except BaseException as err:  # noqa: BLE001 - handed to the caller of result(), which reports it
            self._error = err
        finally:
            self._named.set()

    def names(self) -> list[str]:
        """The workbook's sheet names (as soon as calamine has opened it)."""
        self._named.wait()
        return self.sheet_names

    def result(self) -> dict[str, tuple[list[list], bool]]:
        """Input sheet name → (its values from A1, whether a cell in its range is blank); raises what the reading
        raised."""
        self._thread.join()
        try:
            if self._error is not None:
                raise self._error
            if self._values is None:
                self._values = {name: _values(sheet, self.path, name) for name, sheet in self._sheets.items()}
            return self._values
        finally:
            self._sheets = {}
            if self._book is not None:
                self._book.close()
                self._book = None


def start_reading(path: str | os.PathLike) -> Reading:
    """Check the file (hostile-file checks, then a DTD in the shared strings) and start parsing its input sheets."""
    path = Path(path)
    check_workbook_file(path)
    try:
        with zipfile.ZipFile(path) as z:  # before calamine: a DTD is refused here, by defusedxml
            _refuse_entities(z)
    except (OSError, zipfile.BadZipFile, ValueError) as err:  # defusedxml's errors are ValueErrors
        raise _read_failed(path, err) from None
    return Reading(path)
