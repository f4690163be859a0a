"""The long body of a big result table written as sheet XML in one step, the rest of the workbook by XlsxWriter.

XlsxWriter spends a few microseconds on every cell (a tuple stored, then an XML element assembled
attribute by attribute); a panel's long index (56,000 rows × 8) takes seconds that way. For a block whose
body has at least :data:`BULK_CELLS` cells, :func:`dnqp.workbook.results_writer.write_results` lets
XlsxWriter write everything as usual except the body rows between the first and the last (the first and
the last row register every format, so XlsxWriter numbers the styles as it always does). Those middle rows
are :class:`BulkRange`: their text goes into XlsxWriter's shared-string table in the order XlsxWriter itself
would have added it, and after :meth:`Workbook.close` their ``<row>``/``<c>`` elements, in XlsxWriter's
own form (cell reference, style index, ``.16G`` numbers, shared-string indices, the 16-row ``spans``), are
spliced into that sheet's XML. The sheet comes out as XlsxWriter would have written it.

A block the fast path cannot be sure of (formats that vary from row to row, a value that is not text, a
finite number or blank, a text over XlsxWriter's length check) is written cell by cell as before, so the
result, and any error, is XlsxWriter's own.
"""

from __future__ import annotations

import copy
import math
import queue
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO

__all__ = ["BULK_CELLS", "BulkRange", "BulkSheets"]

#: Body cells (rows × columns) from which a block's middle rows are written in one step.
BULK_CELLS = 20_000
_NUMBER = {float, int}
_CELL_TYPES = {float, int, str, type(None)}
_ROW = re.compile(r'<row r="(\d+)" spans="(\d+):(\d+)"')
#: Compression of the spliced sheets (zlib; XlsxWriter's parts keep its level 6): level 1 is a few
#: times faster on a 20 MB sheet and makes it ~25 % larger.
_LEVEL = 1
_CHUNK = 4096  # rows of XML made at a time, compressed while the next are made
#: The XlsxWriter worksheet attributes this module relies on (checked by tests/test_bulk_writer.py, which
#: compares the file with XlsxWriter's cell-by-cell one byte for byte).
_INTERNALS = ("constant_memory", "excel_version", "default_row_height", "original_row_height", "xls_rowmax",
              "xls_colmax", "row_info", "str_table", "_get_range_data")


def _kind(col: list) -> str | None:
    """What a middle-row column holds: "n" numbers, "s" text, "b" blanks, "m" a mix; None: not for the fast
    path (a bool, a numpy scalar, NaN or ±inf, a number beyond a double, a text XlsxWriter would truncate)."""
    types = set(map(type, col))
    if not types <= _CELL_TYPES:
        return None
    try:
        if types & _NUMBER and not all(map(math.isfinite, col if types <= _NUMBER else
                                              [v for v in col if type(v) is float or type(v) is int])):
            return None
    except OverflowError:
        return None
    if str in types and max(len(v) for v in col if type(v) is str) > 32767 // 2:
        return None
    if types <= _NUMBER:
        return "n"
    if types == {str}:
        return "s"
    if types == {type(None)}:
        return "b"
    return "m"


@dataclass
class BulkRange:
    """Body rows ``first`` … ``first + len - 1`` (0-based sheet rows) of one block, written after close."""

    first: int
    columns: list[list]  # the values, column by column
    kinds: list[str]
    formats: list  # the XlsxWriter Format of every column
    strings: dict[int, list] = field(default_factory=dict)  # column → shared-string index per row

    @property
    def rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @property
    def last(self) -> int:
        return self.first + self.rows - 1

    def register(self, ws) -> None:
        """Add the text to the shared-string table row by row, as XlsxWriter's ``write_string`` would."""
        get = ws.str_table._get_shared_string_index
        text = [c for c, k in enumerate(self.kinds) if k in "sm"]
        if len(text) == 1:
            c = text[0]
            self.strings[c] = [get(v) if type(v) is str else None for v in self.columns[c]]
            return
        out = {c: [None] * self.rows for c in text}
        cols = [(self.columns[c], out[c]) for c in text]
        for i in range(self.rows):
            for col, idx in cols:
                v = col[i]
                if type(v) is str:
                    idx[i] = get(v)
        self.strings = out

    def range_data(self, row_start: int, row_end: int, col_start: int, col_end: int) -> list:
        """A chart's cached data for these rows, as XlsxWriter's ``Worksheet._get_range_data`` reads it from its
        cell table (numbers as ``.16g`` text, text as itself, a blank as "")."""
        data = []
        w = len(self.columns)
        for i in range(row_start - self.first, row_end - self.first + 1):
            for c in range(col_start, col_end + 1):
                if c >= w:
                    data.append(None)
                    continue
                v = self.columns[c][i]
                data.append("" if v is None else v if type(v) is str else f"{v:.16g}")
        return data

    def xml(self, spans: dict[int, str], start: int = 0, stop: int | None = None) -> str:
        """The ``<row>`` elements of rows ``start`` … ``stop - 1`` of the range, after close (when every format
        has its style index)."""
        from xlsxwriter.utility import xl_col_to_name

        stop = self.rows if stop is None else min(stop, self.rows)
        refs = range(self.first + 1 + start, self.first + 1 + stop)  # 1-based row numbers
        n, w = len(refs), len(self.columns)
        parts: list = [None] * (n * (w + 2))  # row tag, its cells, "</row>", row after row
        parts[::w + 2] = [f'<row r="{r}" spans="{spans[(r - 1) // 16]}">' for r in refs]
        parts[w + 1::w + 2] = ["</row>"] * n
        strings = {c: k[start:stop] for c, k in self.strings.items()}
        for c, (col, kind, fmt) in enumerate(zip(self.columns, self.kinds, self.formats)):
            col = col[start:stop]
            letter, s = xl_col_to_name(c), fmt.xf_index
            if s is None:
                raise RuntimeError(f"bulk rows: column {letter}'s format has no style index")
            pre, mid = f'<c r="{letter}', f'" s="{s}"'
            if kind == "n":
                cells = [f'{pre}{r}{mid}><v>{v:.16G}</v></c>' for r, v in zip(refs, col)]
            elif kind == "s":
                cells = [f'{pre}{r}{mid} t="s"><v>{k}</v></c>' for r, k in zip(refs, strings[c])]
            elif kind == "b":
                cells = [f'{pre}{r}{mid}/>' for r in refs]
            else:
                cells = [f'{pre}{r}{mid}/>' if v is None else f'{pre}{r}{mid} t="s"><v>{k}</v></c>' if k is not None
                         else f'{pre}{r}{mid}><v>{v:.16G}</v></c>' for r, v, k in zip(refs, col, strings[c])]
            parts[c + 1::w + 2] = cells
        return "".join(parts)


class BulkSheets:
    """The bulk ranges of a workbook being written, and the splice of their rows after close."""

    def __init__(self, threshold: int = BULK_CELLS):
        self.threshold = threshold
        self.ranges: dict[object, list[BulkRange]] = {}  # worksheet → its ranges, top to bottom

    def wants(self, cells: int) -> bool:
        return cells >= self.threshold

    def plan(self, ws, first: int, columns: list[list], formats: list, body_formats: list) -> BulkRange | None:
        """The middle body rows (``columns``: the body column by column, ``first``: the sheet row of the body's
        first row) as a :class:`BulkRange`, or None where the cell-by-cell path must write them."""
        n = len(columns[0]) if columns else 0
        if n < 3 or not self.wants(n * len(columns)) or not all(hasattr(ws, a) for a in _INTERNALS):
            return None  # (an XlsxWriter whose internals differ from those this module writes like: cell by cell)
        if ws.constant_memory or ws.excel_version != 2007 or ws.default_row_height != ws.original_row_height:
            return None
        if first + n > ws.xls_rowmax or len(columns) > ws.xls_colmax:
            return None  # cells beyond the sheet, which XlsxWriter drops
        if len(body_formats) < n - 1 or any(f != body_formats[0] for f in body_formats[1:n - 1]):
            return None  # formats that vary by row: the first row would not register them all
        middle = [col[1:n - 1] for col in columns]
        kinds = [_kind(col) for col in middle]
        if None in kinds or any(r in ws.row_info for r in range(first + 1, first + n - 1)):
            return None
        rng = BulkRange(first + 1, middle, kinds, formats)
        if ws not in self.ranges:
            self.ranges[ws] = []
            _chart_data_from(ws, self.ranges[ws])
        self.ranges[ws].append(rng)
        return rng

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def finish(self, wb, data: bytes, path: str) -> None:
        """Write the package XlsxWriter made in memory (``data``) to ``path``, the bulk rows spliced in."""
        parts = {}
        sheets = [ws for ws in wb.worksheets() if not ws.is_chartsheet]
        for i, ws in enumerate(sheets, 1):
            if ws in self.ranges:
                parts[f"xl/worksheets/sheet{i}.xml"] = self.ranges[ws]
        with zipfile.ZipFile(BytesIO(data)) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                raw = zin.read(info.filename)
                if info.filename in parts:
                    ranges = parts[info.filename]
                    size = len(raw) + sum(g.rows * len(g.columns) * 80 for g in ranges)  # at most
                    _write_streamed(zout, info, size, _spliced(raw.decode("utf-8"), ranges))
                else:
                    zout.writestr(info, raw)


def _write_streamed(zout: zipfile.ZipFile, info: zipfile.ZipInfo, size: int, pieces) -> None:
    """A zip member written from ``pieces`` (text) while they are made: zlib compresses in a thread (it
    releases the GIL), the next rows' XML is made meanwhile."""
    zi = copy.copy(info)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.file_size = size  # the size estimate decides whether the member needs ZIP64 sizes
    setattr(zi, "compress_level" if hasattr(zi, "compress_level") else "_compresslevel", _LEVEL)
    todo: queue.Queue = queue.Queue(maxsize=8)
    failed: list[BaseException] = []

    def work() -> None:
        try:
            with zout.open(zi, "w") as f:
                while (b := todo.get()) is not None:
                    f.write(b)
        except BaseException as e:  # noqa: BLE001 - handed to the caller below
            failed.append(e)
            while todo.get() is not None:
                pass

    thread = threading.Thread(target=work, name="dnqp-zip", daemon=True)
    thread.start()
    try:
        for piece in pieces:
            if failed:
                break
            todo.put(piece.encode("utf-8"))
    finally:
        todo.put(None)
        thread.join()
    if failed:
        raise failed[0]


def _chart_data_from(ws, ranges: list[BulkRange]) -> None:
    """Let the charts' cached data (read from the cell table at close) see the bulk rows too."""
    table = ws._get_range_data

    def range_data(row_start, col_start, row_end, col_end):
        data, r = [], row_start
        while r <= row_end:
            rng = next((g for g in ranges if g.first <= r <= g.last), None)
            if rng is None:
                end = min([g.first - 1 for g in ranges if g.first > r] + [row_end])
                data += table(r, col_start, end, col_end)
            else:
                end = min(rng.last, row_end)
                data += rng.range_data(r, end, col_start, col_end)
            r = end + 1
        return data

    ws._get_range_data = range_data


def _spliced(xml: str, ranges: list[BulkRange]) -> Iterator[str]:
    """A sheet's XML with the bulk rows inserted, in pieces; every 16-row group's ``spans`` as XlsxWriter
    computes it."""
    groups: dict[int, list[int]] = {}
    for rng in ranges:
        width = len(rng.columns)
        for g in range(rng.first // 16, rng.last // 16 + 1):
            groups[g] = [1, max(groups.get(g, (1, width))[1], width)]
    for m in _ROW.finditer(xml):  # the rows XlsxWriter wrote in the groups the bulk rows share
        g = (int(m.group(1)) - 1) // 16
        if g in groups:
            groups[g] = [min(groups[g][0], int(m.group(2))), max(groups[g][1], int(m.group(3)))]
    spans = {g: f"{lo}:{hi}" for g, (lo, hi) in groups.items()}

    def respan(m: re.Match) -> str:
        g = (int(m.group(1)) - 1) // 16
        return f'<row r="{m.group(1)}" spans="{spans[g]}"' if g in spans else m.group(0)

    xml = _ROW.sub(respan, xml)
    at = 0
    for rng in ranges:
        tag = f'<row r="{rng.last + 2}" '  # the block's last body row, which XlsxWriter wrote
        pos = xml.find(tag, at)
        if pos < 0:
            raise RuntimeError(f"bulk rows: row {rng.last + 2} not found in the sheet XML")
        yield xml[at:pos]
        for start in range(0, rng.rows, _CHUNK):
            yield rng.xml(spans, start, start + _CHUNK)
        at = pos
    yield xml[at:]
