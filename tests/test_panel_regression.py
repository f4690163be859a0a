"""Panel regressions against Stata's own output (xtreg, regress: stored in linearmodels' test suite; reghdfe:
printed in pyfixest's documentation), an independent NumPy LSDV computation of reghdfe's rule, and the
panel-specific errors. Provenance: tests/references_panel.py."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dnqp.engine.panel_regression import (
    MIN_CLUSTERS,
    absorbed_degrees,
    drop_singletons,
    panel_describe,
    panel_ols,
    panel_vif,
    small_sample_scale,
)
from dnqp.engine.regression import ols
from dnqp.engine.tables import model_table
from dnqp.errors import CollinearityError, DataError, SettingsError

from .references_panel import (
    PYFIXEST_REGHDFE,
    PYFIXEST_REGRESS,
    STATA_XTREG,
    linearmodels_simulated_panel,
    pyfixest_data,
)

SIM = linearmodels_simulated_panel()
XS = ["x1", "x2", "x3", "x4", "x5"]


def _sample(suffix: str) -> pd.DataFrame:
    cols = [v + suffix for v in ["y", *XS]]
    return SIM[["firm", "year", *cols]].dropna().set_axis(["firm", "year", "y", *XS], axis=1)


@pytest.mark.parametrize("suffix", ["", "_light", "_heavy"])
@pytest.mark.parametrize("vce", ["conventional", "robust", "cluster"])
def test_xtreg_fe_matches_stata(suffix, vce):
    """``xtreg y x1-x5, fe vce(...)``: 12-digit Stata output; unbalanced ``_light``/``_heavy`` with singletons."""
    ref = STATA_XTREG[f"fixed_effect-{vce}--{suffix}"]
    d = _sample(suffix)
    cov = {"conventional": "nonrobust", "robust": "robust", "cluster": "cluster"}[vce]
    r = panel_ols(d.y, d[XS], d.firm, d.year, effects="region", cov=cov, convention="xtreg")
    st = ref["stats"]
    assert r.nobs == st["N"] and r.n_regions == st["N_g"]
    assert r.df_resid == st["df_r"]
    for term, (b, t) in ref["b_t"].items():
        assert r.params[term] == pytest.approx(b, rel=1e-9), term
        assert r.tvalues[term] == pytest.approx(t, rel=1e-8), term
    assert r.fvalue == pytest.approx(st["F"], rel=1e-8)
    assert r.rsquared_within == pytest.approx(st["r2_w"], rel=1e-9)
    assert r.rmse == pytest.approx(st["sigma_e"], rel=1e-9)
    assert r.cov_type == ("nonrobust" if vce == "conventional" else "cluster")
    assert r.stata.startswith("xtreg y x1 x2 x3 x4 x5, fe")
    assert len(r.singletons) == 0  # xtreg keeps singleton panels


@pytest.mark.parametrize("vce", ["conventional", "robust", "cluster"])
def test_pooled_regress_matches_stata(vce):
    ref = STATA_XTREG[f"pooled-{vce}--"]
    d = _sample("")
    cov = {"conventional": "nonrobust", "robust": "robust", "cluster": "cluster"}[vce]
    r = panel_ols(d.y, d[XS], d.firm, d.year, effects="none", cov=cov)
    for term, (b, t) in ref["b_t"].items():
        assert r.params[term] == pytest.approx(b, rel=1e-9), term
        assert r.tvalues[term] == pytest.approx(t, rel=1e-8), term
    assert r.fvalue == pytest.approx(ref["stats"]["F"], rel=1e-8)
    assert r.rsquared == pytest.approx(ref["stats"]["r2"], rel=1e-9)
    if vce != "cluster":  # the same numbers as dnqp's time-series OLS
        o = ols(d.y, d[XS], cov="HC1" if vce == "robust" else "nonrobust")
        np.testing.assert_allclose(r.bse.to_numpy(), o.bse.to_numpy(), rtol=1e-10)


def test_reghdfe_and_xtreg_conventions_agree_without_singletons():
    d = _sample("")  # balanced: no singletons
    a = panel_ols(d.y, d[XS], d.firm, d.year, effects="region", cov="cluster", convention="xtreg")
    b = panel_ols(d.y, d[XS], d.firm, d.year, effects="region", cov="cluster")
    np.testing.assert_allclose(a.bse.to_numpy(), b.bse.to_numpy(), rtol=1e-13)
    assert b.stata == "reghdfe y x1 x2 x3 x4 x5, absorb(Region) vce(cluster Region)"
    assert a.stata == "xtreg y x1 x2 x3 x4 x5, fe vce(cluster Region)"


def test_reghdfe_drops_singletons_and_says_so():
    d = _sample("_heavy")
    r = panel_ols(d.y, d[XS], d.firm, d.year, effects="region", cov="cluster")
    counts = d.firm.value_counts()
    assert len(r.singletons) == int((counts == 1).sum()) and r.nobs == int(counts[counts > 1].sum())
    assert r.n_regions == int((counts > 1).sum())
    assert any("singleton observation(s) dropped" in w and "reghdfe" in w for w in r.warnings)
    # Coefficients do not move (a singleton's FE fits it exactly); the standard errors do, slightly.
    x = panel_ols(d.y, d[XS], d.firm, d.year, effects="region", cov="cluster", convention="xtreg")
    np.testing.assert_allclose(r.params[XS].to_numpy(), x.params[XS].to_numpy(), rtol=1e-10)


def _lsdv_reghdfe(d: pd.DataFrame, xs: list[str], clusters: np.ndarray | None = None) -> SimpleNamespace:
    """Independent NumPy: two-way LSDV with dummies, cluster-by-region sandwich with reghdfe's factor."""
    regions = pd.factorize(d.Region)[0]
    groups = regions if clusters is None else pd.factorize(clusters)[0]
    years = pd.factorize(d.Year)[0]
    R, T = regions.max() + 1, years.max() + 1
    D = np.zeros((len(d), R + T - 1))
    D[np.arange(len(d)), regions] = 1
    for t in range(1, T):
        D[years == t, R + t - 1] = 1
    Z = np.column_stack([d[xs].to_numpy(), D])
    beta, *_ = np.linalg.lstsq(Z, d.y.to_numpy(), rcond=None)
    e = d.y.to_numpy() - Z @ beta
    # FWL: the slopes' sandwich uses X residualised on the dummies.
    Xt = d[xs].to_numpy() - D @ np.linalg.lstsq(D, d[xs].to_numpy(), rcond=None)[0]
    bread = np.linalg.inv(Xt.T @ Xt)
    G = groups.max() + 1
    meat = sum(np.outer(Xt[groups == g].T @ e[groups == g], Xt[groups == g].T @ e[groups == g]) for g in range(G))
    N, K = len(d), len(xs) + (T - 1) + 1  # + the constant; the region effects are nested in the clusters
    V = bread @ meat @ bread * G / (G - 1) * (N - 1) / (N - K)
    yt = d.y.to_numpy() - D @ np.linalg.lstsq(D, d.y.to_numpy(), rcond=None)[0]  # y net of both effects
    b = beta[: len(xs)]
    df_a = R + T - 1  # every absorbed level (connected panel)
    return SimpleNamespace(b=b, se=np.sqrt(np.diag(V)), r2=1 - (e @ e) / ((d.y.to_numpy() - d.y.mean()) ** 2).sum(),
                           r2_within=1 - (e @ e) / (yt @ yt), F=b @ np.linalg.solve(V, b) / len(xs),
                           rmse=np.sqrt((e @ e) / (N - len(xs) - df_a)), N=N, df_a=df_a)


def test_twoway_cluster_matches_an_independent_lsdv_with_reghdfes_rule():
    rng = np.random.default_rng(7)
    rows = [(f"R{r:02d}", y) for r in range(25) for y in range(2010, 2018) if rng.random() > 0.2]
    rows += [("Solo", 2012)]  # a singleton region: reghdfe drops it
    d = pd.DataFrame(rows, columns=["Region", "Year"])
    d["x1"] = rng.normal(size=len(d))
    d["x2"] = rng.normal(size=len(d)) + d.Year * 0.01
    d["y"] = 0.5 * d.x1 - 0.3 * d.x2 + pd.factorize(d.Region)[0] * 0.1 + rng.normal(size=len(d))
    r = panel_ols(d.y, d[["x1", "x2"]], d.Region, d.Year, effects="twoway", cov="cluster")
    kept = d[d.Region != "Solo"]
    ref = _lsdv_reghdfe(kept, ["x1", "x2"])
    np.testing.assert_allclose(r.params[["x1", "x2"]].to_numpy(), ref.b, rtol=1e-10)
    np.testing.assert_allclose(r.bse[["x1", "x2"]].to_numpy(), ref.se, rtol=1e-10)
    assert r.rsquared == pytest.approx(ref.r2, rel=1e-10)
    assert r.rsquared_within == pytest.approx(ref.r2_within, rel=1e-9)
    assert r.rsquared_adj == pytest.approx(1 - (1 - ref.r2) * (ref.N - 1) / (ref.N - 2 - ref.df_a), rel=1e-10)
    assert r.fvalue == pytest.approx(ref.F, rel=1e-9) and r.rmse == pytest.approx(ref.rmse, rel=1e-10)
    assert r.nobs == len(kept) and r.n_clusters == 25 and r.df_resid == 24
    assert r.absorbed.loc["Year", "Num. Coefs"] == 7 and r.absorbed.loc["Region", "Num. Coefs"] == 0
    assert r.fe_rows().to_dict() == {"Region FE": "Yes", "Year FE": "Yes", "Clusters": "25 (Region)"}


def _linearmodels_raw(d: pd.DataFrame, twoway: bool, cov: str):
    """linearmodels' unscaled covariance on pyfixest's (cross-classified) data: f1 entity, f2 an other effect."""
    from linearmodels import PanelOLS

    s = d.assign(_cons=1.0, row=np.arange(len(d))).set_index(["f1", "row"])
    other = s[["f2"]] if twoway else None
    kw = dict(cov_type=cov, debiased=False, auto_df=False, count_effects=False)
    if cov == "clustered":
        kw["cluster_entity"] = True
    return PanelOLS(s.Y, s[["X1", "X2", "_cons"]], entity_effects=True, other_effects=other).fit(**kw)


@pytest.mark.parametrize("spec", list(PYFIXEST_REGHDFE))
def test_small_sample_rule_reproduces_reghdfe_printouts(spec):
    ref = PYFIXEST_REGHDFE[spec]
    d = pyfixest_data()
    check = d.dropna(subset=["Y", "X1"])
    o = ols(check.Y, check[["X1"]])  # the data are pyfixest's: Stata's `regress Y X1` on them
    assert o.nobs == PYFIXEST_REGRESS["N"]
    for term in ("X1", "_cons"):
        assert o.params[term] == pytest.approx(PYFIXEST_REGRESS["b"][term], abs=6e-7)
        assert o.bse[term] == pytest.approx(PYFIXEST_REGRESS["se"][term], abs=6e-8)
    d = d.dropna(subset=["Y", "X1", "X2", "f1", "f2"]).reset_index(drop=True)
    twoway = "f2" in spec
    clustered = "cluster" in spec
    res = _linearmodels_raw(d, twoway, "clustered" if clustered else "unadjusted")
    G, T = d.f1.nunique(), d.f2.nunique()
    fe = absorbed_degrees(d.f1.astype(str).to_numpy(), d.f2.to_numpy() if twoway else None, nested=clustered)
    if twoway:
        assert tuple(fe.loc["Year", ["Categories", "Redundant", "Num. Coefs"]]) == ref["absorbed"]["f2"]
    df_a = int(fe["Num. Coefs"].sum())
    # K counts the constant too; without clusters the constant is one of the region effects' levels.
    scale, df = small_sample_scale("cluster" if clustered else "nonrobust", len(d), 2,
                                   df_a + 1 if clustered else df_a, G if clustered else None)
    assert (int(df) if clustered else len(d) - 2 - df_a) == ref["df"][1]
    se = np.sqrt(np.diag(res.cov.to_numpy()) * scale)
    for j, term in enumerate(["X1", "X2", "_cons"]):
        assert res.params.iloc[j] == pytest.approx(ref["b"][term], abs=6e-7), term
        assert se[j] == pytest.approx(ref["se"][term], abs=6e-7 if term == "_cons" else 6e-8), term
    assert G == 30 and T == 30 and len(d) == ref["N"]


def test_regressor_constant_within_every_region_is_named():
    idx = pd.MultiIndex.from_product([[f"R{i}" for i in range(12)], range(2015, 2020)], names=["Region", "Year"])
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"x": rng.normal(size=len(idx)), "coastal": np.repeat(rng.integers(0, 2, 12), 5) * 1.0,
                      "trend": np.tile(np.arange(5.0), 12) ** 1.5}, index=idx)
    y = pd.Series(rng.normal(size=len(idx)), index=idx, name="y")
    with pytest.raises(CollinearityError, match=r"^regressor coastal is constant within every region, so the region "
                                                r"fixed effects absorb it"):
        panel_ols(y, X, effects="region")
    with pytest.raises(CollinearityError, match=r"^regressor trend is constant within every year"):
        panel_ols(y, X[["x", "trend"]], effects="twoway")
    r = panel_ols(y, X[["x", "trend"]], effects="region")  # a year-only variable is fine with region FE alone
    assert list(r.params.index) == ["x", "trend", "_cons"]


def test_panel_errors_and_warnings():
    idx = pd.MultiIndex.from_product([[f"R{i}" for i in range(6)], range(2015, 2020)], names=["Region", "Year"])
    rng = np.random.default_rng(2)
    X = pd.DataFrame({"x": rng.normal(size=len(idx))}, index=idx)
    y = pd.Series(rng.normal(size=len(idx)), index=idx, name="y")
    r = panel_ols(y, X)
    assert r.n_clusters == 6 < MIN_CLUSTERS
    assert any("only 6 clusters (Region): clustered standard errors are unreliable" in w for w in r.warnings)
    regions = list(idx.get_level_values(0))
    years = list(idx.get_level_values(1))
    years[3] = years[2]
    with pytest.raises(DataError, match=r"^region R0, year 2017 is given twice$"):
        panel_ols(y.reset_index(drop=True), X.reset_index(drop=True), regions, years)
    y2 = y.copy()
    y2.iloc[7] = np.nan
    with pytest.raises(DataError, match=r"^variable y, region R1, year 2017 is missing$"):
        panel_ols(y2, X)
    split = [f"C{i % 2}" for i in range(len(idx))]
    with pytest.raises(DataError, match=r"^region R0 lies in more than one cluster"):
        panel_ols(y, X, cluster=split)
    with pytest.raises(SettingsError, match="effects 'entity' is not one of twoway, region, none"):
        panel_ols(y, X, effects="entity")
    with pytest.raises(DataError, match="is a number, not a region name"):
        panel_ols(y.reset_index(drop=True), X.reset_index(drop=True), [1.0] * len(idx), years)


def test_results_render_like_ols_tables():
    d = _sample("")
    r = panel_ols(d.y, d[XS], d.firm, d.year, effects="twoway")
    o = ols(d.y, d[XS])
    assert list(r.table().columns) == list(o.table().columns)
    assert list(r.table().index) == [*XS, "_cons"]
    t = model_table([o, r], ["OLS", "Two-way FE"])
    assert t.loc[("x1", "coef"), "(2) Two-way FE"].startswith(f"{r.params['x1']:.4f}")
    assert r.stats()["Regions"] == 1000 and r.stats()["Years"] == 3
    text = r.summary()
    assert "Region FE: Yes" in text and "Year FE: Yes" in text and "1000 (Region)" in text


def test_singletons_and_descriptives_helpers():
    keep = drop_singletons(np.array(["A", "A", "B", "C", "C"]), np.array([1, 2, 1, 1, 2]))
    assert keep.tolist() == [True, True, False, True, True]  # region B has one row
    # Iterative: dropping the singleton year 3 leaves region D alone, and D goes too.
    keep = drop_singletons(np.array(["A", "A", "B", "B", "D", "D"]), np.array([1, 2, 1, 2, 1, 3]))
    assert keep.tolist() == [True, True, True, True, False, False]
    d = _sample("").set_index(["firm", "year"])
    assert panel_describe(d[["y", *XS]]).loc["y", "Obs"] == 3000
    assert panel_vif(d[XS]).shape == (6, 2)


def test_panel_modules_load_nothing_heavy_until_a_regression_runs():
    import subprocess
    import sys

    code = ("import sys, dnqp.engine.panel, dnqp.engine.panel_regression, dnqp.engine.panel_groups, "
            "dnqp.engine.panel_sample; print(sorted({m.split('.')[0] for m in sys.modules} & {'linearmodels', "
            "'statsmodels', 'scipy', 'openpyxl', 'xlsxwriter', 'xlwings', 'rich'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"



@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), shift=st.floats(-50, 50), effects=st.sampled_from(["region", "twoway"]))
def test_fixed_effects_absorb_region_and_year_shifts_and_row_order(seed, shift, effects):
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_product([[f"R{i}" for i in range(12)], range(2010, 2016)], names=["Region", "Year"])
    X = pd.DataFrame(rng.normal(size=(len(idx), 2)), index=idx, columns=["a", "b"])
    y = pd.Series(X.a - 0.5 * X.b + rng.normal(size=len(idx)), index=idx, name="y")
    base = panel_ols(y, X, effects=effects)
    region_shift = np.repeat(rng.normal(size=12) * shift, 6)
    year_shift = np.tile(rng.normal(size=6) * shift, 12) if effects == "twoway" else 0.0
    moved = panel_ols((y + region_shift + year_shift).rename("y"), X, effects=effects)
    np.testing.assert_allclose(moved.params[["a", "b"]], base.params[["a", "b"]], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(moved.bse[["a", "b"]], base.bse[["a", "b"]], rtol=1e-7, atol=1e-10)
    order = rng.permutation(len(idx))
    shuffled = panel_ols(y.iloc[order], X.iloc[order], effects=effects)
    np.testing.assert_allclose(shuffled.params.to_numpy(), base.params.to_numpy(), rtol=1e-10, atol=1e-12)


def test_baseline_table_adds_terms_step_by_step_with_fe_rows():
    from dnqp.engine.panel_regression import panel_model_table

    d = _sample("").set_index(["firm", "year"])
    cols = [panel_ols(d.y, d[["x1"]], effects="none", cov="cluster"),
            panel_ols(d.y, d[XS], effects="none", cov="cluster"),
            panel_ols(d.y, d[XS], effects="twoway", cov="cluster")]
    t = panel_model_table(cols, ["index", "+ controls", "+ FE"])
    assert t.loc[("Region FE", "")].tolist() == ["No", "No", "Yes"]
    assert t.loc[("Year FE", "")].tolist() == ["No", "No", "Yes"]
    assert t.loc[("Clusters", "")].tolist() == ["1000 (Region)"] * 3
    assert t.loc[("Within R-squared", "")].tolist()[:2] == ["", ""]
    assert t.loc[("Within R-squared", "")].iloc[2] == f"{cols[2].rsquared_within:.4f}"
    assert t.loc[("x2", "coef")].iloc[0] == "" and t.loc[("Observations", "")].tolist() == ["3000"] * 3


def test_clusters_coarser_than_regions_nest_the_region_effects():
    """Cities clustered by province: the city effects are nested in the clusters and count 0 in K."""
    rng = np.random.default_rng(12)
    rows = [(f"P{p}C{c}", y) for p in range(14) for c in range(3) for y in range(2015, 2021)]
    d = pd.DataFrame(rows, columns=["Region", "Year"])
    d["province"] = d.Region.str.split("C").str[0]
    d["x1"] = rng.normal(size=len(d))
    d["y"] = 0.7 * d.x1 + rng.normal(size=len(d))
    r = panel_ols(d.y, d[["x1"]], d.Region, d.Year, effects="twoway", cov="cluster", cluster=d.province)
    ref = _lsdv_reghdfe(d, ["x1"], clusters=d.province.to_numpy())
    np.testing.assert_allclose(r.bse["x1"], ref.se[0], rtol=1e-10)
    assert r.n_clusters == 14 and r.cluster_name == "province" and r.df_resid == 13
    assert r.absorbed.loc["Region", "Nested"] and r.absorbed.loc["Region", "Num. Coefs"] == 0
