"""The panel worksheet functions (dnqp.excel.functions_panel) on Excel-shaped ranges.

References: the entropy recomputed here with NumPy from METHOD.md's formulas (k = 1/ln(N·T) over the pooled
region-years; within each year for by_year); the regressions against linearmodels' PanelOLS called directly
(coefficients, within R²) and dnqp.panel_ols (the Stata-scaled standard errors, whose Stata parity the engine
tests hold).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xlwings as xw

import dnqp.udfs as udfs

N, T = 12, 5


def _panel(seed=0, n=N, t=T):
    rng = np.random.default_rng(seed)
    regions = [f"R{i:02d}" for i in range(n) for _ in range(t)]
    years = [2010 + j for _ in range(n) for j in range(t)]
    ind = rng.uniform(1, 10, size=(n * t, 3))
    x = rng.normal(size=(n * t, 2))
    y = 1.5 * x[:, 0] - 0.5 * x[:, 1] + np.repeat(rng.normal(size=n), t) + np.tile(rng.normal(size=t), n) \
        + rng.normal(scale=0.5, size=n * t)
    return regions, years, ind, x, y


def _col(name, values):
    return [[name]] + [[v] for v in values]


def _entropy_np(z_raw, dirs):
    """METHOD.md §2 on a matrix: min-max (cost reversed), p over the rows, k = 1/ln(rows)."""
    lo, hi = z_raw.min(0), z_raw.max(0)
    z = np.where(np.array(dirs) > 0, (z_raw - lo) / (hi - lo), (hi - z_raw) / (hi - lo))
    p = z / z.sum(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(0) / np.log(len(z))
    d = 1 - e
    w = d / d.sum()
    return w, z @ w


def test_global_entropy_pools_region_years():
    regions, years, ind, _, _ = _panel()
    data = [["Year", "a", "b", "c"]] + [[y, *row] for y, row in zip(years, ind.tolist())]
    out = udfs.ENTROPY_WEIGHTS(data, ["+", "-", "+"], region=_col("Region", regions))
    w, scores = _entropy_np(ind, [1, -1, 1])
    assert [r[0] for r in out[1:]] == ["a", "b", "c"]
    np.testing.assert_allclose([r[-1] for r in out[1:]], w, rtol=1e-12)
    # The k = 1/ln(T) slip would give other weights: the function is not it.
    sc = udfs.ENTROPY_SCORES(data, ["+", "-", "+"], region=_col("Region", regions))
    assert sc[0] == ["Region", "Year", "Index"]
    assert [r[:2] for r in sc[1:]] == [[r, y] for r, y in zip(regions, years)]
    np.testing.assert_allclose([r[2] for r in sc[1:]], scores, rtol=1e-12)


def test_rows_come_back_in_the_ranges_order():
    regions, years, ind, _, _ = _panel(1)
    order = np.random.default_rng(5).permutation(len(regions))
    data = [["Year", "a", "b", "c"]] + [[years[i], *ind[i].tolist()] for i in order]
    z = udfs.ENTROPY_STANDARDIZE(data, "+++", region=_col("Region", [regions[i] for i in order]))
    assert [r[:2] for r in z[1:]] == [[regions[i], years[i]] for i in order]
    lo, hi = ind.min(0), ind.max(0)
    np.testing.assert_allclose(np.array([r[2:] for r in z[1:]], dtype=float), ((ind - lo) / (hi - lo))[order],
                               rtol=1e-12)


def test_by_year_gives_a_year_by_indicator_table():
    regions, years, ind, _, _ = _panel(2)
    data = [["Year", "a", "b", "c"]] + [[y, *row] for y, row in zip(years, ind.tolist())]
    out = udfs.ENTROPY_WEIGHTS(data, "+-+", region=_col("Region", regions), panel_entropy="by_year")
    assert out[0] == ["Year", "a", "b", "c"]
    yrs = np.array(years)
    for row in out[1:]:
        w, _ = _entropy_np(ind[yrs == row[0]], [1, -1, 1])
        np.testing.assert_allclose(row[1:], w, rtol=1e-12)
    assert [r[0] for r in out[1:]] == list(range(2010, 2010 + T))


def test_time_series_calls_are_unchanged():
    data = [["Year", "a", "b"], [2010, 1.0, 5.0], [2011, 2.0, 3.0], [2012, 4.0, 4.0]]
    assert udfs.ENTROPY_WEIGHTS(data, "+-") == udfs.ENTROPY_WEIGHTS(data, "+-", region=None)
    assert udfs.ENTROPY_WEIGHTS(data, "+-") == udfs.ENTROPY_WEIGHTS(data, "+-", 0, "minmax", True, [[None]])


def _linearmodels(y, x, regions, years):
    from linearmodels.panel import PanelOLS

    idx = pd.MultiIndex.from_arrays([regions, years])
    fit = PanelOLS(pd.Series(y, index=idx), pd.DataFrame(x, index=idx, columns=["x1", "x2"]),
                   entity_effects=True, time_effects=True).fit()
    return fit


def test_xtreg_matches_linearmodels_and_reports_the_panel_lines():
    regions, years, _, x, y = _panel(3)
    out = udfs.DNQP_XTREG(_col("y", y), [["x1", "x2"]] + x.tolist(), _col("Region", regions), _col("Year", years))
    rows = {r[0]: r[1:] for r in out}
    ref = _linearmodels(y, x, regions, years)
    np.testing.assert_allclose([rows["x1"][0], rows["x2"][0]], ref.params[["x1", "x2"]], rtol=1e-10)
    # reghdfe's within R² is the R² of the two-way demeaned model: linearmodels' rsquared (after the effects).
    np.testing.assert_allclose(rows["Within R-squared"][0], ref.rsquared, rtol=1e-10)
    from dnqp.engine.panel_regression import panel_ols

    eng = panel_ols(pd.Series(y, name="y"), pd.DataFrame(x, columns=["x1", "x2"]), regions, years)
    np.testing.assert_allclose([rows["x1"][1], rows["x2"][1]], eng.bse[["x1", "x2"]], rtol=1e-12)
    assert rows["Observations"][0] == N * T and rows["Regions"][0] == N and rows["Years"][0] == T
    assert rows["Region FE"][0] == "Yes" and rows["Year FE"][0] == "Yes" and rows["Clusters"][0] == f"{N} (Region)"
    one = udfs.DNQP_XTREG(_col("y", y), [["x1", "x2"]] + x.tolist(), _col("Region", regions), _col("Year", years),
                          "region", "none", "nonrobust")
    rows1 = {r[0]: r[1:] for r in one}
    assert rows1["Year FE"][0] == "No" and rows1["Clusters"][0] == "—"
    assert "conventional" in rows1["Std. Err."][0]


def test_table_with_fixed_effects():
    regions, years, _, x, y = _panel(4)
    out = udfs.DNQP_TABLE(_col("y", y), _col("x1", x[:, 0]), _col("x2", x[:, 1]), region=_col("Region", regions),
                          year=_col("Year", years))
    labels = [r[0] for r in out]
    for row in ("Within R-squared", "Region FE", "Year FE", "Clusters", "Observations"):
        assert row in labels
    ref = _linearmodels(y, x, regions, years)
    assert out[1][1].startswith(f"{ref.params['x1']:.4f}")
    assert out[labels.index("Region FE")][1] == "Yes"
    # Old calls keep working: no region, a pooled table without FE rows.
    assert "Region FE" not in [r[0] for r in udfs.DNQP_TABLE(_col("y", y), _col("x1", x[:, 0]))]


def _message(func, *args, **kwargs) -> str:
    with pytest.raises(xw.XlwingsError) as err:
        func(*args, **kwargs)
    return str(err.value)


def test_one_line_messages_name_the_fault():
    regions, years, ind, x, y = _panel(5)
    data = [["Year", "a", "b", "c"]] + [[yy, *row] for yy, row in zip(years, ind.tolist())]
    twice = list(regions)
    twice[1] = twice[0]
    yrs = list(years)
    yrs[1] = yrs[0]
    msg = _message(udfs.ENTROPY_WEIGHTS, [data[0]] + [[yrs[i], *data[i + 1][1:]] for i in range(len(yrs))], "+++",
                   region=_col("Region", regions))
    assert "region R00, year 2010 is given twice" in msg
    assert "rows" in _message(udfs.ENTROPY_WEIGHTS, data, "+++", region=_col("Region", regions[:-1]))
    assert "panel_entropy" in _message(udfs.ENTROPY_WEIGHTS, data, "+++", region=_col("Region", regions),
                                       panel_entropy="yearly")
    const = np.repeat(np.arange(N, dtype=float), T)
    msg = _message(udfs.DNQP_XTREG, _col("y", y), [["x1", "c"]] + np.column_stack([x[:, 0], const]).tolist(),
                   _col("Region", regions), _col("Year", years))
    assert "c" in msg and "region" in msg
    assert "cluster" in _message(udfs.DNQP_XTREG, _col("y", y), _col("x1", x[:, 0]), _col("Region", regions),
                                 _col("Year", years), "twoway", "province")
    assert "region and year" in _message(udfs.DNQP_TABLE, _col("y", y), _col("x1", x[:, 0]),
                                         region=_col("Region", regions))
    for msg in (msg,):
        assert "\n" not in msg


def test_only_singletons_is_a_one_line_model_error():
    """Found by the fuzzer: every region seen once, so reghdfe's singleton rule drops every row."""
    msg = _message(udfs.DNQP_XTREG, _col("y", [1.0, 2.0, 4.0]), _col("x", [0.5, 1.0, 3.0]),
                   _col("Region", ["A", "B", "C"]), _col("Year", [2010, 2011, 2012]))
    assert "singleton" in msg and "\n" not in msg
