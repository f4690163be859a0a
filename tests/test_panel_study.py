"""The panel as a study in the workbook, the CLI and the ribbon (issue 11: items 1, 4, 5, 7's demo, 9).

The end-to-end check reads a generated panel workbook with openpyxl, recomputes the global entropy with
NumPy and the regressions with statsmodels (LSDV dummies, its own cluster sandwich), and compares them to
what ``dnqp run`` wrote in the results workbook. Each bad input of item 9 is a one-line message naming its
cell, in several variants.
"""

from __future__ import annotations

import copy
import shutil
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest

from dnqp.cli import main
from dnqp.engine.panel_study import panel_cov, run_panel_study
from dnqp.engine.settings import Settings
from dnqp.engine.tables import PANEL_TITLES, title
from dnqp.errors import SettingsError
from dnqp.workbook.blocks import result_blocks
from dnqp.workbook.grid import InputError, parse_grids
from dnqp.workbook.panel_blocks import PANEL_RESULT_SHEETS
from dnqp.workbook.template import panel_template_grids
from dnqp.workbook.xlsx import write_template

from .conftest import ROOT
from .xlbook import xw  # noqa: F401 - the fixture

# --------------------------------------------------------------------------------------------- fixtures


def _generated(seed: int = 7, regions: int = 14, years: range = range(2011, 2020), drop=()) -> dict:
    """A panel workbook's grids, generated here (not the shipped sample): two indicators per dimension of the
    template, four regression variables, groups North/South, seeded, with region-years ``drop``ped."""
    rng = np.random.default_rng(seed)
    base = panel_template_grids(sample=False)
    codes = base["Data"][0][2:]
    names = base["Variables"][0][2:]
    regs = [f"R{i:02d}" for i in range(regions)]
    level = rng.uniform(0.5, 2.0, regions)
    data, var = [], []
    for i, r in enumerate(regs):
        for t, y in enumerate(years):
            if (r, y) in drop:
                continue
            vals = [round(float(level[i] * (1 + 0.05 * t) * 100 * rng.lognormal(0, 0.15)), 3) for _ in codes]
            data.append([r, y, *vals])
            var.append([r, y, *[round(float(rng.lognormal(3 + 0.1 * level[i], 0.3)), 4) for _ in names]])
    out = copy.deepcopy(base)
    out["Data"] = [base["Data"][0], *data]
    out["Variables"] = [base["Variables"][0], *var]
    out["Regions"] = [base["Regions"][0]] + [[r, "North" if i % 2 else "South", None, "test"]
                                             for i, r in enumerate(regs)]
    _setting(out, "permutation_reps", 99)
    return out


def _setting(grids: dict, name: str, value) -> None:
    for row in grids["Settings"][1:]:
        if row[0] == name:
            row[1] = value
            return
    raise KeyError(name)


def _write(grids: dict, path):
    """The grids as a plain workbook (openpyxl, no Excel Tables: the reader finds the tables at their anchors)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in grids.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def _problems(grids) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_grids(grids)
    return [str(p) for p in info.value.problems]


# --------------------------------------------------------------------------------------------- template


@pytest.mark.parametrize("sample, name", [(False, "dnqp_panel_template.xlsx"), (True, "dnqp_panel_sample.xlsx")])
def test_shipped_panel_templates_are_the_generator_output(tmp_path, sample, name):
    fresh = write_template(tmp_path / name, sample=sample, panel=True)
    assert fresh.read_bytes() == (ROOT / "templates" / name).read_bytes(), f"templates/{name} is stale"
    wb = openpyxl.load_workbook(fresh)
    assert wb.sheetnames == ["Guide", "Indicators", "Data", "Variables", "Regions", "Model", "Settings", "Analysis",
                             "Analysis (web)"]
    assert [c.value for c in wb["Data"][1][:2]] == ["Region", "Year"]
    assert [c.value for c in wb["Regions"][1][:2]] == ["Region", "Group"]
    regions = {r[0].value: r[1].value for r in wb["Regions"].iter_rows(min_row=2)}
    assert len(regions) == 31 and regions["Beijing"] == "East" and regions["Heilongjiang"] == "Northeast"
    assert "National Bureau of Statistics" in wb["Regions"]["D2"].value
    assert wb["Data"].max_row == 1 + 31 * 12
    guide = " ".join(str(c.value) for row in wb["Guide"].iter_rows() for c in row if c.value)
    assert "Regions" in guide and "地区" in guide and "cluster" in guide
    if sample:
        assert "ILLUSTRATIVE" in wb["Guide"]["A2"].value


def test_time_series_settings_sheet_has_no_panel_rows():
    wb = openpyxl.load_workbook(ROOT / "templates" / "dnqp_template.xlsx")
    names = [r[0].value for r in wb["Settings"].iter_rows(min_row=2) if r[0].value]
    assert "effects" not in names and "panel_entropy" not in names and "cluster" not in names


# --------------------------------------------------------------------------------------------- settings


@pytest.mark.parametrize("cov, cluster, expected", [("nonrobust", "region", "cluster"), ("HC1", "region", "cluster"),
                                                    ("nonrobust", "none", "nonrobust"), ("HC1", "none", "robust")])
def test_panel_covariance_from_cov_and_cluster(cov, cluster, expected):
    assert panel_cov(Settings(cov=cov, cluster=cluster)) == expected


@pytest.mark.parametrize("cov", ["HC3", "HAC"])
def test_hc3_and_hac_are_refused_for_panels_at_their_cell(cov):
    with pytest.raises(SettingsError, match=f"setting cov = '{cov}' is not available for a panel"):
        panel_cov(Settings(cov=cov))
    grids = _generated()
    _setting(grids, "cov", cov)
    row = next(i for i, r in enumerate(grids["Settings"]) if r[0] == "cov") + 1
    assert any(p.startswith(f"Settings!B{row}: setting cov = '{cov}' is not available for a panel")
               for p in _problems(grids))


# --------------------------------------------------------------------------------------------- end to end


def _results_table(path, sheet: str) -> dict:
    """Label in column A → the values beside it, and the row under it (t statistics), from a results sheet."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    out = {}
    for i, r in enumerate(rows):
        if isinstance(r[0], str) and r[0] not in out:
            out[r[0]] = (r[1:], rows[i + 1][1:] if i + 1 < len(rows) else [])
    return out


def test_generated_panel_workbook_through_dnqp_run(tmp_path, capsys):
    import statsmodels.api as sm

    drop = {("R03", 2015), ("R08", 2011)}
    book = _write(_generated(drop=drop), tmp_path / "panel.xlsx")
    out = tmp_path / "panel_results.xlsx"
    assert main(["run", "-q", str(book), "-o", str(out)]) == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "design: panel" in printed and "14 regions × 9 years" in printed and "R03 2015" in printed

    # Independent recomputation from the workbook's cells (openpyxl, not dnqp's reader).
    wb = openpyxl.load_workbook(book)
    data = pd.DataFrame(list(wb["Data"].values)[1:], columns=list(wb["Data"].values)[0]).set_index(["Region", "Year"])
    var = pd.DataFrame(list(wb["Variables"].values)[1:],
                       columns=list(wb["Variables"].values)[0]).set_index(["Region", "Year"])
    ind = pd.DataFrame(list(wb["Indicators"].values)[1:], columns=list(wb["Indicators"].values)[0]).iloc[:, :6]
    ind = ind[ind["Code"].notna()]
    model = pd.DataFrame(list(wb["Model"].values)[1:], columns=list(wb["Model"].values)[0])
    x = data[list(ind["Code"])].to_numpy(float)
    cost = np.array([d not in ("+",) for d in ind["Direction"]])
    lo, hi = x.min(0), x.max(0)
    z = np.where(cost, hi - x, x - lo) / (hi - lo)
    p = z / z.sum(0)
    e = -np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0).sum(0) / np.log(len(x))  # k = 1/ln(N·T)
    w = (1 - e) / (1 - e).sum()
    score = pd.Series(z @ w, index=data.index)

    weights = _results_table(out, "Weights")
    got_w = [weights[dim][0][5] if dim in weights else None for dim in []]  # noqa: F841 - rows start with dimension
    ws = openpyxl.load_workbook(out)["Weights"]
    shown = {r[1].value: r[6].value for r in ws.iter_rows(min_row=3) if r[1].value in set(ind["Code"])}
    np.testing.assert_allclose([shown[c] for c in ind["Code"]], w, rtol=1e-12)

    lab = dict(zip(model["Variable"], model["Label"]))
    how = dict(zip(model["Variable"], model["Transform"]))
    frame = pd.DataFrame({lab[v]: np.log(var[v]) if how[v] == "ln" else var[v] for v in model["Variable"]})
    dep = lab[model.loc[model["Role"] == "dependent", "Variable"].iloc[0]]
    controls = [lab[v] for v in model.loc[model["Role"] == "control", "Variable"]]
    frame["DNQP"] = score
    frame = frame.reindex(data.index)
    regions = frame.index.get_level_values(0)
    years = frame.index.get_level_values(1)
    X = pd.concat([frame[["DNQP", *controls]], pd.get_dummies(regions, drop_first=True, dtype=float).set_index(
        frame.index), pd.get_dummies(years, drop_first=True, dtype=float).set_index(frame.index)], axis=1)
    fit = sm.OLS(frame[dep], sm.add_constant(X)).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(regions)[0]})
    n, k, G, T = len(frame), 1 + len(controls), regions.nunique(), years.nunique()
    # statsmodels: (G/(G-1))·(N-1)/(N-K_LSDV); reghdfe absorb(id year) vce(cluster id): the region FE are nested
    # in the clusters and not counted, so K = k + (T - 1) + 1.
    scale = np.sqrt((n - (k + G + T - 1)) / (n - (k + T)))
    base = _results_table(out, "Baseline")
    coef, tstat = base["DNQP"]
    assert coef[2] == pytest.approx(fit.params["DNQP"], rel=1e-9)
    assert tstat[2] == pytest.approx(fit.params["DNQP"] / (fit.bse["DNQP"] * scale), rel=1e-7)
    assert base["Observations"][0][:3] == [n, n, n]
    assert base["Region FE"][0][:3] == ["No", "No", "Yes"] and base["Year FE"][0][:3] == ["No", "No", "Yes"]
    assert base["Clusters"][0][2] == f"{G} (Region)"
    # Column (1): pooled OLS on the index alone, clustered by region (statsmodels' own small-sample factor).
    pooled = sm.OLS(frame[dep], sm.add_constant(frame[["DNQP"]])).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(regions)[0]})
    assert coef[0] == pytest.approx(pooled.params["DNQP"], rel=1e-9)
    assert tstat[0] == pytest.approx(pooled.tvalues["DNQP"], rel=1e-7)

    # Groups: one column per Group, each its own LSDV on the group's regions.
    groups = _results_table(out, "Groups")
    gmap = {r: ("North" if int(r[1:]) % 2 else "South") for r in regions.unique()}
    for j, g in enumerate(["South", "North"]):
        m = np.array([gmap[r] == g for r in regions])
        sub = frame[m]
        r_, y_ = sub.index.get_level_values(0), sub.index.get_level_values(1)
        Xg = pd.concat([sub[["DNQP", *controls]], pd.get_dummies(r_, drop_first=True, dtype=float).set_index(sub.index),
                        pd.get_dummies(y_, drop_first=True, dtype=float).set_index(sub.index)], axis=1)
        fg = sm.OLS(sub[dep], sm.add_constant(Xg)).fit()
        assert groups["DNQP"][0][j] == pytest.approx(fg.params["DNQP"], rel=1e-9)
    log = " ".join(str(c.value) for row in openpyxl.load_workbook(out)["Log"].iter_rows() for c in row if c.value)
    assert "seed 20260101" in log and "99 replications" in log
    assert "R03" in log and "Absent region-years" in log
    assert openpyxl.load_workbook(out).sheetnames == list(PANEL_RESULT_SHEETS)


def test_by_year_entropy_gives_a_year_by_indicator_table():
    grids = _generated()
    _setting(grids, "panel_entropy", "by_year")
    r = parse_grids(grids).run()
    assert r.weights.shape == (9, 10) and np.allclose(r.weights.sum(axis=1), 1)
    assert any("not comparable across years" in w for w in r.warnings)
    # Year 2014 recomputed alone (the method of §2 within the year).
    d = parse_grids(grids).data.xs(2014, level="Year")
    z = (d - d.min()) / (d.max() - d.min())
    ind = parse_grids(grids).indicators.set_index("Code")
    cost = [c for c in d.columns if ind.loc[c, "Direction"] != "+"]
    z[cost] = (d[cost].max() - d[cost]) / (d[cost].max() - d[cost].min())
    p = z / z.sum()
    e = -(p * np.log(p.where(p > 0, 1))).sum() / np.log(len(d))
    np.testing.assert_allclose(r.weights.loc[2014].to_numpy(), ((1 - e) / (1 - e).sum()).to_numpy(), rtol=1e-12)


def test_panel_titles_each_shown_once_and_blocks_for_every_sheet():
    r = parse_grids(_generated()).run()
    blocks = result_blocks(r)
    assert list(blocks) == list(PANEL_RESULT_SHEETS)
    shown = {b.key: b.title for bs in blocks.values() for b in bs}
    names = {"index_label": "DNQP", "depvar": r.dependent}
    for key in ("panel_index", "group_means", "panel_ranks", "panel_index_long", "panel_baseline",
                "group_heterogeneity", "group_tests"):
        assert shown[key] == title(key, **names) and key in PANEL_TITLES
    notes = " ".join(n for bs in blocks.values() for b in bs for n in b.notes)
    assert "p<0.10" in notes and "clustered by Region" in notes and "fixed effects" in notes


def test_effects_none_and_no_controls_shrink_the_baseline():
    s = {"effects": "none", "permutation_reps": 0}
    grids = _generated()
    r = run_panel_study(*(lambda i: (i.indicators, i.data, i.variables, i.model))(parse_grids(grids)), s)
    assert list(r.baseline.table.columns) == ["(1) DNQP", "(2) + controls"] and r.groups is None


def test_demo_panel_prints_and_writes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--panel"]) == 0
    out = capsys.readouterr().out
    assert "ILLUSTRATIVE" in out and "Baseline panel regression" in out and "region group" in out
    assert (tmp_path / "out" / "demo_panel_results.xlsx").exists()
    assert main(["check", str(tmp_path / "out" / "dnqp_panel_sample.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "31 regions × 12 years" in out and "Data!D29 (A2, Hebei 2015) is missing" in out


def test_template_panel_command(tmp_path, capsys):
    assert main(["template", "--panel", "--sample", "-o", str(tmp_path / "p.xlsx")]) == 0
    assert "Panel sample workbook written" in capsys.readouterr().out
    assert (tmp_path / "p.xlsx").read_bytes() == (ROOT / "templates" / "dnqp_panel_sample.xlsx").read_bytes()


def test_ribbon_runs_analysis_on_a_panel_book(xw):  # noqa: F811
    from dnqp.excel import ribbon as scripts
    from dnqp.workbook import schema

    from .test_server import book_payload

    book = xw.Book(json=book_payload(_generated()))
    written = scripts.ACTIONS["run_analysis"](book)
    assert [s.removeprefix(schema.RESULT_PREFIX) for s in written] == list(PANEL_RESULT_SHEETS)
    values = [v for a in book.json()["actions"] if a["func"] == "setValues" for row in a["values"] for v in row]
    assert title("group_heterogeneity", depvar="lnUpgrade") in values


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_panel_templates_and_results(tmp_path):
    results = tmp_path / "panel_results.xlsx"
    assert main(["run", "-q", str(ROOT / "templates" / "dnqp_panel_sample.xlsx"), "-o", str(results)]) == 0
    files = [ROOT / "templates" / "dnqp_panel_template.xlsx", results]
    pdf = tmp_path / "pdf"
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(pdf), *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for f in files:
        out = pdf / f"{f.stem}.pdf"
        assert out.exists() and out.stat().st_size > 5000 and out.read_bytes().startswith(b"%PDF")


def test_group_means_chart_is_a_native_line_chart(tmp_path):
    import zipfile

    from dnqp.workbook.xlsx import write_results

    inputs = parse_grids(_generated())
    out = write_results(inputs.run(), tmp_path / "r.xlsx", inputs)
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    group = [c for c in charts if "Mean index by region group" in c]
    assert len(group) == 1 and "<c:lineChart>" in group[0] and group[0].count("<c:ser>") == 2


# --------------------------------------------------------------------------------------------- bad input


def _rows(grids, sheet, region):
    return [i for i, r in enumerate(grids[sheet]) if i and r[0] == region]


def test_a_region_year_given_twice():
    grids = _generated()
    grids["Data"].append(list(grids["Data"][3]))
    n = len(grids["Data"])
    assert f"Data!A{n}: region R00, year 2013 is given twice (also Data!A4)" in _problems(grids)
    grids = _generated()
    grids["Variables"][5][1] = grids["Variables"][4][1]  # a year typed twice within a region
    assert any(p.startswith("Variables!A6: region R00, year 2014 is given twice (also Variables!A5)")
               for p in _problems(grids))


@pytest.mark.parametrize("sheet, other", [("Data", "Variables"), ("Variables", "Data")])
def test_a_region_in_one_sheet_only(sheet, other):
    grids = _generated()
    for i in _rows(grids, sheet, "R05"):
        grids[sheet][i][0] = "R99"
    first = _rows(grids, sheet, "R99")[0] + 1
    probs = _problems(grids)
    assert f"{sheet}!A{first}: region R99 is in {sheet} but not in {other}" in probs
    assert any(p.endswith(f"region R05 is in {other} but not in {sheet}") for p in probs)


def test_a_region_year_in_one_sheet_only():
    grids = _generated()
    del grids["Variables"][7]
    assert "Data!B8: region R00, year 2017 is in Data but not in Variables" in _problems(grids)


@pytest.mark.parametrize("typed", [2014, "2014", 3.5])
def test_a_number_in_region(typed):
    grids = _generated()
    grids["Data"][9][0] = typed
    assert any(p.startswith("Data!A10: Region") and "is a number, not a region name" in p for p in _problems(grids))


def test_a_blank_region():
    grids = _generated()
    grids["Variables"][4][0] = None
    assert "Variables!A5: the Region is blank but the row has values" in _problems(grids)


@pytest.mark.parametrize("key, col", [("Region", 0), ("Year", 1)])
def test_region_or_year_column_in_one_sheet_only(key, col):
    grids = _generated()
    grids["Variables"][0][col] = "Area" if key == "Region" else "Period"
    if key == "Region":
        assert any(p.startswith("Variables!A1: the Variables table has no Region column but the Data table has one")
                   for p in _problems(grids))
    else:  # every table keyed by years needs a Year column: said at the first header cell after the table
        assert _problems(grids) == ["Variables!I1: the Variables table has no column 'Year'"]
    grids = _generated()
    grids["Data"][0][0] = "Area"  # Region only in Variables
    assert any(p.startswith("Data!A1: the Data table has no Region column but the Variables table has one "
                            "(Variables!A1)") for p in _problems(grids))


def test_a_region_without_a_group():
    grids = _generated()
    grids["Regions"][3][1] = None
    assert "Regions!B4: region R02 has no Group: type one (or set group_test = no)" in _problems(grids)
    grids = _generated()
    del grids["Regions"][3]
    assert any(p.endswith("region R02 has no row in the Regions table, so no Group: add it (or set group_test = no)")
               and p.startswith("Data!A") for p in _problems(grids))
    _setting(grids, "group_test", "no")  # not asked for: no problem
    assert parse_grids(grids).regions is None


def test_group_test_yes_without_groups():
    grids = _generated()
    for row in grids["Regions"][1:]:
        row[1] = None
    _setting(grids, "group_test", "yes")
    assert any("setting group_test = 'yes'" in p and "no region has a Group" in p for p in _problems(grids))


@pytest.mark.parametrize("how", ["one", "all-but-one"])
def test_a_group_with_fewer_than_two_regions(how):
    grids = _generated()
    if how == "one":
        grids["Regions"][5][1] = "Solo"
        assert "Regions!B6: group Solo has only one region (R04): a group needs at least two" in _problems(grids)
    else:
        for row in grids["Regions"][1:]:
            row[1] = "All"
        assert any("every region is in one group" in p for p in _problems(grids))


def test_fewer_than_ten_clusters_is_a_warning():
    grids = _generated(regions=8)
    inputs = parse_grids(grids)
    assert any(n.startswith("Data!A2:A") and "only 8 regions, so 8 clusters" in n and "Settings!B" in n
               for n in inputs.notes)
    r = inputs.run()
    assert any("clustered standard errors are unreliable" in w for w in r.warnings)


def test_a_region_with_a_single_year_is_a_warning():
    drop = {("R04", y) for y in range(2012, 2020)}
    inputs = parse_grids(_generated(drop=drop))
    first = next(i for i, r in enumerate(_generated(drop=drop)["Data"]) if r[0] == "R04") + 1
    assert f"Data!A{first}: region R04 has a single year (2011): under region fixed effects it is a singleton, " \
           "dropped as reghdfe does" in inputs.notes
    r = inputs.run()
    assert r.main.nobs == len(inputs.data) - 1 and any("singleton" in w for w in r.warnings)


def test_unbalanced_panel_reported_not_invented():
    drop = {("R01", 2013), ("R07", 2018), ("R07", 2019)}
    inputs = parse_grids(_generated(drop=drop))
    assert any("unbalanced: 3 region-year(s) absent" in n for n in inputs.notes)
    assert "absent region-years: R01 2013, R07 2018, R07 2019" in inputs.notes
    r = inputs.run()
    assert r.main.nobs == 14 * 9 - 3 and len(r.entropy.absent) == 3
    assert np.isnan(r.index_tables.wide.loc["R01", 2013])


def test_time_series_workbook_still_reads_as_before(sample_xlsx):
    from dnqp.engine.study import StudyResult
    from dnqp.workbook.xlsx import read_workbook

    r = read_workbook(sample_xlsx).run()
    assert isinstance(r, StudyResult) and r.baseline.nobs == 15
    log = result_blocks(r)["Log"][0]
    assert "effects" not in [row[0] for row in log.body]  # panel-only settings stay out of a time series' Log


def test_run_study_dispatches_on_panel_data():
    import dnqp
    from dnqp.engine.panel_sample import load_panel_sample

    s = load_panel_sample()
    r = dnqp.run_study(s["indicators"], s["data"], s["variables"], s["model"], {"permutation_reps": 0},
                       regions=s["regions"])
    assert isinstance(r, dnqp.PanelStudyResult) and r.main.nobs == 372 and r.groups.permutations == ()
    flat = s["data"].reset_index()  # Region and Year as columns: a panel too
    r2 = dnqp.run_study(s["indicators"], flat, s["variables"].reset_index(), s["model"], {"group_test": "no"})
    assert r2.groups is None and r2.main.params["DNQP"] == pytest.approx(r.main.params["DNQP"], rel=1e-12)


def test_a_column_blank_for_a_whole_region_is_named_at_its_cells():
    grids = _generated()
    for i in _rows(grids, "Data", "R02"):
        grids["Data"][i][3] = None  # A2
    rows = _rows(grids, "Data", "R02")
    assert f"Data!D{rows[0] + 1}:D{rows[-1] + 1} (indicator A2, region R02): no value in any year, so it cannot be " \
           "imputed within the region: type the values" in _problems(grids)
    blank = _problems(panel_template_grids(sample=False))  # the blank template: one problem per column
    assert len(blank) == 16 and blank[0] == "Data!C2:C373 (indicator A1): the column has no values at all"


def test_f_is_blank_when_clusters_are_fewer_than_the_slopes():
    """Northeast has 3 regions (3 clusters) and 6 slopes: the clustered covariance has rank ≤ 2, so Stata's
    reghdfe prints F(6, 2) = . (missing); Central's 6 clusters give rank ≤ 5 < 6 too."""
    from dnqp.workbook.xlsx import read_workbook

    r = read_workbook(ROOT / "templates" / "dnqp_panel_sample.xlsx").run()
    f = {g: m.fvalue for g, m in zip(r.groups.groups, r.group_models.results)}
    assert np.isnan(f["Northeast"]) and np.isnan(f["Central"]) and f["East"] > 0 and f["West"] > 0
    assert any("group Northeast: F is not reported: 3 clusters" in w for w in r.warnings)


def test_region_tables_follow_the_regions_sheet():
    from dnqp.workbook.xlsx import read_workbook

    r = read_workbook(ROOT / "templates" / "dnqp_panel_sample.xlsx").run()
    wb = openpyxl.load_workbook(ROOT / "templates" / "dnqp_panel_sample.xlsx")
    listed = [row[0].value for row in wb["Regions"].iter_rows(min_row=2)]
    assert list(r.index_tables.wide.index) == listed == list(r.index_tables.ranks.index)
    assert listed[:2] == ["Beijing", "Tianjin"] and listed[-1] == "Heilongjiang"
    # Ranks recomputed from the wide table: 1 = the year's highest index.
    year = r.index_tables.wide[2020]
    assert r.index_tables.ranks.loc[year.idxmax(), 2020] == 1 and r.index_tables.ranks.loc[year.idxmin(), 2020] == 31


# --------------------------------------------------------------------------------------------- companions


def test_companion_measures_of_a_panel_study(tmp_path):
    """companions = all on a panel: every measure's sheet is written, and Dagum's Gini of the index per year
    equals the published formula computed pair by pair here (Dagum 1997: G = ΣΣ|y_i − y_r| / (2 n² ȳ)), with
    G = G_w + G_nb + G_t."""
    grids = _generated()
    _setting(grids, "companions", "all")
    inputs = parse_grids(grids)
    result = inputs.run()
    assert set(result.companions.measures) == {"weights", "topsis", "coupling", "obstacle", "grey", "dagum",
                                               "theil", "kde"}
    sheets = result_blocks(result, inputs)
    assert list(sheets)[-1] == "Log" and {"Dagum Gini", "Theil", "Kernel density", "TOPSIS"} <= set(sheets)
    dagum = result.companions.dagum.overall
    index = result.index[result.settings.index_label]
    for year, y in index.groupby(level="Year"):
        v = y.to_numpy()
        gini = np.abs(v[:, None] - v[None, :]).sum() / (2 * len(v) ** 2 * v.mean())
        row = dagum.loc[year]
        assert row["G"] == pytest.approx(gini, rel=1e-12)
        assert row["G_w"] + row["G_nb"] + row["G_t"] == pytest.approx(row["G"], rel=1e-12)
    out = tmp_path / "r.xlsx"
    from dnqp.workbook.xlsx import write_results

    write_results(result, out, inputs)
    assert "Kernel density" in openpyxl.load_workbook(out).sheetnames


def test_companion_measures_under_by_year_entropy():
    """by_year weights (a Year × sub-index table) with companions = all: no crash (it was a KeyError); the
    coupling of sub-indices is refused at its Settings cell (the sub-indices have no one scale), and with
    coupling_systems = index-dependent every measure runs."""
    grids = _generated()
    _setting(grids, "companions", "all")
    _setting(grids, "panel_entropy", "by_year")
    with pytest.raises(SettingsError, match=r"^Settings!B\d+: setting coupling_systems = 'subindices'"):
        parse_grids(grids).run()
    _setting(grids, "coupling_systems", "index-dependent")
    # grey relation is left out: min–max within each year puts a region at 0 every year in some sub-index, and
    # a zero-mean series is refused (a data fact, not this test's subject)
    _setting(grids, "companions", "weights, topsis, coupling, obstacle, dagum, theil, kde")
    result = parse_grids(grids).run()
    assert {"topsis", "coupling", "obstacle", "dagum", "theil", "kde"} <= set(result.companions.measures)
