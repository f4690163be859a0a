"""The fast paths give the numbers of the slow ones, imports stay lazy, and the benchmark harness runs.

No test here is timed: speed is read from ``python -m benchmarks.bench`` (``make bench``), not asserted.
"""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import dnqp
from dnqp.excel import convert as excel
from benchmarks.bench import bare_entropy
from dnqp.engine.prepare import coerce_cell, coerce_frame
from dnqp.engine.regression import _classical_fit
import references as ref


def _statsmodels(y, x):
    from statsmodels.regression.linear_model import OLS

    return OLS(y, x).fit()


@pytest.mark.parametrize("case", ["longley", "scaled", "wide", "tall"])
def test_classical_fit_is_statsmodels_to_the_last_digits(case):
    rng = np.random.default_rng(len(case))
    if case == "longley":
        data = np.array(ref.LONGLEY_DATA, dtype=float)
        y, x = data[:, 0], data[:, 1:]
    else:
        n, k = {"scaled": (15, 3), "wide": (40, 8), "tall": (5000, 5)}[case]
        x = rng.normal(size=(n, k)) * 10.0 ** rng.integers(-3, 4, size=k)
        y = x @ rng.normal(size=k) + rng.normal(size=n)
    x = np.column_stack([x, np.ones(len(x))])
    ours, theirs = _classical_fit(y, x), _statsmodels(y, x)
    for name in ("params", "bse", "tvalues", "resid", "fittedvalues"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=1e-12, atol=0, err_msg=name)
    np.testing.assert_allclose(ours.cov_params(), theirs.cov_params(), rtol=1e-12, atol=0)
    for name in ("rsquared", "rsquared_adj", "fvalue", "f_pvalue", "mse_resid", "ssr", "df_model", "df_resid"):
        assert float(getattr(ours, name)) == pytest.approx(float(getattr(theirs, name)), rel=1e-12, abs=1e-300), name


def test_classical_ols_does_not_import_statsmodels():
    code = ("import sys, pandas as pd, dnqp; r = dnqp.ols(pd.Series([1.0, 2.5, 2.9, 4.2, 5.1]), "
            "pd.DataFrame({'x': [1.0, 2, 3, 4, 5]})); print('statsmodels' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_importing_the_worksheet_functions_loads_nothing_heavy():
    code = "import sys, dnqp.udfs; print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'statsmodels', " \
           "'linearmodels', 'openpyxl', 'xlsxwriter', 'rich', 'python_calamine'}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_object_columns_of_numbers_coerce_as_cell_by_cell():
    columns = {
        "ints": [1, 2, None, 4, float("nan")],
        "mixed": [1, 2.5, np.float64(3.25), np.int64(7), None],
        "big": [1.0, 10**200, float("inf"), -float("inf"), 2],
        "huge_int": [10**400, 1, 2, 3, 4],
        "bools": [1, True, 2.0, 3, 4],
        "text": [1, " 1,234.5", "NA", "12%", None],
        "empty": [None, None, None, None, None],
    }
    df = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()}).set_axis(range(2010, 2015))
    got = coerce_frame(df)
    for col, values in columns.items():
        expected = [coerce_cell(v)[0] for v in values]
        np.testing.assert_array_equal(got.data[col].to_numpy(), np.array(expected, dtype=float), err_msg=col)
    notes = {(n.row, n.column): n for n in got.notes}
    assert notes[(2011, "big")].reason == coerce_cell(10**200)[2]
    assert notes[(2012, "big")].reason == "an infinite value is not a number" and notes[(2012, "big")].original == np.inf
    assert notes[(2010, "huge_int")].action == "rejected"
    assert notes[(2011, "bools")].reason == "a TRUE/FALSE value is not a number"
    assert {k for k in notes if k[1] in ("ints", "mixed", "empty")} == set()


def test_float_tables_become_cells_as_value_by_value():
    df = pd.DataFrame({"a": [0.5, np.nan, -0.0], "b": [np.inf, 1e-300, 2.0]}, index=pd.Index([2010.0, 2011.0, 2012.0]))
    fast = excel.table_cells(df)
    slow = excel.cells([["", "a", "b"]] + [[excel._year(i), *r] for i, r in zip(df.index, df.to_numpy(dtype=object).tolist())])
    assert fast == slow and fast[1] == [2010, 0.5, ""]
    assert excel.table_cells(df, index=False, header=False) == [r[1:] for r in slow[1:]]
    years = excel.table_cells(df.set_axis(pd.Index([2010, 2011, 2012], name="Year")))
    assert years[0][0] == "Year" and [type(r[0]) for r in years[1:]] == [int] * 3
    assert all(type(v) is float for r in years[1:] for v in r[1:] if v != "")
    labelled = excel.table_cells(df.set_axis(pd.Index(["x", "y", "z"])), corner="Code")
    assert [r[0] for r in labelled] == ["Code", "x", "y", "z"]


def test_frame_keeps_the_cells_as_typed():
    rows = [["Year", "A", "B"], [2010.0, 1, "x"], [2011, None, 2.5], [2012, "NA", [1, 2]]]
    df = excel.frame(rows)
    assert list(df.index) == [2010, 2011, 2012]
    assert df.to_numpy().tolist() == [[1, "x"], [None, 2.5], ["NA", [1, 2]]]
    assert excel.frame([["A"], [(1, 2)]]).iat[0, 0] == (1, 2)


@pytest.mark.parametrize("n", [15, 5000])
def test_entropy_weights_agree_with_the_bare_formulas(n):
    rng = np.random.default_rng(n)
    x = rng.lognormal(size=(n, 6))
    dirs = np.array([1.0, -1, 1, 1, -1, 1])
    r = dnqp.entropy_weights(pd.DataFrame(x), ["+" if d > 0 else "-" for d in dirs], shift=0.01)
    w, scores = bare_entropy(x, dirs, 0.01)
    # Absolute on the weights (they sum to 1): a weight near 0 has d = 1 − e near 0, where one ulp of e
    # in a sum taken in another order is a large relative change.
    np.testing.assert_allclose(r.weights.to_numpy(), w, rtol=0, atol=1e-13)
    np.testing.assert_allclose(r.scores.to_numpy(), scores, rtol=1e-10, atol=1e-13)
    assert not np.signbit(r.standardized.to_numpy()).any()  # no −0.0 at a cost indicator's maximum


def test_the_benchmark_runs_at_smoke_size(tmp_path):
    pytest.importorskip("starlette")
    pytest.importorskip("uvicorn")
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--smoke", "--output", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = (tmp_path / "BENCHMARKS.md").read_text(encoding="utf-8")
    for title in ("Machine", "Entropy weights", "The whole study", "Cold start", "Worksheet functions", "Server",
                  "Scale", "Panel"):
        assert f"## {title}" in report
    assert "Load average" in report and "**no**" not in report  # every cross-check of the weights agreed


def test_a_frame_of_plain_numbers_is_coerced_in_one_step_with_the_same_notes():
    cells = [[1, 2.5, None], [float("inf"), 3, 10**200], [4, -float("inf"), np.float64(5.5)]]
    df = pd.DataFrame(cells, columns=["a", "b", "c"], index=[2010, 2011, 2012], dtype=object)
    got = coerce_frame(df)
    expected = pd.DataFrame([[coerce_cell(v)[0] for v in r] for r in cells], columns=df.columns, index=df.index)
    pd.testing.assert_frame_equal(got.data, expected)
    assert [(n.row, n.column, n.reason) for n in got.notes] == [
        (2011, "a", "an infinite value is not a number"), (2012, "b", "an infinite value is not a number"),
        (2011, "c", coerce_cell(10**200)[2])]
