"""The workbook reader (python-calamine for the values) against openpyxl's reading of the same file.

Reference: openpyxl (read-only; ``data_only`` for the values, and without it for the formulas), the reader dnqp
used before. The sheet holds what calamine reports differently or not at all: leading blank rows and columns
(positions must map to A1), whole numbers, dates (datetimes), booleans, error cells (#N/A, #DIV/0!),
formulas with and without saved values, a shared formula, a saved empty string and text formulas.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest

from dnqp.workbook.grid import UncomputedFormula
from dnqp.workbook.reader import read_grids

ROW5 = ('<row r="5"><c r="C5" t="e"><v>#N/A</v></c><c r="D5"><f t="shared" ref="D5:E5" si="0">C3*2</f><v>2</v></c>'
        '<c r="E5"><f t="shared" si="0"/></c><c r="F5" t="str"><f>"a"</f><v>a</v></c><c r="G5" t="str"><f>""</f>'
        '<v></v></c><c r="H5"><f>A1</f></c><c r="I5" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>')


@pytest.fixture()
def book(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["C3"], ws["D3"], ws["E3"], ws["F3"] = 1, 2.5, "text", True
    ws["G3"], ws["H3"] = dt.datetime(2020, 1, 2), dt.datetime(2021, 3, 4, 5, 6)
    ws["C4"], ws["D4"], ws["E4"], ws["F4"], ws["G4"] = "=1+1", '=IF(1,"","x")', 1e20, 2014, False
    ws["C6"], ws["D6"], ws["E6"] = " ", 1e-300, -7
    wb.create_sheet("Notes")["A1"] = "not read"
    raw = tmp_path / "raw.xlsx"
    wb.save(raw)
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.decode().replace('<row r="6">', ROW5 + '<row r="6">').encode()
            zout.writestr(info, data)
    return path


def _openpyxl(path):
    """What the openpyxl reader gave: data_only values, a formula without a saved value as UncomputedFormula."""
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)["Data"]
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)["Data"]
    values.reset_dimensions()
    formulas.reset_dimensions()
    grid = [list(r) for r in values.iter_rows(values_only=True)]
    for i, row in enumerate(formulas.iter_rows()):
        for cell in row:
            if getattr(cell, "data_type", None) == "f" and grid[i][cell.column - 1] is None:
                grid[i][cell.column - 1] = UncomputedFormula(str(cell.value))
    return grid


def _cells(grid):
    return {(i, j): v for i, row in enumerate(grid) for j, v in enumerate(row) if v is not None}


def test_values_match_openpyxl_cell_by_cell(book):
    ours = read_grids(book)
    assert list(ours) == ["Data"]
    ref = _cells(_openpyxl(book))
    got = _cells(ours["Data"])
    # openpyxl reads G5 (="" with t="str", a saved empty string) as a formula without a value; the reader keeps
    # it blank, as it always did via the t="str" check. D4 (no saved value, no type) is uncomputed in both.
    assert isinstance(ref.pop((4, 6)), UncomputedFormula) and (4, 6) not in got
    assert got[(3, 3)] == UncomputedFormula('=IF(1,"","x")')
    assert got == ref
    for key, v in got.items():  # numbers are floats, as xlwings sends them (openpyxl read "1" as an int)
        want = float if type(ref[key]) is int else type(ref[key])
        assert type(v) is want, (key, v, ref[key])
    assert got[(2, 2)] == 1 and got[(2, 5)] is True and got[(3, 6)] is False  # C3: positions from A1
    assert got[(2, 7)] == dt.datetime(2021, 3, 4, 5, 6) and got[(2, 6)] == dt.datetime(2020, 1, 2)
    assert got[(4, 2)] == "#N/A" and got[(4, 8)] == "#DIV/0!"
    assert got[(3, 2)] == UncomputedFormula("=1+1") and got[(4, 7)] == UncomputedFormula("=A1")
    assert got[(4, 4)] == UncomputedFormula("=D3*2")  # the shared formula, spelled out for E5


def test_leading_blank_area_keeps_its_addresses(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["D7"] = "Year"
    ws["D8"] = 2015
    wb.save(tmp_path / "b.xlsx")
    grid = read_grids(tmp_path / "b.xlsx")["Data"]
    assert grid[6][3] == "Year" and grid[7][3] == 2015
    assert all(v is None for r in grid[:6] for v in r)


def test_blank_rows_after_the_last_value_are_kept(tmp_path):
    """A cleared last row (its cells formatted, no values) is a row, as openpyxl read it: the table scanner
    reports it as a skipped blank row of the Excel Table."""
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Year", "A1"])
    ws.append([2015, 1.5])
    ws["A4"].font = Font(bold=True)  # formatted, no value
    wb.save(tmp_path / "c.xlsx")
    ref = _openpyxl(tmp_path / "c.xlsx")
    grid = read_grids(tmp_path / "c.xlsx")["Data"]
    assert len(grid) == len(ref) == 4 and all(v is None for r in grid[2:] for v in r)


def _scans(monkeypatch):
    """Count the sheets the reader scans for the cells calamine does not give."""
    from dnqp.workbook import reader

    seen = []
    real = reader._scan

    def counting(z, member, *args):
        seen.append(member)
        return real(z, member, *args)

    monkeypatch.setattr(reader, "_scan", counting)
    return seen


def test_a_sheet_with_every_cell_filled_is_not_scanned_and_reads_as_openpyxl(tmp_path, monkeypatch):
    """calamine gives a formula without a saved value and an error cell as blank: a sheet with no blank cell in
    its range has neither, so its XML is not scanned again (the cost of a 60 MB sheet); its values (a formula
    with its saved value among them) are openpyxl's."""
    import xlsxwriter

    path = tmp_path / "full.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet("Data")
        ws.write_row(0, 0, ["Year", "A1", "A2"])
        for i in range(1, 6):
            ws.write_row(i, 0, [2014 + i, i * 1.5, -i])
        ws.write_formula(5, 2, "=B6*2", None, 15)
    seen = _scans(monkeypatch)
    grid = read_grids(path)["Data"]
    assert seen == []
    assert _cells(grid) == {k: (float(v) if type(v) is int else v) for k, v in _cells(_openpyxl(path)).items()}
    assert grid[5][2] == 15


def test_a_blank_cell_makes_the_reader_scan_the_sheet(tmp_path, monkeypatch):
    import xlsxwriter

    path = tmp_path / "holes.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet("Data")
        ws.write_row(0, 0, ["Year", "A1"])
        ws.write_row(1, 0, [2015, 1.0])
        ws.write_number(2, 0, 2016)
        ws.write_formula(2, 1, "=NA()", None, "#N/A")  # an error: calamine gives a blank
        ws.write_number(3, 0, 2017)
        ws.write_formula(3, 1, "=B2*3")  # XlsxWriter saves 0 as its value: no blank
    seen = _scans(monkeypatch)
    grid = read_grids(path)["Data"]
    assert seen == ["xl/worksheets/sheet1.xml"]
    assert grid[2][1] == "#N/A" and grid[3][1] == 0


@pytest.mark.parametrize("dimension", ['<dimension ref="A1:B4"/>', '<dimension ref="A1:C2"/>', ""])
def test_a_saved_range_beyond_calamines_is_scanned(tmp_path, monkeypatch, dimension):
    """The gate trusts the saved ``<dimension>`` only when it fits inside calamine's range; a larger one (rows
    or columns: a cleared last row, a formula without a value beyond the values) or none makes the reader scan."""
    import xlsxwriter

    raw, path = tmp_path / "raw.xlsx", tmp_path / "dim.xlsx"
    with xlsxwriter.Workbook(str(raw)) as wb:
        ws = wb.add_worksheet("Data")
        ws.write_row(0, 0, ["Year", "A1"])
        ws.write_row(1, 0, [2015, 1.0])
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.decode().replace('<dimension ref="A1:B2"/>', dimension).encode()
                assert dimension in data.decode()
            zout.writestr(info, data)
    seen = _scans(monkeypatch)
    grid = read_grids(path)["Data"]
    assert seen == ["xl/worksheets/sheet1.xml"]
    assert grid[:2] == [["Year", "A1"], [2015.0, 1.0]]
