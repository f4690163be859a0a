"""Templates, `dnqp run`/`check`/`template`/`demo` on real .xlsx files, and the no-data-loss rules."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from dnqp.cli import main
from dnqp.workbook.blocks import RESULT_SHEETS
from dnqp.workbook.xlsx import write_template

from .conftest import ROOT


def _cells(path: Path) -> dict:
    """Every cell of every sheet: (sheet, coordinate) → (value, data type); formulas as written."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    value = c.value
                    if isinstance(value, openpyxl.worksheet.formula.ArrayFormula):
                        value = ("array", value.ref, value.text)
                    out[(ws.title, c.coordinate)] = (value, c.data_type)
    return out


@pytest.mark.parametrize("sample, name", [(False, "dnqp_template.xlsx"), (True, "dnqp_sample.xlsx")])
def test_shipped_templates_are_the_generator_output(tmp_path, sample, name):
    shipped = ROOT / "templates" / name
    fresh = write_template(tmp_path / name, sample=sample)
    assert _cells(fresh) == _cells(shipped), f"templates/{name} is stale: run `dnqp template` to refresh it"
    assert fresh.read_bytes() == shipped.read_bytes()  # generation is deterministic
    wb = openpyxl.load_workbook(fresh)
    assert wb.sheetnames == ["Guide", "Indicators", "Data", "Variables", "Model", "Settings", "Analysis",
                             "Analysis (web)"]
    assert set(wb["Indicators"].tables) == {"Indicators", "Dimensions"}
    assert wb["Indicators"].tables["Dimensions"].ref.startswith("I1:")
    for sheet in ("Data", "Variables", "Model", "Settings"):
        assert list(wb[sheet].tables) == [sheet] and wb[sheet].freeze_panes is not None
    assert any("F2" in str(dv.sqref) for dv in wb["Indicators"].data_validations.dataValidation)


def _same(a, b):
    """Equal to XlsxWriter's 16 significant digits (it writes numbers as %.16G), so rtol 1e-15."""
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-15, atol=0)


def _run(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def _stamp(path: Path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_run_reproduces_the_engine_and_leaves_the_input_alone(sample_xlsx, sample_study, capsys):
    before = _stamp(sample_xlsx)
    code, out, err = _run(["run", str(sample_xlsx)], capsys)
    assert code == 0, err
    results = sample_xlsx.with_name("sample_results.xlsx")
    assert f"Results written to {results}" in out and "Baseline regression" in out
    assert _stamp(sample_xlsx) == before
    code, out, _ = _run(["check", str(sample_xlsx)], capsys)
    assert code == 0 and "Data!C5 (A2, 2013) is missing: imputed (mean)" in out
    assert _stamp(sample_xlsx) == before

    wb = openpyxl.load_workbook(results)
    assert wb.sheetnames == list(RESULT_SHEETS)
    r = sample_study

    def table(sheet, first_header):
        rows = list(wb[sheet].iter_rows(values_only=True))
        start = next(i for i, row in enumerate(rows) if row[0] == first_header)
        body = {}
        for row in rows[start + 1:]:
            if row[0] is None and row[1] is None:
                break
            body[row[0] if row[0] is not None else row[1]] = row
        return body

    weights = {row[1]: row[4:7] for row in list(wb["Weights"].iter_rows(min_row=3, max_row=12, values_only=True))}
    for code_, (e, d, w) in weights.items():
        _same((e, d, w), r.weights.loc[code_, ["Entropy e", "Divergence d", "Weight w"]])
    index = table("Index", "Year")
    for year, row in r.index.iterrows():
        _same(index[year][1:], row)
    desc = table("Descriptives", "Variable")
    for var, row in r.descriptives.iterrows():
        _same(desc[var][1:], row)
    vif = table("VIF", "Variable")
    _same(vif["Mean VIF"][1], r.vif.loc["Mean VIF", "VIF"])
    _same([vif[v][1] for v in r.vif.index[:-1]], r.vif["VIF"].iloc[:-1])
    base = table("Baseline", r.dependent)
    tab = r.baseline.table()
    for term, row in tab.iterrows():
        _same(base[term][1:7], row.iloc[:6])
        assert (base[term][7] or "") == row["Sig."]
    stats = table("Baseline", "Statistic")
    _same([stats[k][1] for k in ("R-squared", "Adj R-squared", "F(6, 8)", "Prob > F", "Root MSE")],
          [r.baseline.rsquared, r.baseline.rsquared_adj, r.baseline.fvalue, r.baseline.f_pvalue, r.baseline.rmse])
    assert stats["Observations"][1] == 15
    het = list(wb["Heterogeneity"].iter_rows(values_only=True))
    _same(het[3][1:], [m.params.iloc[0] for m in r.heterogeneity])
    _same(het[4][1:], [m.tvalues.iloc[0] for m in r.heterogeneity])
    assert wb["Heterogeneity"]["B4"].number_format == '0.0000"***"'  # stars are a number format
    log = [row[0] for row in wb["Log"].iter_rows(values_only=True)]
    assert "Data!C5" in log and "Data!I9" in log  # imputed cells, by address

    with zipfile.ZipFile(results) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3


def test_labels_stay_text(sample_xlsx, tmp_path, capsys):
    wb = openpyxl.load_workbook(sample_xlsx)
    wb["Indicators"]["B2"] = "=1+1"
    wb["Indicators"]["B2"].data_type = "s"
    wb["Model"]["D3"] = "@Port"
    wb.save(sample_xlsx)
    out = tmp_path / "r.xlsx"
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(out)], capsys)[0] == 0
    res = openpyxl.load_workbook(out)
    assert (res["Weights"]["C3"].value, res["Weights"]["C3"].data_type) == ("=1+1", "s")
    assert res["Baseline"]["A4"].value == "@Port"


def _edit(path: Path, **cells):
    wb = openpyxl.load_workbook(path)
    for key, value in cells.items():
        sheet, cell = key.split("__")
        wb[sheet][cell] = value
    wb.save(path)


@pytest.mark.parametrize("cells, code, expected", [
    ({"Data__B5": None}, 0, "Data!B5"),  # blank → imputed, reported in the Log
    ({"Data__B5": "NA", "Data__C6": "#N/A"}, 0, None),
    ({"Data__C7": "12%"}, 2, "Data!C7 (indicator A2, 2015): '12%' is not a number"),
    ({"Data__C7": "1,234.5"}, 0, None),  # a text number is read and reported
    ({"Data__A8": None}, 2, "Data!A8: the year is blank"),
    ({"Variables__A16": None, **{f"Variables__{c}16": None for c in "BCDEFG"}}, 2,
     "Data!A16: the year 2024 is in Data but not in Variables"),
    ({f"Data__D{r}": 7 for r in range(2, 17)}, 2, "Data!D2:D16 (indicator B1): the value is 7 in every year"),
    ({"Data__B3": "=B2*2"}, 2, "Data!B3: the formula =B2*2 has no saved value"),
])
def test_messy_workbooks(sample_xlsx, tmp_path, capsys, cells, code, expected):
    _edit(sample_xlsx, **cells)
    before = _stamp(sample_xlsx)
    out = tmp_path / "messy_results.xlsx"
    got, stdout, stderr = _run(["run", "-q", str(sample_xlsx), "-o", str(out)], capsys)
    assert got == code, stderr
    assert _stamp(sample_xlsx) == before
    if code == 2:
        assert any(line.startswith(f"dnqp: {expected}") for line in stderr.splitlines()), stderr
        assert "Traceback" not in stderr and not out.exists()
        assert _run(["check", str(sample_xlsx)], capsys)[0] == 2
    else:
        assert out.exists()
        if expected:
            log = [row[0] for row in openpyxl.load_workbook(out)["Log"].iter_rows(values_only=True)]
            assert expected in log


def test_output_may_not_be_the_input_or_a_foreign_file(sample_xlsx, tmp_path, capsys):
    before = _stamp(sample_xlsx)
    code, _, err = _run(["run", "-q", str(sample_xlsx), "-o", str(sample_xlsx)], capsys)
    assert code == 2 and "cannot be the input workbook" in err
    link = tmp_path / "link.xlsx"
    os.symlink(sample_xlsx, link)
    assert _run(["run", "-q", str(link), "-o", str(sample_xlsx)], capsys)[0] == 2
    foreign = tmp_path / "mine.xlsx"
    shutil.copy(sample_xlsx, foreign)
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(foreign)], capsys)[0] == 2
    assert _stamp(sample_xlsx) == before
    # a previous results file is replaced (atomically: no temporary file is left behind)
    out = tmp_path / "r.xlsx"
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(out)], capsys)[0] == 0
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(out)], capsys)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.xlsx", "mine.xlsx", "r.xlsx", "sample.xlsx"]


def test_template_command_does_not_overwrite(tmp_path, capsys):
    target = tmp_path / "t.xlsx"
    assert _run(["template", "-o", str(target)], capsys)[0] == 0
    stamp = _stamp(target)
    code, _, err = _run(["template", "--sample", "-o", str(target)], capsys)
    assert code == 2 and "not overwritten" in err and _stamp(target) == stamp
    assert _run(["template", "--sample", "--force", "-o", str(target)], capsys)[0] == 0


def test_missing_file_and_not_a_workbook(tmp_path, capsys):
    code, _, err = _run(["check", str(tmp_path / "nope.xlsx")], capsys)
    assert code == 2 and "no such file" in err
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    code, _, err = _run(["run", str(bad)], capsys)
    assert code == 2 and "not an Excel .xlsx workbook" in err


def test_internal_error_exit_code(sample_xlsx, capsys, monkeypatch):
    import dnqp.workbook.grid

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(dnqp.workbook.grid, "run_study", boom)
    code, _, err = _run(["run", "-q", str(sample_xlsx)], capsys)
    assert code == 1 and "internal error: RuntimeError: boom" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        main(["--debug", "run", "-q", str(sample_xlsx)])


def test_demo_writes_out(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(["demo"], capsys)
    assert code == 0
    assert (tmp_path / "out" / "demo_results.xlsx").exists() and (tmp_path / "out" / "dnqp_sample.xlsx").exists()
    assert str(tmp_path / "out" / "demo_results.xlsx") in out.replace("\n", "")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_templates_and_results(sample_xlsx, tmp_path, capsys):
    results = tmp_path / "results.xlsx"
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(results)], capsys)[0] == 0
    # and with every companion measure of a time series (issue 12): their sheets and native charts
    wb = openpyxl.load_workbook(sample_xlsx)
    [row] = [r for r in wb["Settings"].iter_rows(min_row=2) if r[0].value == "companions"]
    row[1].value = "all"
    wb.save(sample_xlsx)
    companions = tmp_path / "companions.xlsx"
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(companions)], capsys)[0] == 0
    assert "TOPSIS" in openpyxl.load_workbook(companions, read_only=True).sheetnames
    files = [ROOT / "templates" / "dnqp_template.xlsx", ROOT / "templates" / "dnqp_sample.xlsx", results,
             companions]
    pdf = tmp_path / "pdf"
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(pdf), *map(str, files)],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    for f in files:
        out = pdf / f"{f.stem}.pdf"
        assert out.exists() and out.stat().st_size > 5000, proc.stdout + proc.stderr
    assert np.all([(pdf / f"{f.stem}.pdf").read_bytes().startswith(b"%PDF") for f in files])
