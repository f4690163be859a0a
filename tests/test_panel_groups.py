"""Group heterogeneity: subsamples, the interaction (Chow-type) test and Fisher's permutation test (bdiff),
hand-checked against exact enumeration and held to panel_ols."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dnqp.engine.panel_groups import RegionMoments, fe_coefficients, group_heterogeneity
from dnqp.engine.panel_regression import panel_ols
from dnqp.errors import DataError, SettingsError


def _panel(slopes: dict, years=range(2012, 2020), seed=0, drop=()):
    rng = np.random.default_rng(seed)
    rows = [(r, t) for r in slopes for t in years if (r, t) not in drop]
    idx = pd.MultiIndex.from_tuples(rows, names=["Region", "Year"])
    X = pd.DataFrame({"dnqp": rng.normal(size=len(idx)), "ctrl": rng.normal(size=len(idx))}, index=idx)
    b = np.array([slopes[r] for r, _ in rows])
    fe = np.array([sum(map(ord, r)) % 7 for r, _ in rows], dtype=float) + np.array([0.1 * (t - 2012) for _, t in rows])
    y = pd.Series(b * X.dnqp + 0.5 * X.ctrl + fe + rng.normal(scale=0.3, size=len(idx)), index=idx, name="y")
    return y, X


GROUPS = {f"E{i}": "East" for i in range(5)} | {f"W{i}": "West" for i in range(4)} | \
    {f"C{i}": "Central" for i in range(4)}


def test_subsamples_are_the_groups_regressions():
    slopes = {r: 1.0 if g == "East" else 2.0 for r, g in GROUPS.items()}
    y, X = _panel(slopes, drop={("W2", 2015)})
    h = group_heterogeneity(y, X, GROUPS, reps=50)
    assert h.groups == ("East", "West", "Central")
    west = [r for r, g in GROUPS.items() if g == "West"]
    m = y.index.get_level_values(0).isin(west)
    ref = panel_ols(y[m], X[m])
    np.testing.assert_allclose(h.subsamples["West"].params.to_numpy(), ref.params.to_numpy(), rtol=1e-12)
    t = h.table()
    assert list(t.columns) == ["(1) East", "(2) West", "(3) Central"]
    assert t.loc[("Region FE", ""), "(2) West"] == "Yes" and t.loc[("Clusters", ""), "(1) East"] == "5 (Region)"
    assert len(h.permutations) == 3 and list(h.tests()["Group A"]) == ["East", "East", "West"]


def test_interaction_equals_the_difference_of_subsample_slopes_under_region_effects():
    """Region FE nest the groups: the fully interacted pooled model splits into the subsample models."""
    slopes = {r: 1.0 if g == "East" else 2.5 for r, g in GROUPS.items()}
    y, X = _panel(slopes, seed=4)
    h = group_heterogeneity(y, X, GROUPS, effects="region", cov="nonrobust", reps=0)
    pooled = h.interaction.model
    for g in ("West", "Central"):
        diff = h.subsamples[g].params["dnqp"] - h.subsamples["East"].params["dnqp"]
        assert pooled.params[f"dnqp×{g}"] == pytest.approx(diff, rel=1e-9)
    assert h.interaction.terms == ("dnqp×West", "ctrl×West", "dnqp×Central", "ctrl×Central")
    assert h.interaction.df_num == 4 and h.interaction.pvalue < 1e-6
    only = group_heterogeneity(y, X, GROUPS, effects="region", interact="variable", reps=0)
    assert only.interaction.terms == ("dnqp×West", "dnqp×Central")
    assert only.interaction.df_den == 12  # clustered by region: G − 1


@pytest.mark.parametrize("effects", ["region", "twoway"])
def test_fast_coefficients_match_panel_ols(effects):
    y, X = _panel({f"R{i}": 1.0 + 0.1 * i for i in range(9)}, drop={("R1", 2013), ("R5", 2019), ("R5", 2018)})
    ref = panel_ols(y, X, effects=effects, cov="nonrobust")
    fast = fe_coefficients(y.to_numpy(), X.to_numpy(), y.index.get_level_values(0), y.index.get_level_values(1),
                           effects)
    np.testing.assert_allclose(fast, ref.params[["dnqp", "ctrl"]].to_numpy(), rtol=1e-10)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), effects=st.sampled_from(["none", "region", "twoway"]),
       n_regions=st.integers(5, 12), gaps=st.integers(0, 6))
def test_region_moments_give_the_row_level_slopes_of_any_set_of_regions(seed, effects, n_regions, gaps):
    """The permutation test's refits from per-region sums equal :func:`fe_coefficients` on the rows of the
    chosen regions (held to panel_ols above), in unbalanced panels, for every kind of effects."""
    rng = np.random.default_rng(seed)
    regions = [f"R{i}" for i in range(n_regions)]
    years = range(2010, 2016)
    drop = {(regions[rng.integers(n_regions)], int(rng.integers(2010, 2016))) for _ in range(gaps)}
    y, X = _panel({r: 1.0 + 0.2 * i for i, r in enumerate(regions)}, years=years, seed=seed, drop=drop)
    y, X = y + 1e6, X + [5e5, -2e4]  # levels far from 0 (yuan, persons): no digits lost beyond the data's own
    # (values of order 1e6 around a unit spread carry about 10 significant digits of their variation: rtol 1e-6)
    reg, yr = y.index.get_level_values(0).to_numpy(), y.index.get_level_values(1).to_numpy()
    moments = RegionMoments(y.to_numpy(), X.to_numpy(), reg, yr, effects)
    chosen = np.zeros(n_regions, dtype=bool)
    chosen[rng.permutation(n_regions)[: int(rng.integers(3, n_regions - 1))]] = True
    for part in (chosen, ~chosen):
        rows = np.isin(reg, np.asarray(moments.regions)[part])
        if rows.sum() - len(set(reg[rows])) - len(set(yr[rows])) - X.shape[1] < 2:
            continue  # no residual degrees of freedom: the slopes are not identified (panel_ols refuses it)
        ref = fe_coefficients(y.to_numpy()[rows], X.to_numpy()[rows], reg[rows], yr[rows], effects)
        np.testing.assert_allclose(moments.slopes(part), ref, rtol=1e-6, atol=1e-8)
        many = moments.slopes_many(np.stack([part, part, np.ones_like(part)]))  # batched: the same numbers
        np.testing.assert_allclose(many[0], ref, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(many[1], many[0], rtol=1e-12, atol=1e-14)


def test_permutation_p_value_matches_exact_enumeration():
    """3 + 3 regions: 20 equally likely relabellings. Monte Carlo p with many reps ≈ the enumerated p."""
    groups = {"A0": "A", "A1": "A", "A2": "A", "B0": "B", "B1": "B", "B2": "B"}
    y, X = _panel({"A0": 1.0, "A1": 1.4, "A2": 0.9, "B0": 1.8, "B1": 1.2, "B2": 2.0}, seed=8)
    h = group_heterogeneity(y, X, groups, effects="region", reps=4000, seed=5)
    p = h.permutations[0]
    regions = list(groups)
    d0 = p.difference
    diffs = []
    for a in combinations(regions, 3):
        ma = y.index.get_level_values(0).isin(a)
        ba = panel_ols(y[ma], X[ma], effects="region", cov="nonrobust").params["dnqp"]
        bb = panel_ols(y[~ma], X[~ma], effects="region", cov="nonrobust").params["dnqp"]
        diffs.append(ba - bb)
    diffs = np.array(diffs)
    exact_one = np.mean(diffs <= d0 + 1e-12) if d0 < 0 else np.mean(diffs >= d0 - 1e-12)
    exact_two = np.mean(np.abs(diffs) >= abs(d0) - 1e-12)
    assert p.p_one_sided == pytest.approx(exact_one, abs=0.025)
    assert p.p_two_sided == pytest.approx(exact_two, abs=0.025)
    again = group_heterogeneity(y, X, groups, effects="region", reps=4000, seed=5)
    np.testing.assert_array_equal(again.permutations[0].draws, p.draws)  # the logged seed repeats the run
    assert any("seed 5" in w for w in h.warnings)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 1000), reps=st.integers(1, 40))
def test_permutation_p_values_are_shares_of_the_replications(seed, reps):
    groups = {f"A{i}": "A" for i in range(3)} | {f"B{i}": "B" for i in range(3)}
    y, X = _panel({r: 1.0 for r in groups}, years=range(2015, 2019), seed=seed)
    p = group_heterogeneity(y, X, groups, effects="twoway", reps=reps, seed=seed).permutations[0]
    assert p.reps == reps == len(p.draws)
    for v in (p.p_one_sided, p.p_two_sided):
        assert 0 <= v <= 1 and (v * reps) == pytest.approx(round(v * reps))
    assert p.p_two_sided >= p.p_one_sided  # |d*| ≥ |d| includes every d* beyond d on its side


def test_group_errors():
    y, X = _panel({r: 1.0 for r in GROUPS})
    partial = dict(GROUPS)
    del partial["W3"]
    with pytest.raises(DataError, match=r"^region W3 has no Group"):
        group_heterogeneity(y, X, partial)
    lonely = dict(GROUPS) | {"W3": "North"}
    with pytest.raises(DataError, match=r"^group North has 1 region\(s\): a group needs at least two$"):
        group_heterogeneity(y, X, lonely)
    with pytest.raises(SettingsError, match="interaction 'some' is not one of all, variable"):
        group_heterogeneity(y, X, GROUPS, interact="some")
    with pytest.raises(DataError, match="variable gdp is not among the regressors"):
        group_heterogeneity(y, X, GROUPS, variable="gdp")
