"""The results workbook's fast path for big tables (dnqp.workbook.bulk, issue 11 item 8) against the cell-by-cell
path: with the size threshold forced low, every block that qualifies goes through the bulk path, and the file
must be the one XlsxWriter writes cell by cell — the same XML in every part, the same cells read back by
openpyxl (value, number format, bold, alignment, borders) and python-calamine, opened by LibreOffice. Text
with XML specials, emoji and edge spaces, and the NaN/inf that XlsxWriter refuses, behave as on the plain
path. The frame blocks built column by column give the cells of the old row-by-row construction."""

from __future__ import annotations

import math
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from io import BytesIO

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from dnqp.workbook import bulk as bulk_module
from dnqp.workbook.blocks import Block, _frame_cells, _frame_rows, _val, place
from dnqp.workbook.bulk import BulkSheets
from dnqp.workbook.grid import parse_grids
from dnqp.workbook.results_writer import (_block_cells, _body_columns, _Formats, _numeric_columns, _widths,
                                          write_results)
from dnqp.workbook.writer import new_sheet, new_workbook

from .test_panel_study import _generated

PLAIN = 10**12  # a threshold no block reaches: XlsxWriter writes every cell
FORCED = 1  # every block of three rows or more with row-uniform formats goes through the bulk path


@pytest.fixture(scope="module")
def panel():
    inputs = parse_grids(_generated())
    return inputs, inputs.run()


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _cells(path) -> dict:
    """Every non-empty or styled cell of every sheet: value, number format, bold, alignment, top/bottom rule."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                out[ws.title, c.coordinate] = (c.value, c.number_format, c.font.b, c.font.i, c.alignment.horizontal,
                                               c.alignment.vertical, c.border.top.style, c.border.bottom.style)
    out["sheets"] = wb.sheetnames
    out["widths"] = {ws.title: {k: d.width for k, d in ws.column_dimensions.items()} for ws in wb.worksheets}
    out["keywords"] = wb.properties.keywords
    return out


@pytest.fixture
def count_bulk(monkeypatch):
    """How many bulk ranges were spliced (so a test knows the fast path did run)."""
    seen = []
    xml = bulk_module.BulkRange.xml

    def spy(self, spans, start=0, stop=None):
        if start == 0:
            seen.append(self.rows)
        return xml(self, spans, start, stop)

    monkeypatch.setattr(bulk_module.BulkRange, "xml", spy)
    monkeypatch.setattr(bulk_module, "_CHUNK", 5)  # the rows in several pieces, compressed as they come
    return seen


def test_panel_results_bulk_and_plain_are_the_same_file(panel, tmp_path, count_bulk):
    inputs, result = panel
    plain = write_results(result, tmp_path / "plain.xlsx", inputs, _bulk_cells=PLAIN)
    assert not count_bulk
    fast = write_results(result, tmp_path / "fast.xlsx", inputs, _bulk_cells=FORCED)
    assert len(count_bulk) >= 5 and max(count_bulk) == 14 * 9 - 2  # the long index (all but 2 rows), ranks, ...
    a, b = _parts(plain), _parts(fast)
    assert list(a) == list(b)
    for name in a:
        assert a[name] == b[name], name  # byte for byte the XML XlsxWriter writes cell by cell
    for name, data in b.items():
        if name.endswith(".xml"):
            ET.fromstring(data)  # well-formed
    assert _cells(plain) == _cells(fast)


def test_time_series_results_bulk_and_plain_are_the_same_file(sample_study, tmp_path, count_bulk):
    plain = write_results(sample_study, tmp_path / "plain.xlsx", _bulk_cells=PLAIN)
    fast = write_results(sample_study, tmp_path / "fast.xlsx", _bulk_cells=FORCED)
    assert count_bulk
    assert _parts(plain) == _parts(fast)
    assert _cells(plain) == _cells(fast)


def test_default_threshold_leaves_small_results_to_xlsxwriter(panel, tmp_path, count_bulk):
    inputs, result = panel
    write_results(result, tmp_path / "r.xlsx", inputs)
    assert not count_bulk  # a 14-region panel: no table reaches BULK_CELLS


# ------------------------------------------------------------------------------------- hand-made blocks

SPECIAL = ["a & b", "<tag attr=\"x\">", "'quoted' \"double\"", "emoji 😀 中文", "  leading", "trailing  ",
           " both ", "_x0041_ literal escape", "tab\there", "line\nbreak", "]]>", "&amp; already", "\u00a0nbsp"]


def _special_block(rows: int = 40) -> Block:
    body, fmts = [], []
    for i in range(rows):
        text = SPECIAL[i % len(SPECIAL)]
        mixed = [1.5, "x < y", None, -0.0, 2**40 + 1][i % 5]
        body.append([text, i, i / 7, mixed, None if i % 3 else text, 1e-300 * i, -12345678.123456789])
        fmts.append([None, "0", "0.0000", None, None, "0.00E+00", '"("0.00")";"(-"0.00")"'])
    return Block("special", "Specials & <title>", [["Text", "i", "i/7", "mixed", "sparse", "tiny", "paren"]],
                 body, fmts, ["note & <note>"])


def _write_blocks(path, blocks: list[Block], threshold: int) -> int:
    """The results writer's own pieces on hand-made blocks; the number of bulk ranges."""
    sheets = BulkSheets(threshold)
    out = BytesIO()
    wb = new_workbook(out, "t", "dnqp-results", in_memory=True)
    fm = _Formats(wb)
    ws = new_sheet(wb, "S")
    for r0, b in place(blocks):
        _block_cells(ws, fm, r0, b, sheets)
    r0, b = place(blocks)[0]
    chart = wb.add_chart({"type": "line"})  # its cached data comes from the cells, the bulk rows among them
    for c in range(1, b.width):
        chart.add_series({"categories": ["S", r0 + 2, 0, r0 + 1 + len(b.body), 0],
                          "values": ["S", r0 + 2, c, r0 + 1 + len(b.body), c]})
    ws.insert_chart(0, b.width + 1, chart)
    wb.close()
    if sheets:
        sheets.finish(wb, out.getvalue(), str(path))
    else:
        path.write_bytes(out.getvalue())
    return sum(len(v) for v in sheets.ranges.values())


def _as_written(v):
    """A number as XlsxWriter stores it (16 significant digits, as Excel keeps 15–17)."""
    return v if v is None or isinstance(v, str) else float(f"{v:.16G}")


def test_specials_survive_and_match_the_plain_path(tmp_path, count_bulk):
    blocks = [_special_block(), Block("tail", "Tail", [["A", "B"]], [["z", 1.0]] * 5, [[None, "0.0"]] * 5)]
    plain, fast = tmp_path / "plain.xlsx", tmp_path / "fast.xlsx"
    assert _write_blocks(plain, blocks, PLAIN) == 0
    assert _write_blocks(fast, blocks, FORCED) == 2
    assert _parts(plain) == _parts(fast)
    assert _cells(plain) == _cells(fast)
    ET.fromstring(_parts(fast)["xl/worksheets/sheet1.xml"])
    # the values as typed, read back by openpyxl and by python-calamine
    b = blocks[0]
    ws = openpyxl.load_workbook(fast)["S"]
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=2 + len(b.body), max_col=b.width)]
    assert got == [[_as_written(v) for v in r] for r in b.body]
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(fast)).get_sheet_by_name("S").to_python()
    cal = [[None if v == "" else v for v in r[:b.width]] for r in rows[2:2 + len(b.body)]]
    for want, have in zip(b.body, cal):
        assert len(have) == len(want)
        for x, y in zip(want, have):
            if isinstance(x, str) or x is None:
                assert y == x
            else:
                assert float(y) == _as_written(x)


def test_nan_and_inf_behave_as_on_the_plain_path(tmp_path):
    for bad in (math.nan, math.inf, -math.inf):
        body = [[f"r{i}", float(i)] for i in range(30)]
        body[10][1] = bad
        block = Block("b", "B", [["R", "x"]], body, [[None, "0.00"]] * 30)
        errors = []
        for threshold in (PLAIN, FORCED):
            with pytest.raises(TypeError) as info:
                _write_blocks(tmp_path / "x.xlsx", [block], threshold)
            errors.append(str(info.value))
        assert errors[0] == errors[1] and "NAN/INF" in errors[0]


def test_a_failure_while_streaming_leaves_no_file(panel, tmp_path, monkeypatch):
    inputs, result = panel
    xml = bulk_module.BulkRange.xml

    def broken(self, spans, start=0, stop=None):
        if start:
            raise MemoryError("out of memory")
        return xml(self, spans, start, stop)

    monkeypatch.setattr(bulk_module.BulkRange, "xml", broken)
    monkeypatch.setattr(bulk_module, "_CHUNK", 5)
    with pytest.raises(MemoryError):
        write_results(result, tmp_path / "r.xlsx", inputs, _bulk_cells=FORCED)
    assert list(tmp_path.iterdir()) == []  # neither the target nor a partial file


def test_formats_varying_by_row_stay_on_the_plain_path(tmp_path):
    body = [[f"r{i}", float(i)] for i in range(30)]
    fmts = [[None, "0.00" if i % 2 else "0.000"] for i in range(30)]
    block = Block("b", "B", [["R", "x"]], body, fmts)
    assert _write_blocks(tmp_path / "fast.xlsx", [block], FORCED) == 0
    _write_blocks(tmp_path / "plain.xlsx", [block], PLAIN)
    assert _parts(tmp_path / "plain.xlsx") == _parts(tmp_path / "fast.xlsx")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_bulk_rows(tmp_path, count_bulk):
    blocks = [_special_block(300)]
    plain, fast = tmp_path / "plain.xlsx", tmp_path / "fast.xlsx"
    _write_blocks(plain, blocks, PLAIN)
    assert _write_blocks(fast, blocks, FORCED) == 1
    csv = {}
    for f in (plain, fast):
        out = tmp_path / f.stem
        proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                               "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out),
                               str(f)], capture_output=True, text=True, timeout=240)
        assert proc.returncode == 0, proc.stderr
        csv[f.stem] = (out / f"{f.stem}.csv").read_text(encoding="utf-8")
    assert csv["fast"] == csv["plain"]
    assert csv["fast"].count("emoji 😀 中文") >= 300 // len(SPECIAL) and "-12345678.12" in csv["fast"]


# ------------------------------------------------------------------------------------- the block building

_cell = st.one_of(st.none(), st.just(""), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6),
                  st.text(max_size=4))


@st.composite
def _frames(draw):
    n = draw(st.integers(0, 6))
    kinds = draw(st.lists(st.sampled_from(["float", "int", "bool", "object", "mixed"]), min_size=0, max_size=4))
    data = {}
    for j, k in enumerate(kinds):
        if k == "float":
            data[f"c{j}"] = pd.Series(draw(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n,
                                                    max_size=n)), dtype=float)
        elif k == "int":
            data[f"c{j}"] = pd.Series(draw(st.lists(st.integers(-10**9, 10**9), min_size=n, max_size=n)),
                                      dtype="int64")
        elif k == "bool":
            data[f"c{j}"] = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        else:
            data[f"c{j}"] = pd.Series(draw(st.lists(_cell if k == "mixed" else st.text(max_size=3), min_size=n,
                                                    max_size=n)), dtype=object)
    return pd.DataFrame(data, index=range(n))


def _same(a, b) -> bool:
    return type(a) is type(b) and (a == b or (a != a and b != b))


@settings(max_examples=300, deadline=None)
@given(_frames())
def test_frame_cells_are_the_row_by_row_cells(df):
    rows = [[_val(v) if v != "" else None for v in values] for values in _frame_rows(df)]  # the former body
    cols = _frame_cells(df)
    assert len(cols) == len(df.columns)
    for j, col in enumerate(cols):
        assert len(col) == len(rows)
        assert all(_same(r[j], v) for r, v in zip(rows, col)), (j, [r[j] for r in rows], col)


# the former per-cell definitions of the column statistics, kept here as the reference
def _numeric_reference(b: Block) -> set[int]:
    out = set()
    for c in range(1, b.width):
        cells = [r[c] for r in b.body if c < len(r) and r[c] is not None]
        if cells and sum(not isinstance(v, str) for v in cells) * 2 > len(cells):
            out.add(c)
    return out


def _widths_reference(blocks: list[Block]) -> list[float]:
    width = max(b.width for b in blocks)
    out = [8.0] * width
    for b in blocks:
        if b.width < 2:
            continue
        for row in [*b.header, *b.body]:
            for c, v in enumerate(row):
                if v is not None:
                    out[c] = max(out[c], min(len(v) + 2 if isinstance(v, str) else 11, 60))
    return out


class _Label(str):
    """A str subclass: isinstance(v, str) holds for it."""


_body_cell = st.one_of(st.none(), st.floats(allow_nan=False), st.integers(), st.text(max_size=70),
                       st.text(max_size=5).map(_Label))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_body_cell, min_size=0, max_size=5), min_size=0, max_size=8),
       st.lists(st.text(max_size=8), min_size=1, max_size=4))
def test_column_statistics_as_the_cell_by_cell_definitions(body, header):
    b = Block("k", "T", [header], body)
    assert _numeric_columns(b) == _numeric_reference(b)
    assert _widths([b], {id(b): _body_columns(b)}) == _widths_reference([b])
    assert _widths([b]) == _widths_reference([b])


def test_block_width_counts_header_and_body():
    assert Block("k", "T", [["a"]], [[1, 2, 3], [1]]).width == 3
    assert Block("k", "T", [["a", "b", "c", "d"]], [[1]]).width == 4
    assert Block("k", "T", [], []).width == 1
