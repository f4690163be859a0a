"""Panel entropy (METHOD.md §5): global and by-year weights recomputed independently in NumPy, imputation
within regions, unbalanced panels, the k = 1/ln(T) slip, sub-indices and the panel index tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dnqp.engine.panel import (
    panel_entropy,
    panel_frame,
    panel_impute,
    panel_index_tables,
    stata_slip_entropy,
)
from dnqp.errors import ConstantIndicatorError, DataError, SettingsError

DIRS = {"A1": "+", "A2": "+", "B1": "-", "B2": "+"}
DIMS = {"A1": "Infra", "A2": "Infra", "B1": "Green", "B2": "Green"}


def _panel(n_regions=7, years=range(2012, 2020), seed=3, drop=()) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [(f"R{r}", y) for r in range(n_regions) for y in years if (f"R{r}", y) not in drop]
    idx = pd.MultiIndex.from_tuples(rows, names=["Region", "Year"])
    return pd.DataFrame(rng.lognormal(1.0, 0.6, size=(len(idx), 4)), index=idx, columns=list(DIRS))


def _numpy_entropy(x: np.ndarray, signs: np.ndarray, rows_for_k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An independent NumPy computation of METHOD.md §2 with ``k = 1/ln(rows_for_k)``."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    z = np.where(signs > 0, (x - lo) / (hi - lo), (hi - x) / (hi - lo))
    p = z / z.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(rows_for_k)
    d = 1 - e
    w = d / d.sum()
    return e, w, z @ w


SIGNS = np.array([1.0, 1.0, -1.0, 1.0])


def test_global_entropy_pools_every_region_year_with_k_1_over_ln_nt():
    drop = {("R1", 2013), ("R4", 2019), ("R4", 2018)}  # unbalanced: 7·8 − 3 = 53 region-year rows
    df = _panel(drop=drop)
    r = panel_entropy(df, DIRS)
    e, w, s = _numpy_entropy(df.to_numpy(), SIGNS, rows_for_k=len(df))
    assert r.rows == 53 and r.regions == 7 and r.years == 8
    np.testing.assert_allclose(r.entropy.to_numpy(), e, rtol=1e-13)
    np.testing.assert_allclose(r.weights.to_numpy(), w, rtol=1e-13)
    np.testing.assert_allclose(r.scores.to_numpy(), s, rtol=1e-12)
    assert r.comparable_across_years
    # Absent region-years are reported, never invented.
    assert sorted(map(tuple, r.absent.to_numpy().tolist())) == sorted(drop)
    assert not any(t in r.scores.index for t in drop)
    assert any("unbalanced" in w for w in r.warnings)


def test_the_stata_k_1_over_ln_t_slip_is_caught():
    """k = 1/ln(T) while summing over N·T rows inflates e above 1 and makes d negative; dnqp uses ln(N·T)."""
    df = _panel(n_regions=31, years=range(2012, 2024), seed=11)
    r = panel_entropy(df, DIRS)
    z = r.standardized.to_numpy()
    slip = stata_slip_entropy(z, years=12)
    assert (slip > 1).all() and ((1 - slip) < 0).all()  # e > 1, negative divergence: nonsense weights
    right, _, _ = _numpy_entropy(df.to_numpy(), SIGNS, rows_for_k=31 * 12)
    np.testing.assert_allclose(r.entropy.to_numpy(), right, rtol=1e-13)
    assert (r.entropy < 1).all() and (r.divergence > 0).all()
    # The slip is exactly dnqp's e scaled by ln(N·T)/ln(T): a test comparing against it would fail.
    np.testing.assert_allclose(slip, r.entropy.to_numpy() * np.log(31 * 12) / np.log(12), rtol=1e-12)


def test_by_year_entropy_is_the_method_within_each_year():
    df = _panel(n_regions=6, years=range(2015, 2019), seed=5)
    r = panel_entropy(df, DIRS, mode="by_year")
    assert r.weights.shape == (4, 4) and list(r.weights.index) == [2015, 2016, 2017, 2018]
    for y in range(2015, 2019):
        block = df.xs(y, level="Year")
        e, w, s = _numpy_entropy(block.to_numpy(), SIGNS, rows_for_k=len(block))
        np.testing.assert_allclose(r.weights.loc[y].to_numpy(), w, rtol=1e-13)
        np.testing.assert_allclose(r.entropy.loc[y].to_numpy(), e, rtol=1e-13)
        np.testing.assert_allclose(r.scores.xs(y, level="Year").to_numpy(), s, rtol=1e-12)
    assert not r.comparable_across_years
    assert any("not comparable across years" in w for w in r.warnings)


def test_by_year_error_names_the_year():
    df = _panel(n_regions=5, years=range(2015, 2018))
    df.loc[(slice(None), 2016), "A2"] = 3.0
    with pytest.raises(ConstantIndicatorError, match=r"^year 2016: indicator A2 is constant"):
        panel_entropy(df, DIRS, mode="by_year")


def test_imputation_acts_within_each_region_along_its_years():
    df = _panel(n_regions=3, years=range(2010, 2016), seed=2, drop={("R0", 2012)})
    df.loc[("R0", 2011), "A1"] = np.nan  # neighbours 2010 and 2013 (2012 absent): interpolate on year values
    df.loc[("R2", 2015), "B1"] = np.nan  # trailing: nearest observed year
    mean = panel_impute(df, "mean")
    r0 = df.loc["R0", "A1"].dropna()
    assert mean.data.loc[("R0", 2011), "A1"] == pytest.approx(r0.mean())
    assert mean.data.loc[("R0", 2011), "A1"] != pytest.approx(df["A1"].mean())  # not the column mean
    lin = panel_impute(df, "linear")
    a, b = df.loc[("R0", 2010), "A1"], df.loc[("R0", 2013), "A1"]
    assert lin.data.loc[("R0", 2011), "A1"] == pytest.approx(a + (b - a) / 3)
    assert lin.data.loc[("R2", 2015), "B1"] == df.loc[("R2", 2014), "B1"]
    assert sorted(lin.cells[["Region", "Year", "column"]].itertuples(index=False, name=None)) == \
        [("R0", 2011, "A1"), ("R2", 2015, "B1")]
    assert ("R0", 2012) not in lin.data.index  # an absent year is not invented
    r = panel_entropy(df, DIRS, impute="linear")
    assert len(r.imputed) == 2 and r.impute == "linear"


def test_bad_panels_are_named():
    df = _panel(n_regions=3, years=range(2010, 2014)).reset_index()
    twice = pd.concat([df, df.iloc[[5]]])
    with pytest.raises(DataError, match=r"^region R1, year 2011 is given twice$"):
        panel_frame(twice)
    numeric = df.assign(Region=[1.0] * len(df))
    with pytest.raises(DataError, match="is a number, not a region name"):
        panel_frame(numeric)
    with pytest.raises(DataError, match="need a Region column"):
        panel_frame(df.drop(columns="Region"))
    hole = df.copy()
    hole.loc[hole.Region == "R2", "B2"] = np.nan
    with pytest.raises(DataError, match="^indicator B2 has no value for region R2: it cannot be imputed"):
        panel_entropy(hole, DIRS)
    with pytest.raises(DataError, match="region R0, year 2010 is missing and imputation is off"):
        panel_entropy(df.assign(A1=[np.nan] + [1.0 + i for i in range(len(df) - 1)]), DIRS, impute="none")
    with pytest.raises(SettingsError, match="is not one of global, by_year"):
        panel_entropy(df, DIRS, mode="pooled")


def test_subindices_both_conventions():
    df = _panel()
    for mode in ("global", "by_year"):
        r = panel_entropy(df, DIRS, mode=mode)
        g = r.subindices(DIMS)
        np.testing.assert_allclose(g.sum(axis=1).to_numpy(), r.scores.to_numpy(), rtol=1e-12)
        w = r.subindices(DIMS, "within")
        assert w.to_numpy().max() <= 1 + 1e-12 and w.to_numpy().min() >= 0
    r = panel_entropy(df, DIRS)
    dim_w = r.dimension_weights(DIMS)
    np.testing.assert_allclose(r.subindices(DIMS, "within")["Infra"] * dim_w["Infra"],
                               r.subindices(DIMS)["Infra"], rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), regions=st.integers(2, 6), years=st.integers(2, 6))
def test_global_weights_do_not_depend_on_row_order(seed, regions, years):
    df = _panel(n_regions=regions, years=range(2000, 2000 + years), seed=seed)
    if len(df) < 3:
        return
    shuffled = df.sample(frac=1.0, random_state=seed)
    a, b = panel_entropy(df, DIRS), panel_entropy(shuffled, DIRS)
    np.testing.assert_allclose(a.weights.to_numpy(), b.weights.to_numpy(), rtol=1e-12)
    assert a.weights.sum() == pytest.approx(1.0) and (a.weights >= 0).all()
    assert list(b.scores.index) == list(a.scores.index)  # sorted by region, then year


def test_index_tables():
    df = _panel(n_regions=4, years=range(2020, 2023), drop={("R3", 2021)})
    r = panel_entropy(df, DIRS)
    groups = {"R0": "East", "R1": "West", "R2": "East", "R3": "West"}
    t = panel_index_tables(r.scores, r.subindices(DIMS), groups)
    assert t.wide.shape == (4, 3) and np.isnan(t.wide.loc["R3", 2021])
    assert t.wide.loc["R2", 2022] == r.scores[("R2", 2022)]
    for y in (2020, 2021, 2022):
        col = t.wide[y].dropna()
        expected = col.rank(ascending=False, method="min").astype(int)
        assert t.ranks[y].dropna().astype(int).to_dict() == expected.to_dict()
    assert list(t.long.columns) == ["Region", "Group", "Year", "Index", "Infra", "Green", "Rank"]
    assert len(t.long) == len(df)
    east = r.scores[[("R0", 2021), ("R2", 2021)]].mean()
    assert t.group_means.loc["East", 2021] == pytest.approx(east)
    assert t.group_means.loc["West", 2021] == pytest.approx(r.scores[("R1", 2021)])
    with pytest.raises(DataError, match="^region R3 has no Group$"):
        panel_index_tables(r.scores, groups={"R0": "East", "R1": "West", "R2": "East"})
