"""The worksheet functions called as plain Python with Excel-shaped inputs return the engine's numbers."""

import math

import numpy as np
import pandas as pd
import pytest
import xlwings as xw

import dnqp
from dnqp.excel import functions as udfs
from dnqp.engine.sample import DIMENSION_LABELS, load_sample

ORACLE = [[120, 3.2, 45, 0.8], [95, 4.1, 38, 1.2], [150, 2.7, 52, 0.6], [110, 3.9, 41, 1.0], [80, 3.5, 60, 0.9]]
HEAD = ["A1", "A2", "D1", "D4"]
W = [0.290380, 0.236443, 0.229248, 0.243930]
E = [0.778169, 0.819373, 0.824870, 0.813654]
S = [0.487990, 0.771844, 0.373743, 0.687720, 0.257075]


def flat(rows):
    return [v for r in rows for v in r]


def no_nan_or_inf(rows):
    return all(not (isinstance(v, float) and not math.isfinite(v)) for v in flat(rows))


@pytest.fixture(scope="module")
def study():
    s = load_sample()
    return dnqp.run_study(s["indicators"], s["data"], s["variables"], s["model"], dimension_labels=DIMENSION_LABELS)


def grid_of(df: pd.DataFrame, year: bool = False) -> list[list]:
    """A DataFrame laid out as Excel sends it: header row, then values; optionally a Year column."""
    head = (["Year"] if year else []) + list(df.columns)
    body = [([int(i)] if year else []) + [None if pd.isna(v) else float(v) for v in row]
            for i, row in zip(df.index, df.to_numpy())]
    return [head] + body


def test_entropy_weights_oracle():
    out = udfs.ENTROPY_WEIGHTS([HEAD] + ORACLE, [["+", "+", "-", "+"]])
    assert out[0] == ["Indicator", "Entropy e", "Divergence d", "Weight w"]
    assert [r[0] for r in out[1:]] == HEAD
    assert [r[3] for r in out[1:]] == pytest.approx(W, abs=5e-7)
    assert [r[1] for r in out[1:]] == pytest.approx(E, abs=5e-7)
    assert [r[2] for r in out[1:]] == pytest.approx([1 - e for e in E], abs=5e-7)


@pytest.mark.parametrize("directions", [
    [["+", "+", "-", "+"]],                       # a row
    [["+"], ["+"], ["-"], ["+"]],                 # a column
    [["Direction"], ["+"], ["+"], ["−"], ["+"]],  # a column with its header, Unicode minus
    [[1, 1, -1, 1]],
    [[1.0, 1.0, -1.0, 1.0]],
    [["benefit", "benefit", "cost", "benefit"]],
    [["正向", "正向", "负向", "正向"]],
    ["+", "+", "-", "+"],                         # a 1-D list (how xlwings reads a one-row range)
])
def test_directions_as_typed(directions):
    out = udfs.ENTROPY_WEIGHTS([HEAD] + ORACLE, directions)
    assert [r[3] for r in out[1:]] == pytest.approx(W, abs=5e-7)


def test_no_header_and_year_column():
    out = udfs.ENTROPY_WEIGHTS(ORACLE, [["+", "+", "-", "+"]], None, None, False)
    assert [r[0] for r in out[1:]] == ["x1", "x2", "x3", "x4"]
    assert [r[3] for r in out[1:]] == pytest.approx(W, abs=5e-7)
    with_years = [["Year"] + HEAD] + [[2020 + i] + r for i, r in enumerate(ORACLE)]
    scores = udfs.ENTROPY_SCORES(with_years, [["+", "+", "-", "+"]])
    assert scores[0] == ["Year", "Index"]
    assert [r[0] for r in scores[1:]] == [2020, 2021, 2022, 2023, 2024]
    assert [r[1] for r in scores[1:]] == pytest.approx(S, abs=5e-7)


def test_scores_and_subindices_match_engine():
    dims = [["Infra", "Infra", "Green", "Green"]]
    out = udfs.ENTROPY_SCORES([HEAD] + ORACLE, dims and [["+", "+", "-", "+"]], dims)
    assert out[0] == ["Index", "Infra", "Green"]
    assert [r[0] for r in out[1:]] == pytest.approx(S, abs=5e-7)
    r = dnqp.entropy_weights(pd.DataFrame(ORACLE, columns=HEAD), "++-+")
    sub = r.subindices({"A1": "Infra", "A2": "Infra", "D1": "Green", "D4": "Green"})
    assert [row[1] for row in out[1:]] == pytest.approx(sub["Infra"].tolist(), rel=1e-14)
    within = udfs.ENTROPY_SCORES([HEAD] + ORACLE, [["+", "+", "-", "+"]], dims, 0, "within")
    assert [row[2] for row in within[1:]] == pytest.approx(
        r.subindices(dict(zip(HEAD, dims[0])), "within")["Green"].tolist(), rel=1e-14)


def test_standardize_and_shift():
    out = udfs.ENTROPY_STANDARDIZE([HEAD] + ORACLE, [["+", "+", "-", "+"]], 0.01)
    r = dnqp.entropy_weights(pd.DataFrame(ORACLE, columns=HEAD), "++-+", shift=0.01)
    assert out[0] == HEAD
    assert np.allclose(np.array(out[1:], dtype=float), r.standardized.to_numpy(), rtol=0, atol=0)
    # D1 is a cost indicator: its largest value (60) standardises to the shift.
    assert out[5][2] == pytest.approx(0.01)


def test_missing_value_markers_reach_the_engine_as_missing():
    rows = [HEAD] + [list(r) for r in ORACLE]
    for marker in (None, "", "NA", "#N/A", " na "):
        rows[2][1] = marker
        with pytest.raises(xw.XlwingsError, match=r"^indicator A2, row 2 is missing: impute it first$"):
            udfs.ENTROPY_WEIGHTS(rows, [["+", "+", "-", "+"]])
    imputed = udfs.DNQP_IMPUTE(rows)
    assert imputed[2][1] == pytest.approx(np.mean([3.2, 2.7, 3.9, 3.5]))
    nested = udfs.ENTROPY_WEIGHTS(imputed, [["+", "+", "-", "+"]])
    assert len(nested) == 5


def test_errors_are_one_line_xlwings_errors():
    cases = [
        (lambda: udfs.ENTROPY_WEIGHTS([HEAD] + ORACLE, [["+", "+", "-", "?"]]),
         "indicator D4: direction '?' is neither + (benefit) nor − (cost)"),
        (lambda: udfs.ENTROPY_WEIGHTS([HEAD] + ORACLE, [["+", "+", "-"]]), "3 directions given for 4 indicators"),
        (lambda: udfs.ENTROPY_WEIGHTS([["A", None]] + ORACLE, [["+"] * 4]),
         "column 2 of the data range has no label in its header row"),
        (lambda: udfs.ENTROPY_WEIGHTS([HEAD] + [r[:3] + [1.0] for r in ORACLE], "++-+"),
         "indicator D4 is constant over 1–5: its entropy weight is undefined"),
        (lambda: udfs.ENTROPY_WEIGHTS([HEAD] + ORACLE, "++-+", None, "zscore"),
         "standardisation 'zscore' is not one of minmax, interval, none"),
        (lambda: udfs.DNQP_OLS([["y"], [1], [2], [3]], [["x"], [1], [2], [3]], "white"),
         "covariance 'white' is not one of nonrobust, HC1, HC3, HAC"),
        (lambda: udfs.DNQP_STAT([["y"], [1], [2], [4], [3]], [["x"], [1], [2], [3], [5]], "coef:z"),
         "the model has no term z (terms: x, _cons)"),
        (lambda: udfs.DNQP_STAT([["y"], [1], [2]], [["x"], [1], [2]], "aic"),
         "stat 'aic' is not one of r2, adj_r2, f, f_p, n, rmse, coef:NAME, se:NAME, t:NAME, p:NAME"),
        (lambda: udfs.DNQP_OLS([["y"], [1], [2], [3], [5]], [["x"], [1], ["abc"], [3], [4]]),
         "variable x, row 2: text is not a number ('abc')"),
    ]
    for call, message in cases:
        with pytest.raises(xw.XlwingsError) as info:
            call()
        assert str(info.value) == message
        assert "\n" not in str(info.value)


def test_ols_matches_engine(study):
    a = study.analysis_data
    dep, regs = study.dependent, list(study.baseline.params.index[:-1])
    out = udfs.DNQP_OLS(grid_of(a[[dep]], year=True), grid_of(a[regs], year=True))
    fit = study.baseline
    assert out[0] == [dep, "Coef.", "Std. Err.", "t", "P>|t|", "[95% Conf.", "Interval]", "Sig."]
    terms = [r[0] for r in out[1:len(regs) + 2]]
    assert terms == regs + ["_cons"]
    for row, term in zip(out[1:], terms):
        assert row[1] == pytest.approx(fit.params[term], rel=1e-12)
        assert row[2] == pytest.approx(fit.bse[term], rel=1e-12)
        assert row[4] == pytest.approx(fit.pvalues[term], rel=1e-12)
        assert row[7] == dnqp.stars(fit.pvalues[term])
    stats = {r[0]: r[1] for r in out[len(regs) + 2:]}
    assert list(stats) == ["Observations", "R-squared", "Adj R-squared", "F", "Prob > F", "Root MSE"]
    assert stats["Observations"] == 15 and isinstance(stats["Observations"], int)
    assert stats["R-squared"] == pytest.approx(fit.rsquared, rel=1e-12)
    assert stats["F"] == pytest.approx(fit.fvalue, rel=1e-12)
    assert all(len(r) == len(out[0]) for r in out)
    assert no_nan_or_inf(out)


def test_ols_robust_and_hac(study):
    a = study.analysis_data
    dep, regs = study.dependent, list(study.baseline.params.index[:-1])
    for cov, lags in (("HC1", None), ("HAC", 2)):
        engine = dnqp.ols(a[dep], a[regs], cov=cov, maxlags=lags)
        out = udfs.DNQP_OLS(grid_of(a[[dep]]), grid_of(a[regs]), cov, lags)
        assert [r[2] for r in out[1:len(regs) + 2]] == pytest.approx(engine.bse.tolist(), rel=1e-12)


def test_stat(study):
    a = study.analysis_data
    dep, regs = study.dependent, list(study.baseline.params.index[:-1])
    y, X, fit = grid_of(a[[dep]]), grid_of(a[regs]), study.baseline
    expected = {"r2": fit.rsquared, "adj_r2": fit.rsquared_adj, "f": fit.fvalue, "f_p": fit.f_pvalue,
                "n": 15, "rmse": fit.rmse, "coef:DNQP": fit.params["DNQP"], "se:lnPort": fit.bse["lnPort"],
                "t:_cons": fit.tvalues["_cons"], "P:DNQP": fit.pvalues["DNQP"]}
    for stat, value in expected.items():
        assert udfs.DNQP_STAT(y, X, stat) == pytest.approx(value, rel=1e-12)


def test_vif_describe(study):
    a = study.analysis_data
    regs = list(study.baseline.params.index[:-1])
    out = udfs.DNQP_VIF(grid_of(a[regs]))
    assert out[0] == ["Variable", "VIF", "1/VIF"]
    assert [r[0] for r in out[1:]] == list(study.vif.index)
    assert [r[1] for r in out[1:]] == pytest.approx(study.vif["VIF"].tolist(), rel=1e-12)
    assert out[-1][2] == ""  # Mean VIF has no 1/VIF: "" rather than NaN
    desc = udfs.DNQP_DESCRIBE(grid_of(a[study.descriptives.index], year=True))
    assert desc[0] == ["Variable", "Obs", "Mean", "Std. Dev.", "Min", "Max"]
    assert np.allclose(np.array([r[1:] for r in desc[1:]], dtype=float), study.descriptives.to_numpy(), rtol=1e-13)
    one = udfs.DNQP_DESCRIBE([["x"], [1.0], [None]])
    assert one[1][3] == ""  # std of one observation is undefined: ""


def test_impute_linear_with_years():
    rows = [["Year", "a"], [2010, 1.0], [2011, "#N/A"], [2012, 3.0], [2013, None], [2014, 4.0]]
    out = udfs.DNQP_IMPUTE(rows, "linear")
    assert out == [["Year", "a"], [2010, 1.0], [2011, 2.0], [2012, 3.0], [2013, 3.5], [2014, 4.0]]
    assert rows[2][1] == "#N/A"  # the input is never modified


def test_table_is_the_heterogeneity_table(study):
    a = study.analysis_data
    subs = list(study.index.columns[1:])
    controls = list(study.baseline.params.index[1:-1])
    out = udfs.DNQP_TABLE(grid_of(a[[study.dependent]]), grid_of(a[subs]), grid_of(a[controls]))
    het = study.heterogeneity_table
    assert out[0] == [study.dependent] + list(het.columns)
    body = out[1:1 + len(het)]
    assert [r[1:] for r in body] == het.to_numpy().tolist()
    assert body[0][0] == "Sub-index" and body[1][0] == ""
    assert out[-1][0].startswith("t statistics in parentheses")


def test_version():
    assert udfs.DNQP_VERSION() == dnqp.__version__


def test_every_function_documented():
    import inspect

    from dnqp.excel.functions_audit import _DOC as AUDIT_DOC

    for name in udfs.__all__:
        func = getattr(udfs, name)
        assert func.__doc__ and len(func.__doc__) < 255, name
        docs = AUDIT_DOC if name == "DNQP_AUDIT" else udfs.DOC  # DNQP_AUDIT documents its own arguments
        for p in inspect.signature(func).parameters:
            assert docs.get(p), (name, p)
    assert no_nan_or_inf(udfs.ENTROPY_WEIGHTS([HEAD] + ORACLE, "++-+"))


def test_importing_udfs_defers_statsmodels_and_scipy():
    import subprocess
    import sys

    code = "import sys, dnqp.udfs; print(any(m in sys.modules for m in ('scipy', 'statsmodels')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_unexpected_failure_is_still_one_line_in_the_cell(monkeypatch):
    """The safety net: a bug (not bad input) shows a one-line message, never a traceback."""
    import xlwings as xw

    from dnqp.excel import functions as udfs

    with pytest.raises(xw.XlwingsError, match="a dimension is named Index"):
        udfs.ENTROPY_SCORES([["a", "b"], [1, 2], [2, 5], [3, 1]], "++", [["Index", "x"]])

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(udfs, "_entropy_weights", broken)
    with pytest.raises(xw.XlwingsError) as err:
        udfs.ENTROPY_WEIGHTS([["a", "b"], [1, 2], [2, 5], [3, 1]], "++")
    assert str(err.value) == "dnqp internal error (KeyError: 'boom'); please report it"


def test_historical_module_name_exposes_the_same_catalogue():
    """Users' workbooks and the add-in's VBA call ``dnqp.udfs``: it must keep every function, unchanged."""
    import dnqp.udfs as legacy

    assert legacy.__all__ == udfs.__all__
    for name in udfs.__all__:
        assert getattr(legacy, name) is getattr(udfs, name)
