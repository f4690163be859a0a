"""The cell-value policy end to end: workbooks edited with openpyxl, read by `dnqp check`/`run` and `validate_data`.

One function, :func:`dnqp.prepare.coerce_cell`, decides for every surface: numbers pass; unambiguous text
numbers are read and reported; missing markers become missing (and are imputed and reported); everything
else is refused at its cell.
"""

from __future__ import annotations

import datetime as dt

import openpyxl

from dnqp.workbook.template import template_grids

from .xlbook import xw  # noqa: F401 - a fixture
from .test_workbook import _edit, _run, _stamp

TEXT_NUMBERS = {  # cell: (typed, read as) — each the sample's own value, typed as text
    "Data!H2": (" 6,116,517 ", 6116517.0),   # D1 2010: thousands separators and surrounding spaces
    "Data!D3": ("３４２７", 3427.0),           # B1 2011: full-width digits
    "Data!B4": ("\u00a053.71\u3000", 53.71),  # A1 2012: a no-break and an ideographic space
    "Variables!C3": ("15,241", 15241.0),      # Port 2011
}
MISSING = {"Data!B6": "N/A", "Data!E7": "—", "Data!F8": "-", "Data!G9": "..", "Data!J10": "#N/A", "Data!K11": "NA"}
REJECTED = {  # cell: (value, what stderr says)
    "Data!C7": (dt.datetime(2015, 3, 1), "Data!C7 (indicator A2, 2015): 2015-03-01 is not a number — a date is not a number"),
    "Data!D8": (True, "Data!D8 (indicator B1, 2016): TRUE is not a number — a TRUE/FALSE value is not a number"),
    "Data!E9": ("12%", "Data!E9 (indicator B2, 2017): '12%' is not a number — a percentage typed as text is ambiguous"),
    "Data!F10": ("n.a.x", "Data!F10 (indicator B3, 2018): 'n.a.x' is not a number — text is not a number"),
    "Data!G11": ("1,23", "Data!G11 (indicator C1, 2019): '1,23' is not a number — text is not a number"),
    "Variables!D4": ("−", None),  # the Unicode minus alone is a missing marker… (checked below)
}


def _digits(x) -> str:
    """A number as the messages write it: every digit kept (6116517, not 6.11652e+06)."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _set(path, cells: dict) -> None:
    _edit(path, **{k.replace("!", "__"): v for k, v in cells.items()})


def _log_rows(path) -> list[tuple]:
    rows = list(openpyxl.load_workbook(path)["Log"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "Cells read from text")
    out = []
    for r in rows[start + 2:]:
        if r[0] is None:
            break
        out.append(r[:5])
    return out


def test_text_numbers_are_read_reported_and_give_the_same_results(sample_xlsx, tmp_path, capsys):
    plain = tmp_path / "plain.xlsx"
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(plain)], capsys)[0] == 0
    _set(sample_xlsx, {cell: typed for cell, (typed, _) in TEXT_NUMBERS.items()})
    before = _stamp(sample_xlsx)
    out = tmp_path / "text.xlsx"
    code, _, err = _run(["run", "-q", str(sample_xlsx), "-o", str(out)], capsys)
    assert code == 0, err
    assert _stamp(sample_xlsx) == before  # what the user typed stays as typed
    log = {r[0]: r for r in _log_rows(out)}
    for cell, (typed, value) in TEXT_NUMBERS.items():
        assert log[cell][3] == typed and log[cell][4] == value, log[cell]
    # The numbers read are the numbers: every result sheet equals the run on the plain sample.
    a, b = openpyxl.load_workbook(plain), openpyxl.load_workbook(out)
    for name in ("Weights", "Index", "Descriptives", "VIF", "Baseline", "Heterogeneity"):
        assert [list(r) for r in a[name].iter_rows(values_only=True)] == \
               [list(r) for r in b[name].iter_rows(values_only=True)], name
    code, stdout, _ = _run(["check", str(sample_xlsx)], capsys)
    assert code == 0
    for cell, (typed, value) in TEXT_NUMBERS.items():
        assert f"note: {cell} (" in stdout and f"text {typed!r} read as {_digits(value)}" in stdout


def test_unicode_minus_is_a_minus(sample_xlsx, tmp_path, capsys):
    _set(sample_xlsx, {"Data!C4": "−4.9"})  # A2 (growth rate) 2012
    out = tmp_path / "r.xlsx"
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(out)], capsys)[0] == 0
    log = {r[0]: r for r in _log_rows(out)}
    assert log["Data!C4"][3:5] == ("−4.9", -4.9)


def test_missing_markers_are_imputed_and_listed(sample_xlsx, tmp_path, capsys):
    _set(sample_xlsx, MISSING)
    out = tmp_path / "r.xlsx"
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(out)], capsys)[0] == 0
    log = {r[0]: r for r in _log_rows(out)}
    for cell, typed in MISSING.items():
        assert log[cell][3:5] == (typed, "missing"), log.get(cell)
    imputed = [r[0] for r in openpyxl.load_workbook(out)["Log"].iter_rows(values_only=True)]
    assert all(cell in imputed for cell in MISSING)  # the Imputed cells table too
    code, stdout, _ = _run(["check", str(sample_xlsx)], capsys)
    assert code == 0 and all(f"note: {cell} (" in stdout and "imputed (mean)" in stdout for cell in MISSING)


def test_everything_else_is_refused_at_its_cell_all_at_once(sample_xlsx, tmp_path, capsys):
    _set(sample_xlsx, {cell: v for cell, (v, _) in REJECTED.items()})
    wb = openpyxl.load_workbook(sample_xlsx)
    assert wb["Data"]["C7"].is_date and wb["Data"]["D8"].data_type == "b"  # a real date cell, a real boolean
    before = _stamp(sample_xlsx)
    for args in (["check", str(sample_xlsx)], ["run", "-q", str(sample_xlsx), "-o", str(tmp_path / "r.xlsx")]):
        code, stdout, err = _run(args, capsys)
        assert code == 2 and "Traceback" not in err
        lines = err.splitlines()
        for cell, (_, message) in REJECTED.items():
            if message:
                assert f"dnqp: {message}" in [line[:len(message) + 6] for line in lines], (message, err)
        assert not any(line.startswith("dnqp: Variables!D4") for line in lines)  # "−" alone: missing
    assert _stamp(sample_xlsx) == before and not (tmp_path / "r.xlsx").exists()


def test_validate_data_lists_the_same_cells(xw):
    """The ribbon's Checks sheet (validate_data) lists every coerced, missing and rejected cell by address."""
    from dnqp.excel import ribbon as scripts

    from .test_server import book_payload

    grids = template_grids(sample=True)

    def put(cells):
        for cell, v in cells.items():
            sheet, ref = cell.split("!")
            r, c = int(ref[1:]) - 1, ord(ref[0]) - 65
            grids[sheet][r][c] = v

    put({cell: typed for cell, (typed, _) in TEXT_NUMBERS.items()})
    put(MISSING)
    rows = scripts.check_rows(xw.Book(json=book_payload(grids)))
    notes = {r[1]: r[2] for r in rows if r[0] == "note"}
    for cell, (typed, value) in TEXT_NUMBERS.items():
        assert notes[cell].endswith(f"text {typed!r} read as {_digits(value)}")
    for cell, typed in MISSING.items():
        if typed == "#N/A":  # xlwings reads Excel's error values (#N/A typed in a cell is one) as blank
            assert cell not in notes
        else:
            assert notes[cell].endswith(f"{typed!r} read as missing")
    assert rows[-1][0] == "ok"
    put({"Data!D8": True, "Data!E9": "12%", "Data!F10": "n.a.x"})  # Office.js sends a date as its serial number
    rows = scripts.check_rows(xw.Book(json=book_payload(grids)))
    problems = {r[1]: r[2] for r in rows if r[0] == "problem"}
    assert set(problems) == {"Data!D8", "Data!E9", "Data!F10"}
    assert "TRUE is not a number" in problems["Data!D8"] and "'12%' is not a number" in problems["Data!E9"]
