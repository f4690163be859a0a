"""Workbooks edited the way analysts edit them (issue 10, classes A–G): every run ends in exit 0 with the
right numbers, or exit 2 with one line per problem naming its cells; never exit 1, and the input keeps its
bytes. Each class is tried in several variants."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from dnqp import impute
from dnqp.cli import main


def _stamp(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _edit(path: Path, fn) -> None:
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)


def _insert_blank_row(ws, table: str, at: int) -> None:
    """A fully blank row at sheet row ``at`` inside an Excel Table: the rows below move down, the Table grows."""
    t = ws.tables[table]
    c0, r0, c1, r1 = openpyxl.utils.cell.range_boundaries(t.ref)
    for r in range(r1, at - 1, -1):
        for c in range(c0, c1 + 1):
            ws.cell(r + 1, c).value = ws.cell(r, c).value
    for c in range(c0, c1 + 1):
        ws.cell(at, c).value = None
    t.ref = f"{openpyxl.utils.get_column_letter(c0)}{r0}:{openpyxl.utils.get_column_letter(c1)}{r1 + 1}"
    if t.autoFilter is not None:
        t.autoFilter.ref = t.ref


def _clear_row(ws, row: int, width: int) -> None:
    for c in range(1, width + 1):
        ws.cell(row, c).value = None


def _results(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [r for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _run_ok(capsys, xlsx: Path, tmp_path: Path) -> tuple[str, dict]:
    before = _stamp(xlsx)
    out = tmp_path / "r.xlsx"
    code, stdout, stderr = _cli(capsys, "run", "-q", xlsx, "-o", out)
    assert code == 0, stderr
    assert _stamp(xlsx) == before
    return stdout, _results(out)


def _run_refused(capsys, xlsx: Path, tmp_path: Path) -> list[str]:
    before = _stamp(xlsx)
    code, _, stderr = _cli(capsys, "check", xlsx)
    assert code == 2, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    code2, _, stderr2 = _cli(capsys, "run", "-q", xlsx, "-o", tmp_path / "r.xlsx")
    assert code2 == 2 and not (tmp_path / "r.xlsx").exists()
    assert _stamp(xlsx) == before
    return [line.removeprefix("dnqp: ") for line in stderr.splitlines() if line.strip()]


def _weights(results: dict) -> dict[str, float]:
    rows = results["Weights"]
    head = next(i for i, r in enumerate(rows) if r and r[1] == "Code")
    return {r[1]: r[6] for r in rows[head + 1:] if r and isinstance(r[6], float)}


# ------------------------------------------------------------------------------------------- A. no lost rows
@pytest.mark.parametrize("where", ["middle", "second", "before last"])
def test_a_blank_year_row_in_data_and_variables_is_skipped_and_reported(sample_xlsx, tmp_path, capsys,
                                                                        sample_study, where):
    at = {"middle": 8, "second": 3, "before last": 16}[where]
    _edit(sample_xlsx, lambda wb: (_insert_blank_row(wb["Data"], "Data", at),
                                   _insert_blank_row(wb["Variables"], "Variables", at)))
    code, stdout, _ = _cli(capsys, "check", sample_xlsx)
    assert code == 0 and "15 years (2010–2024)" in stdout
    assert f"Data: blank row(s) {at} inside the Data table were skipped" in stdout
    assert f"Variables: blank row(s) {at} inside the Variables table were skipped" in stdout
    _, res = _run_ok(capsys, sample_xlsx, tmp_path)
    assert _weights(res) == pytest.approx(sample_study.weights["Weight w"].to_dict(), rel=1e-12)
    log = [r[0] for r in res["Log"]]
    assert f"Data: blank row(s) {at} inside the Data table were skipped" in log


@pytest.mark.parametrize("row", [3, 9, 16])
def test_a_a_year_cleared_in_both_tables_is_skipped_and_reported(sample_xlsx, tmp_path, capsys, row):
    _edit(sample_xlsx, lambda wb: (_clear_row(wb["Data"], row, 11), _clear_row(wb["Variables"], row, 7)))
    code, stdout, _ = _cli(capsys, "check", sample_xlsx)
    assert code == 0 and "14 years" in stdout
    for sheet in ("Data", "Variables"):
        assert f"{sheet}: blank row(s) {row} inside the {sheet} table were skipped" in stdout


def test_c_run_study_refuses_an_unused_cost_direction():
    from dnqp import SettingsError, run_study
    from dnqp.engine.sample import load_sample

    s = load_sample()
    with pytest.raises(SettingsError, match=r"row 7: \(indicator D1\): a cost direction is not applied"):
        run_study(s["indicators"], s["data"], s["variables"], s["model"], {"standardize": "none"})


def test_a_blank_row_in_only_one_table_names_the_year_once(sample_xlsx, tmp_path, capsys):
    _edit(sample_xlsx, lambda wb: _clear_row(wb["Data"], 9, 11))  # 2017's Data row emptied
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert problems == ["Variables!A9: the year 2017 is in Variables but not in Data"]


@pytest.mark.parametrize("sheet, table, at", [("Model", "Model", 4), ("Indicators", "Indicators", 5),
                                              ("Settings", "Settings", 3)])
def test_a_blank_row_hides_nothing_below_it(sample_xlsx, tmp_path, capsys, sample_study, sheet, table, at):
    def edit(wb):
        _insert_blank_row(wb[sheet], table, at)
        if sheet == "Settings":  # a setting below the blank row must be honoured
            ws = wb["Settings"]
            row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "cov")
            ws.cell(row, 2).value = "HC1"

    _edit(sample_xlsx, edit)
    stdout, res = _run_ok(capsys, sample_xlsx, tmp_path)
    assert f"{sheet}: blank row(s) {at} inside the {table} table were skipped" in stdout
    assert len(_weights(res)) == len(sample_study.weights)
    baseline_terms = [r[0] for r in res["Baseline"] if r and r[0] in sample_study.baseline.params.index]
    assert baseline_terms == list(sample_study.baseline.params.index)
    settings = {r[0]: r[1] for r in res["Log"] if r and r[0] in ("cov", "impute")}
    assert settings["cov"] == ("HC1" if sheet == "Settings" else "nonrobust")


@pytest.mark.parametrize("text", ["Source: statistical yearbooks 2011–2025", "注：数据来源于统计年鉴"])
def test_a_note_below_a_table_is_ignored_and_its_row_named(sample_xlsx, tmp_path, capsys, text):
    _edit(sample_xlsx, lambda wb: wb["Data"].cell(19, 1, text))
    stdout, _ = _run_ok(capsys, sample_xlsx, tmp_path)
    assert "Data!A19: the rows from here down are below the Data table and were ignored" in stdout


# ------------------------------------------------------------------------------------------------- B. crash
@pytest.mark.parametrize("sheet, col, header, other", [("Data", "C", "A1", "B1"), ("Variables", "D", "Port", "C1"),
                                                       ("Data", "C", "a1", "B1"), ("Variables", "D", "ＰＯＲＴ", "C1")])
def test_b_duplicate_headers_name_both_cells(sample_xlsx, tmp_path, capsys, sheet, col, header, other):
    _edit(sample_xlsx, lambda wb: wb[sheet].__setitem__(f"{col}1", header))
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert problems == [f"{sheet}!{col}1: column {header!r} appears twice in the {sheet} table (also {sheet}!{other})"]


def test_b_two_empty_headers_are_each_named(sample_xlsx, tmp_path, capsys):
    _edit(sample_xlsx, lambda wb: (wb["Data"].__setitem__("C1", None), wb["Data"].__setitem__("D1", None)))
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert [p.split(":")[0] for p in problems] == ["Data!C1", "Data!D1"]
    assert all("header cell" in p and "blank" in p for p in problems)


# ------------------------------------------------------------------------------------------- C. wrong numbers
@pytest.mark.parametrize("label", ["Sub-index", "R-squared", "Observations", "F", "_cons", "Year", "N",
                                   "sub-index", "Mean VIF"])
def test_c_reserved_labels_are_refused_at_their_cell(sample_xlsx, tmp_path, capsys, label):
    _edit(sample_xlsx, lambda wb: wb["Model"].__setitem__("D3", label))
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert problems == [f"Model!D3 (variable Port): the label {label} is reserved for a row of the result tables: "
                        "choose another"]


@pytest.mark.parametrize("name", ["F", "Observations", "N"])
def test_c_a_variable_named_like_a_table_row_is_refused_at_its_name(sample_xlsx, tmp_path, capsys, name):
    def edit(wb):
        wb["Model"]["A5"], wb["Model"]["C5"], wb["Model"]["D5"] = name, "none", None
        wb["Variables"]["E1"] = name
    _edit(sample_xlsx, edit)
    assert _run_refused(capsys, sample_xlsx, tmp_path) == [
        f"Model!A5 (variable {name}): the label {name} is reserved for a row of the result tables: choose another"]


@pytest.mark.parametrize("label", ["Sub-index", "Year", "F"])
def test_c_reserved_sub_index_and_index_labels_are_refused(sample_xlsx, tmp_path, capsys, label):
    _edit(sample_xlsx, lambda wb: wb["Indicators"].__setitem__("J2", label))
    assert _run_refused(capsys, sample_xlsx, tmp_path)[0].startswith("Indicators!J2 (dimension ")
    ws_label = {"Sub-index": "Sub-index", "Year": "Year", "F": "F"}[label]
    wb = openpyxl.load_workbook(sample_xlsx)
    wb["Indicators"]["J2"] = "Infra"
    row = next(r for r in range(1, 20) if wb["Settings"].cell(r, 1).value == "index_label")
    wb["Settings"].cell(row, 2).value = ws_label
    wb.save(sample_xlsx)
    assert _run_refused(capsys, sample_xlsx, tmp_path) == [
        f"Settings!B{row} (index label): the label {label} is reserved for a row of the result tables: choose another"]


def _linear_reference(years, values, at):
    """Hand-computable: linear interpolation on the year axis between the nearest observed years."""
    obs = [(y, v) for y, v in zip(years, values) if v is not None]
    before = max((o for o in obs if o[0] < at), default=None)
    after = min((o for o in obs if o[0] > at), default=None)
    if before is None:
        return after[1]
    if after is None:
        return before[1]
    return before[1] + (after[1] - before[1]) * (at - before[0]) / (after[0] - before[0])


@pytest.mark.parametrize("years, values", [
    ([2010, 2011, 2015, 2016], [1.0, None, 6.0, 7.0]),             # 2012–2014 absent: a fifth of the way
    ([2000, 2002, 2003, 2010], [10.0, None, None, 2.0]),           # two gaps on an uneven axis
    ([2010, 2011, 2012, 2020], [None, 5.0, None, 9.0]),            # leading gap: nearest value
])
def test_c_linear_imputation_runs_along_the_years(years, values):
    df = pd.DataFrame({"a": [np.nan if v is None else v for v in values]}, index=years)
    got = impute(df, "linear").data["a"]
    for y, v in zip(years, values):
        if v is None:
            assert got[y] == pytest.approx(_linear_reference(years, values, y), rel=1e-12)


@pytest.mark.parametrize("direction", ["−", "-", "cost", "负向", -1])
def test_c_standardize_none_with_a_cost_direction_is_refused(sample_xlsx, tmp_path, capsys, direction):
    def edit(wb):
        ws = wb["Indicators"]
        for r in range(2, 12):
            ws.cell(r, 6).value = "+"
        ws["F4"] = direction
        row = next(r for r in range(1, 20) if wb["Settings"].cell(r, 1).value == "standardize")
        wb["Settings"].cell(row, 2).value = "none"
    _edit(sample_xlsx, edit)
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert len(problems) == 1 and problems[0].startswith("Indicators!F4 (indicator B1): a cost direction is not "
                                                         "applied when standardize = none")


# --------------------------------------------------------------------------------------- D. wrongly refused
def test_d_a_formula_saving_an_empty_string_is_a_blank(sample_xlsx, tmp_path, capsys):
    import zipfile

    _edit(sample_xlsx, lambda wb: wb["Data"].__setitem__("B5", '=IF(1=1,"",1)'))
    # What Excel and LibreOffice save for it: the formula with an empty text value (t="str").
    src = zipfile.ZipFile(sample_xlsx)
    parts = {n: src.read(n) for n in src.namelist()}
    src.close()
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet") and b"IF(1=1" in parts[n])
    parts[sheet] = re.sub(rb'<c r="B5"([^>]*)><f>', rb'<c r="B5"\1 t="str"><f>', parts[sheet])
    with zipfile.ZipFile(sample_xlsx, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    stdout, res = _run_ok(capsys, sample_xlsx, tmp_path)
    assert any(r and r[0] == "Data!B5" for r in res["Log"])  # imputed, listed in the Log


@pytest.mark.parametrize("sheet, cell, header, value", [("Data", "L", "Notes", "from the 2016 yearbook"),
                                                        ("Variables", "H", "Extra", "n/a yet"),
                                                        ("Variables", "H", "GDP", 12.5)])
def test_d_unused_columns_are_ignored_with_a_note(sample_xlsx, tmp_path, capsys, sample_study, sheet, cell,
                                                  header, value):
    _edit(sample_xlsx, lambda wb: (wb[sheet].__setitem__(f"{cell}1", header),
                                   wb[sheet].__setitem__(f"{cell}3", value)))
    stdout, res = _run_ok(capsys, sample_xlsx, tmp_path)
    assert f"{header} ({sheet}!{cell}1) are not used by the study" in stdout
    assert _weights(res) == pytest.approx(sample_study.weights["Weight w"].to_dict(), rel=1e-12)


def test_d_y_on_the_index_alone_runs_and_says_why_vif_is_absent(sample_xlsx, tmp_path, capsys):
    import statsmodels.api as sm

    def edit(wb):
        ws = wb["Model"]
        for r in range(3, 8):
            for c in range(1, 6):
                ws.cell(r, c).value = None
    _edit(sample_xlsx, edit)
    stdout, res = _run_ok(capsys, sample_xlsx, tmp_path)
    assert "VIF is not shown: the model has one regressor (DNQP)" in stdout
    index = {r[0]: r[1] for r in res["Index"] if r and isinstance(r[0], int)}
    coef = next(r for r in res["Baseline"] if r and r[0] == "DNQP")[1]
    from dnqp.engine.sample import load_sample

    s = load_sample()
    lny = np.log(s["variables"]["Upgrade"])
    fit = sm.OLS(lny.to_numpy(), sm.add_constant(np.array([index[y] for y in lny.index]))).fit()
    assert coef == pytest.approx(fit.params[1], rel=1e-9)  # statsmodels on the Index sheet's values


def test_d_without_the_dimensions_table_labels_are_the_dimension_names(sample_xlsx, tmp_path, capsys):
    def edit(wb):
        ws = wb["Indicators"]
        del ws.tables["Dimensions"]
        for r in range(1, 6):
            ws.cell(r, 9).value = ws.cell(r, 10).value = None
    _edit(sample_xlsx, edit)
    _, res = _run_ok(capsys, sample_xlsx, tmp_path)
    header = next(r for r in res["Index"] if r and r[0] == "Year")
    assert header[2] == "Digital infrastructure construction"


# ----------------------------------------------------------------------------------- E. accepted silently
@pytest.mark.parametrize("edit, first", [
    (lambda wb: (wb["Settings"].__setitem__("A13", "shift"), wb["Settings"].__setitem__("B13", 0.01)),
     "Settings!A13: the setting shift is typed twice (also Settings!A3): keep one"),
    (lambda wb: (wb["Settings"].__setitem__("A13", "COV"), wb["Settings"].__setitem__("B13", "HC1")),
     "Settings!A13: the setting cov is typed twice"),
    (lambda wb: (wb["Indicators"].__setitem__("I6", wb["Indicators"]["I2"].value),
                 wb["Indicators"].__setitem__("J6", "Again")),
     "Indicators!I6: dimension 'Digital infrastructure construction' is listed twice (also Indicators!I2)"),
    (lambda wb: wb["Indicators"].__setitem__("C3", wb["Indicators"]["C3"].value.upper()),
     "Indicators!C3 (indicator A2): the dimension 'DIGITAL INFRASTRUCTURE CONSTRUCTION' differs from"),
    (lambda wb: wb["Data"].__setitem__("A4", 1e50), "Data!A4: the year 1e+50 is not a year between 1000 and 9999"),
    (lambda wb: wb["Variables"].__setitem__("A4", -5), "Variables!A4: the year -5 is not a year"),
    (lambda wb: wb["Settings"].__setitem__("B3", 1e12), "Settings!B3: setting shift = 1e+12 is so large that"),
    (lambda wb: wb["Settings"].__setitem__("B3", 1e9), "Settings!B3: setting shift = 1e+09 is so large that"),
])
def test_e_refused_naming_the_cells(sample_xlsx, tmp_path, capsys, edit, first):
    _edit(sample_xlsx, edit)
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert problems[0].startswith(first), problems


def test_e_quiet_hides_the_tables_not_the_warnings(sample_xlsx, tmp_path, capsys):
    def edit(wb):
        for r in range(2, 17):
            wb["Data"].cell(r, 4).value = 7  # B1 constant: dropped with constant = drop
        row = next(r for r in range(1, 20) if wb["Settings"].cell(r, 1).value == "constant")
        wb["Settings"].cell(row, 2).value = "drop"
    _edit(sample_xlsx, edit)
    stdout, _ = _run_ok(capsys, sample_xlsx, tmp_path)
    assert "note:" in stdout and "B1" in stdout and "Table 1" not in stdout


# ------------------------------------------------------------------------------------- F. messages name cells
@pytest.mark.parametrize("edit, expected", [
    (lambda wb: wb["Model"].__setitem__("D3", "DNQP"),
     ["Model!D3 (variable Port): the label DNQP is also the name of the index (Settings: index_label): "
      "choose another"]),
    (lambda wb: wb["Model"].__setitem__("D3", "Infra"),
     ["Model!D3 (variable Port): the label Infra is also the name of the sub-index of Digital infrastructure "
      "construction: choose another"]),
    (lambda wb: wb["Settings"].__setitem__("B3", -1), ["Settings!B3: setting shift = -1 must be ≥ 0"]),
    (lambda wb: (wb["Settings"].__setitem__("B9", "HAC"), wb["Settings"].__setitem__("B10", 100)),
     ["Settings!B10: setting maxlags = 100: 15 years allow at most 14 HAC lags"]),
    (lambda wb: (wb["Settings"].__setitem__("B2", "interval"), wb["Settings"].__setitem__("B4", 2),
                 wb["Settings"].__setitem__("B5", 1)),
     ["Settings!B5: the interval (2, 1) is reversed or empty: interval_a must be below interval_b "
      "(also Settings!B4)"]),
    (lambda wb: (wb["Model"].__setitem__("A8", "Port"), wb["Model"].__setitem__("B8", "control"),
                 wb["Model"].__setitem__("D8", "lnPort2")),
     ["Model!A8: the variable Port is used twice (also Model!A3)"]),
])
def test_f_messages_name_their_cell(sample_xlsx, tmp_path, capsys, edit, expected):
    _edit(sample_xlsx, edit)
    assert _run_refused(capsys, sample_xlsx, tmp_path) == expected


def test_f_a_variable_constant_once_imputed_is_named(sample_xlsx, tmp_path, capsys):
    def edit(wb):
        for r in range(2, 17):
            wb["Variables"].cell(r, 6).value = 3.0 if r < 6 else None
    _edit(sample_xlsx, edit)
    assert _run_refused(capsys, sample_xlsx, tmp_path) == [
        "Variables!F2:F16 (variable Open): the value is 3 in every year (and 11 missing value(s) imputed as the "
        "same), so it is constant: its coefficient is undefined"]


def test_f_impute_none_lists_every_gap_at_its_cell(sample_xlsx, tmp_path, capsys):
    def edit(wb):
        wb["Settings"]["B7"] = "none"
        wb["Variables"]["C6"] = None
    _edit(sample_xlsx, edit)
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert [p.split(" ")[0] for p in problems] == ["Data!C5", "Data!I9", "Variables!C6"]


# ------------------------------------------------------------------------------------------------ G. wording
@pytest.mark.parametrize("value, shown", [(__import__("datetime").datetime(2010, 1, 1), "2010-01-01"),
                                          (True, "TRUE")])
def test_g_no_python_text(sample_xlsx, tmp_path, capsys, value, shown):
    _edit(sample_xlsx, lambda wb: (wb["Data"].__setitem__("A2", value), wb["Settings"].__setitem__("B3", value)))
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    text = " ".join(problems)
    assert "datetime" not in text and "True" not in text and shown in text


@pytest.mark.parametrize("name", ["data", "Model ", "SETTINGS"])
def test_g_a_near_miss_sheet_name_is_named(sample_xlsx, tmp_path, capsys, name):
    proper = name.strip().capitalize()
    # (via a temporary name: openpyxl would otherwise append a digit to a name that differs only in case)
    _edit(sample_xlsx, lambda wb: (setattr(wb[proper], "title", "tmp"), setattr(wb["tmp"], "title", name)))
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert problems == [f"{proper}!A1: the sheet {proper} is missing: found a sheet named {name!r} — did you "
                        f"mean it? Rename it to {proper}"]


@pytest.mark.parametrize("header", ["a1", "Ａ１", " A1 ", "ａ１"])
def test_g_codes_match_by_one_rule(sample_xlsx, tmp_path, capsys, sample_study, header):
    _edit(sample_xlsx, lambda wb: wb["Data"].__setitem__("B1", header))
    _, res = _run_ok(capsys, sample_xlsx, tmp_path)
    assert _weights(res) == pytest.approx(sample_study.weights["Weight w"].to_dict(), rel=1e-12)


@pytest.mark.parametrize("typed, read", [("10,227,303", "10227303"), ("1,234,567.5", "1234567.5")])
def test_g_messages_keep_the_digits(sample_xlsx, tmp_path, capsys, typed, read):
    _edit(sample_xlsx, lambda wb: wb["Data"].__setitem__("E3", typed))
    code, stdout, _ = _cli(capsys, "check", sample_xlsx)
    assert code == 0 and f"text {typed!r} read as {read}" in stdout


def test_g_without_cached_values_only_the_formula_messages(sample_xlsx, tmp_path, capsys):
    _edit(sample_xlsx, lambda wb: [wb["Data"].cell(r, 2).__setattr__("value", f"=1+{r}") for r in range(2, 17)])
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert len(problems) == 15 and all("has no saved value" in p for p in problems)


def test_g_an_index_label_year_is_refused(sample_xlsx, tmp_path, capsys):
    _edit(sample_xlsx, lambda wb: wb["Settings"].__setitem__("B12", "year"))
    assert _run_refused(capsys, sample_xlsx, tmp_path) == [
        "Settings!B12 (index label): the label year is reserved for a row of the result tables: choose another"]


@pytest.mark.parametrize("typed", [2012, "2012", 2012.0])
def test_a_repeated_year_names_both_cells(sample_xlsx, tmp_path, capsys, typed):
    _edit(sample_xlsx, lambda wb: wb["Data"].__setitem__("A5", typed))  # 2013's row now says 2012
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert problems[0] == "Data!A5: the year 2012 appears twice (also Data!A4)"


@pytest.mark.parametrize("typed", ["digital infrastructure construction", " Digital Infrastructure Construction "])
def test_g_dimensions_match_the_indicators_by_the_same_rule(sample_xlsx, tmp_path, capsys, typed):
    _edit(sample_xlsx, lambda wb: wb["Indicators"].__setitem__("I2", typed))
    _, res = _run_ok(capsys, sample_xlsx, tmp_path)
    header = next(r for r in res["Index"] if r and r[0] == "Year")
    assert header[2] == "Infra"  # its label still applies


@pytest.mark.parametrize("name", ["F", "Year", "Observations"])
def test_c_a_dimension_named_like_a_table_row_needs_a_label(sample_xlsx, tmp_path, capsys, name):
    def edit(wb):
        ws = wb["Indicators"]
        old = ws["C2"].value
        for r in range(2, 12):
            if ws.cell(r, 3).value == old:
                ws.cell(r, 3).value = name
        ws["I2"], ws["J2"] = None, None
    _edit(sample_xlsx, edit)
    problems = _run_refused(capsys, sample_xlsx, tmp_path)
    assert f"Indicators!C2 (dimension {name}): the label {name} is reserved" in problems[0]
