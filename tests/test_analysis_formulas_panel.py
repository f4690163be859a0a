"""The panel template's Analysis sheets, evaluated by the independent `formulas` engine.

As tests/test_analysis_formulas.py does for the time-series sample: the shipped panel sample is
evaluated by `formulas` with dnqp's worksheet functions registered, and every block is compared with
what ``dnqp run`` writes for the same workbook (its results workbook: Weights, Index (long),
Descriptives, VIF, Baseline column (3) and Heterogeneity) or, for the full fixed-effects model's every
column, with the engine's model of that column (``run_study``'s ``main``). The sample has two missing
values (Hebei A2 2015, Gansu D3 2019), which ``dnqp run`` imputes with the region's mean: the sheet's
formula imputation must give the same numbers (the Log's imputed values are checked cell by cell).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from dnqp.cli import main
from dnqp.workbook.formulas import ANALYSIS_SHEETS, PANEL_FUNCTIONS, analysis_formulas
from dnqp.workbook.xlsx import read_grids, read_workbook

from .conftest import ROOT
from .test_analysis_formulas import CALLS, Compare, _register, _sheet_rows, _shown, _table, _to_python, \
    resolve_structured_refs

formulas = pytest.importorskip("formulas")

PANEL = ROOT / "templates" / "dnqp_panel_sample.xlsx"


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory) -> dict:
    """Sheet → block key → the spilled values, as `formulas` computes them; and the functions called."""
    path = tmp_path_factory.mktemp("panel") / "panel.xlsx"
    assert resolve_structured_refs(PANEL, path) > 20
    _register(PANEL_FUNCTIONS)
    CALLS.clear()
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    grids = read_grids(PANEL)
    out = {}
    for sheet, web in ANALYSIS_SHEETS.items():
        out[sheet] = {}
        for f in analysis_formulas(grids, web, panel=True):
            key = f"'[{path.name}]{sheet.upper()}'!{f.ref}"
            assert key in solution, f"{sheet}!{f.anchor} ({f.key}) was not evaluated"
            out[sheet][f.key] = [[_to_python(v) for v in row] for row in np.asarray(solution[key].value).tolist()]
    out["calls"] = set(CALLS)
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("panel_run") / "results.xlsx"
    assert main(["run", "-q", str(PANEL), "-o", str(out)]) == 0
    inputs = read_workbook(PANEL)
    return openpyxl.load_workbook(out), inputs.run(), inputs


@pytest.fixture(scope="module", autouse=True)
def _report():
    """After the module: the largest relative difference over the compared numeric cells (pytest -s)."""
    Compare.worst = 0.0
    yield
    print(f"\nmax relative difference, panel Analysis (formulas engine) vs dnqp run: {Compare.worst:.3e}")


def _blank(v):
    return v is None or v == ""


def test_every_function_is_called_and_both_variants_agree(evaluated):
    assert evaluated["calls"] == set(PANEL_FUNCTIONS)
    assert evaluated["Analysis"] == evaluated["Analysis (web)"]
    for key, rows in evaluated["Analysis"].items():
        assert not any(isinstance(v, str) and v.startswith("#") for r in rows for v in r), f"{key}: {rows[:3]}"


def test_the_sample_has_gaps_and_the_formulas_impute_them_as_dnqp_run(evaluated, reference):
    wb, _, inputs = reference
    b = evaluated["Analysis"]
    imputed = {(r[2], r[3], r[4]): r[5] for r in _table(wb, "Log", "Cell", 6) if r[1] == "Data"}
    assert len(imputed) == 2  # Hebei A2 2015, Gansu D3 2019, typed NA
    header = b["data"][0]
    assert header == ["Year", *inputs.data.columns]
    got = {(region[0], row[0], code): v for region, row in zip(b["region"][1:], b["data"][1:])
           for code, v in zip(header[1:], row[1:])}
    for key, want in imputed.items():
        Compare.cell(got[key], want, f"imputed {key}")
    # every other cell is the value as typed (dnqp run's analysis reads the same)
    for (region, year), row in inputs.data.iterrows():
        for code, v in row.items():
            if not math.isnan(v):
                Compare.cell(got[(region, int(year), code)], v, f"data {region} {year} {code}")


def test_weights_and_index_equal_dnqp_run(evaluated, reference):
    wb, result, _ = reference
    b = evaluated["Analysis"]
    weights = _table(wb, "Weights", "Dimension", 7)
    assert b["weights"][0] == ["Indicator", "Entropy e", "Divergence d", "Weight w"]
    Compare.rows(b["weights"][1:], [[r[1], *r[4:7]] for r in weights], "weights")

    long = _table(wb, "Index (long)", "Region", 3 + 1 + result.index.shape[1] - 1)
    head = list(_sheet_rows(wb, "Index (long)")[1])
    want = {(r[0], r[2]): r[3:] for r in long}  # Region, Group, Year, index, sub-indices
    assert b["index"][0] == ["Region", "Year", "Index", *head[4:4 + result.index.shape[1] - 1]]
    assert len(b["index"]) - 1 == len(want) == 372
    Compare.rows([r[2:] for r in b["index"][1:]], [list(want[(r[0], r[1])]) for r in b["index"][1:]], "index")


def test_descriptives_vif_and_fe_model_equal_dnqp_run(evaluated, reference):
    wb, result, _ = reference
    b = evaluated["Analysis"]
    Compare.rows(b["descriptives"][1:], _table(wb, "Descriptives", "Variable", 6), "descriptives")
    vif = _table(wb, "VIF", "Variable", 3)
    Compare.rows(b["vif"][1:], [[v if v is not None else "" for v in r] for r in vif], "vif")

    # the full two-way model: every column against the engine's, coefficients and t against the results file
    fe = b["fe"]
    main_ = result.main.table()
    k = len(main_)
    assert fe[0] == [result.dependent, *main_.columns]
    Compare.rows([r[:7] for r in fe[1:1 + k]], [[name, *row[:6]] for name, row in zip(main_.index, main_.to_numpy().tolist())],
                 "fe")
    assert [r[7] for r in fe[1:1 + k]] == list(main_["Sig."].fillna(""))
    rows = _sheet_rows(wb, "Baseline")
    column = 3  # (3) + FE
    assert rows[1][column].startswith("(3)")
    coef = {r[0]: (r[column], rows[i + 1][column]) for i, r in enumerate(rows) if r[0] in main_.index}
    for r in fe[1:1 + k]:
        if r[0] in coef:
            c, t = coef[r[0]]
            Compare.cell(r[1], c, f"fe {r[0]} coefficient vs Baseline (3)")
            Compare.cell(r[3], t, f"fe {r[0]} t vs Baseline (3)")
    stats = {r[0]: r[1] for r in fe[1 + k:]}
    assert stats["Observations"] == 372 and stats["Regions"] == 31 and stats["Years"] == 12
    Compare.cell(stats["Within R-squared"], result.main.rsquared_within, "within R-squared")
    assert stats["Region FE"] == "Yes" and stats["Year FE"] == "Yes" and "Region" in stats["Std. Err."]


def test_heterogeneity_equals_dnqp_run(evaluated, reference):
    wb, result, _ = reference
    table = evaluated["Analysis"]["heterogeneity"]
    ws = wb["Heterogeneity"]
    rows = list(ws.iter_rows())
    start = next(i for i, r in enumerate(rows) if r[0].value == result.dependent)
    assert table[0] == [result.dependent, *[c.value for c in rows[start - 1][1:len(table[0])]]]
    body = table[1:-1]
    compared = 0
    for i, got_row in enumerate(body):
        cells = rows[start + 1 + i][:len(got_row)]
        assert got_row[0] == (cells[0].value or ""), f"heterogeneity row {i}: {got_row[0]!r} != {cells[0].value!r}"
        for j, cell in enumerate(cells[1:], start=1):
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                assert got_row[j] == _shown(cell.value, cell.number_format), f"heterogeneity[{i}][{j}]"
                compared += 1
            else:
                assert _blank(got_row[j]) == _blank(cell.value) and (_blank(cell.value) or got_row[j] == cell.value), \
                    f"heterogeneity[{i}][{j}]: {got_row[j]!r} != {cell.value!r}"
    assert compared >= 4 * 14
    assert table[-1][0].startswith("t statistics in parentheses")


def test_panel_sheet_note_states_the_imputation():
    wb = openpyxl.load_workbook(PANEL)
    for sheet in ANALYSIS_SHEETS:
        note = wb[sheet]["A2"].value
        assert "mean of its region's values" in note and "same region-years in the same order" in note


def test_spill_sizes_are_the_functions_output_sizes(evaluated):
    """The spill range recorded in the file is the size of what each function returns (by_year weights too)."""
    from dnqp.excel import functions as udfs

    b = evaluated["Analysis"]
    grids = read_grids(PANEL)
    size = {f.key: (f.rows, f.cols) for f in analysis_formulas(grids, panel=True)}
    y, X, region, year = b["y"], b["X"], b["region"], b["year"]

    def shape(rows):
        return len(rows), len(rows[0])

    assert shape(udfs.DNQP_XTREG(y, X, region, year)) == size["fe"]
    cores = [r[3:] for r in b["index"]]
    assert shape(udfs.DNQP_TABLE(y, cores, [r[1:] for r in X], "nonrobust", "Sub-index", True, region, year)) \
        == size["heterogeneity"]
    assert shape(udfs.ENTROPY_WEIGHTS(b["data"], b["directions"], 0, "minmax", True, region)) == size["weights"]
    assert shape(udfs.ENTROPY_SCORES(b["data"], b["directions"], b["labels"], 0, "global", True, region)) \
        == size["index"]

    settings = grids["Settings"]
    row = next(i for i, r in enumerate(settings) if r[0] == "panel_entropy")
    by_year = {**grids, "Settings": [*settings[:row], ["panel_entropy", "by_year", *settings[row][2:]],
                                     *settings[row + 1:]]}
    want = shape(udfs.ENTROPY_WEIGHTS(b["data"], b["directions"], 0, "minmax", True, region, "by_year"))
    assert want == (12 + 1, 10 + 1)
    assert {f.key: (f.rows, f.cols) for f in analysis_formulas(by_year, panel=True)}["weights"] == want
