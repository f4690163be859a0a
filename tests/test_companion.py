"""The companion measures (issue 12) against peers (pymcdm, pyrepo-mcda, PySAL's inequality, statsmodels),
independent NumPy implementations of the published formulas written here, and hand-checked examples.

The hand-checked examples (their arithmetic shown) are the docstring examples of ``dnqp.engine.companion``,
run by :func:`test_docstring_examples`; ``docs/method.md`` §6 works the same examples through.
"""

from __future__ import annotations

import doctest
import importlib
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dnqp import entropy_weights
from dnqp.engine.companion import (combine_weights, companion_weights, composite_scores, coupling_coordination,
                                   coupling_grade, critic_weights, dagum_gini, equal_weights, grey_relation,
                                   kernel_density, obstacle_degree, theil_index, topsis)
from dnqp.engine.companion.inequality import cross_abs_sums, pairwise_abs_sum
from dnqp.errors import ConstantIndicatorError, DataError, DnqpError, SettingsError

MODULES = ["dnqp.engine.companion.weights", "dnqp.engine.companion.topsis", "dnqp.engine.companion.coupling",
           "dnqp.engine.companion.obstacle", "dnqp.engine.companion.grey", "dnqp.engine.companion.inequality",
           "dnqp.engine.entropy", "dnqp.engine.companion.study"]

#: METHOD.md §2's hand-checked oracle (5 × 4, directions + + − +).
ORACLE = pd.DataFrame([[120, 3.2, 45, 0.8], [95, 4.1, 38, 1.2], [150, 2.7, 52, 0.6], [110, 3.9, 41, 1.0],
                       [80, 3.5, 60, 0.9]], columns=["A1", "A2", "D1", "D4"], index=range(2020, 2025), dtype=float)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def _random(n=40, m=5, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(1, 10, (n, m)) * 10.0 ** rng.integers(-2, 3, m),
                        columns=[f"X{j}" for j in range(m)])


def _z(x: pd.DataFrame, dirs: str) -> np.ndarray:
    """Min–max standardisation written out here (METHOD.md §2 step 1), for the peers."""
    v = x.to_numpy()
    lo, hi = v.min(0), v.max(0)
    d = np.array([1 if c == "+" else -1 for c in dirs])
    return np.where(d > 0, (v - lo) / (hi - lo), (hi - v) / (hi - lo))


# ------------------------------------------------------------------------------------------------ weights
@pytest.mark.parametrize("seed", range(4))
def test_critic_matches_pymcdm_and_pyrepo(seed):
    pymcdm_w = pytest.importorskip("pymcdm.weights")
    pyrepo_w = pytest.importorskip("pyrepo_mcda.weighting_methods")
    x, dirs = _random(seed=seed), "++-+-"
    z = _z(x, dirs)
    ours = critic_weights(x, dirs).weights.to_numpy()
    # both peers min–max the matrix they get as all-benefit: z passes through unchanged
    np.testing.assert_allclose(ours, pymcdm_w.critic_weights(z), rtol=1e-12)
    np.testing.assert_allclose(ours, pyrepo_w.critic_weighting(z), rtol=1e-12)


def test_critic_absolute_variant_is_the_formula():
    x, dirs = _random(seed=5), "+-+-+"
    z = _z(x, dirs)
    sigma = z.std(axis=0, ddof=1)
    r = np.corrcoef(z, rowvar=False)
    c = sigma * (1 - np.abs(r)).sum(axis=1)
    res = critic_weights(x, dirs, correlation="absolute")
    np.testing.assert_allclose(res.weights.to_numpy(), c / c.sum(), rtol=1e-12)
    np.testing.assert_allclose(res.std.to_numpy(), sigma, rtol=1e-12)
    assert list(res.table().columns) == ["σ", "Conflict", "Information C", "Weight w"]


def test_critic_refuses_a_constant_indicator_naming_it():
    x = _random(seed=1)
    x["X2"] = 4.0
    with pytest.raises(ConstantIndicatorError, match=r"indicator X2 .*CRITIC correlation is undefined"):
        critic_weights(x, "+++++")
    with pytest.raises(ConstantIndicatorError, match=r"indicator X1 .*CRITIC"):
        critic_weights(x.assign(X1=3.0, X2=x["X0"]), "+++++", standardize="none")
    res = critic_weights(x, "+++++", constant="drop")
    assert "X2" not in res.weights.index and res.warnings


def test_entropy_weights_by_name_are_the_oracle():
    w = companion_weights(ORACLE, "++-+", "entropy").weights
    np.testing.assert_allclose(w.to_numpy(), [0.290380, 0.236443, 0.229248, 0.243930], atol=5e-7)


def test_combined_weights():
    e = entropy_weights(ORACLE, "++-+").weights
    c = critic_weights(ORACLE, "++-+").weights
    mult = companion_weights(ORACLE, "++-+", "multiplicative").weights
    np.testing.assert_allclose(mult.to_numpy(), (e * c / (e * c).sum()).to_numpy(), rtol=1e-12)
    add = companion_weights(ORACLE, "++-+", "additive", lam=0.3).weights
    np.testing.assert_allclose(add.to_numpy(), (0.3 * e + 0.7 * c).to_numpy(), rtol=1e-12)
    with pytest.raises(SettingsError, match=r"λ must lie in \[0, 1\], got 1.5"):
        combine_weights(e, c, method="additive", lam=1.5)
    with pytest.raises(DataError, match="indicator A2 has"):
        combine_weights(e.drop("A2"), c)
    assert equal_weights(ORACLE).weights.tolist() == [0.25] * 4


@pytest.mark.parametrize("convention", ["global", "within"])
def test_scores_with_any_weights(convention):
    groups = {"A1": "A", "A2": "A", "D1": "D", "D4": "D"}
    ent = entropy_weights(ORACLE, "++-+")
    same = composite_scores(ent.standardized, ent, groups, convention=convention)
    np.testing.assert_allclose(same.scores, ent.scores, rtol=1e-14)
    pd.testing.assert_frame_equal(same.subindices, ent.subindices(groups, convention), rtol=1e-14)
    crit = critic_weights(ORACLE, "++-+")
    other = composite_scores(ent.standardized, crit, groups, convention=convention)
    np.testing.assert_allclose(other.scores, ent.standardized.to_numpy() @ crit.weights.to_numpy(), rtol=1e-14)
    if convention == "global":
        np.testing.assert_allclose(other.subindices.sum(axis=1), other.scores, rtol=1e-14)


# ------------------------------------------------------------------------------------------------ TOPSIS
@pytest.mark.parametrize("weights", ["equal", "entropy", "critic", "multiplicative"])
@pytest.mark.parametrize("normalise", ["minmax", "vector"])
def test_topsis_matches_pymcdm_and_pyrepo(weights, normalise):
    pymcdm = pytest.importorskip("pymcdm")
    pyrepo = pytest.importorskip("pyrepo_mcda")
    from pymcdm import normalizations as pn
    from pymcdm.methods import TOPSIS
    from pyrepo_mcda import normalizations as rn
    from pyrepo_mcda.mcda_methods import TOPSIS as RTOPSIS

    x, dirs = _random(60, 6, seed=3), "+-++-+"
    types = np.array([1, -1, 1, 1, -1, 1])
    res = topsis(x, dirs, weights, normalise=normalise)
    w = res.weights.to_numpy()
    if weights == "entropy":
        np.testing.assert_allclose(w, entropy_weights(x, dirs).weights, rtol=1e-14)
    peer = TOPSIS(pn.minmax_normalization if normalise == "minmax" else pn.vector_normalization)
    np.testing.assert_allclose(res.closeness, peer(x.to_numpy(), w, types), rtol=1e-12)
    peer2 = RTOPSIS(rn.minmax_normalization if normalise == "minmax" else rn.vector_normalization)
    np.testing.assert_allclose(res.closeness, peer2(x.to_numpy(), w, types), rtol=1e-12)
    order = np.argsort(-res.closeness.to_numpy(), kind="stable")
    assert res.rank.to_numpy()[order].tolist() == list(range(1, len(x) + 1))
    assert pymcdm and pyrepo


def _panel(regions=12, years=(2020, 2021, 2022), m=4, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_product([[f"R{i:02d}" for i in range(regions)], list(years)], names=["Region", "Year"])
    return pd.DataFrame(rng.uniform(1, 9, (len(idx), m)), index=idx, columns=[f"X{j}" for j in range(m)])


@pytest.mark.parametrize("normalise", ["minmax", "vector"])
def test_topsis_by_year_is_topsis_of_each_year(normalise):
    from pymcdm import normalizations as pn
    from pymcdm.methods import TOPSIS

    x, dirs = _panel(seed=2), "+-++"
    types = np.array([1, -1, 1, 1])
    res = topsis(x, dirs, "critic", normalise=normalise, panel="year")
    w = critic_weights(x, dirs).weights.to_numpy()  # weights of the whole panel
    peer = TOPSIS(pn.minmax_normalization if normalise == "minmax" else pn.vector_normalization)
    for year, block in x.groupby(level="Year"):
        np.testing.assert_allclose(res.closeness.xs(year, level="Year"), peer(block.to_numpy(), w, types),
                                   rtol=1e-12)
        assert sorted(res.rank.xs(year, level="Year")) == list(range(1, 13))
    pooled = topsis(x, dirs, "critic", normalise=normalise)
    np.testing.assert_allclose(pooled.closeness, peer(x.to_numpy(), w, types), rtol=1e-12)


def test_topsis_bad_input():
    x = _random(seed=0)
    with pytest.raises(DataError, match=r"indicator X1, row 3: value -2 is negative"):
        topsis(x.assign(X1=x["X1"].where(x.index != 3, -2.0)), "+++++", normalise="vector")
    with pytest.raises(DataError, match="needs panel rows"):
        topsis(x, "+++++", panel="year")
    with pytest.raises(SettingsError, match="TOPSIS weights 'ahp' is not one of"):
        topsis(x, "+++++", "ahp")


# ------------------------------------------------------------------------------------------------ coupling
def _classic(u, alpha):
    n = u.shape[1]
    c = n * np.prod(u, axis=1) ** (1 / n) / u.sum(axis=1)
    t = u @ alpha
    return c, t, np.sqrt(c * t)


def _revised(u):
    """Wang et al. (2021), written from the formula: pairwise |U_i − U_j| by a double loop."""
    n = u.shape[1]
    out = []
    for row in u:
        diff = sum(abs(row[i] - row[j]) for i in range(n) for j in range(i))
        ratio = np.prod(row / row.max()) ** (1 / (n - 1))
        out.append(np.sqrt((1 - diff / sum(range(1, n))) * ratio))
    return np.array(out)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_coupling_is_the_formula(n):
    rng = np.random.default_rng(n)
    u = rng.uniform(0.01, 1, (50, n))
    alpha = rng.dirichlet(np.ones(n))
    frame = pd.DataFrame(u, columns=[f"S{k}" for k in range(n)])
    res = coupling_coordination(frame, alpha)
    c, t, d = _classic(u, alpha)
    np.testing.assert_allclose(res.coupling, c, rtol=1e-12)
    np.testing.assert_allclose(res.coordination, t, rtol=1e-12)
    np.testing.assert_allclose(res.degree, d, rtol=1e-12)
    rev = coupling_coordination(frame, variant="revised")
    np.testing.assert_allclose(rev.coupling, _revised(u), rtol=1e-12)
    if n == 2:  # the two-system form of the paper: √[(1 − |U2 − U1|)·(U_min/U_max)]
        lo, hi = u.min(axis=1), u.max(axis=1)
        np.testing.assert_allclose(rev.coupling, np.sqrt((1 - (hi - lo)) * lo / hi), rtol=1e-12)
    assert (res.level.to_numpy() == np.minimum(np.floor(d * 10 + 1e-12), 9) + 1).all()


def test_coupling_grades_and_lagging():
    assert coupling_grade([0.0999, 0.1, 0.4999, 0.5, 0.9, 1.0]).tolist() == [1, 2, 5, 6, 10, 10]
    u = pd.DataFrame({"DNQP": [0.2, 0.5, 0.5, 0.3], "Export": [0.5, 0.55, 0.2, 0.3], "Green": [0.6, 0.5, 0.5, 0.3]})
    res = coupling_coordination(u)
    assert res.lagging.tolist() == ["DNQP", "balanced", "Export", "balanced"]
    assert res.grade_zh.iloc[-1] == "勉强协调" and res.grade_en.iloc[-1] == "barely coordinated"


def test_coupling_scaling_spssau():
    u = pd.DataFrame({"A": [10.0, 20.0, 30.0], "B": [5.0, 1.0, 3.0]})
    res = coupling_coordination(u, scaling="spssau")
    np.testing.assert_allclose(res.scores["A"], [0.01, 0.5, 0.99])
    np.testing.assert_allclose(res.scores["B"], [0.99, 0.01, 0.5])
    res = coupling_coordination(u, scaling="minmax")
    assert res.scores["A"].tolist() == [0.0, 0.5, 1.0] and res.coupling.iloc[0] == 0.0 and res.warnings == ()


def test_coupling_bad_input():
    u = pd.DataFrame({"DNQP": [0.2, 1.2], "Export": [0.3, 0.4]}, index=[2023, 2024])
    with pytest.raises(DataError, match=r"series DNQP, row 2024: score U 1.2 is outside \[0, 1\]"):
        coupling_coordination(u)
    with pytest.raises(DataError, match=r"series Export, row 2023: score U -0.3 is outside"):
        coupling_coordination(u.assign(DNQP=0.5, Export=[-0.3, 0.4]))
    with pytest.raises(SettingsError, match="the α sum to 0.9, not 1"):
        coupling_coordination(u.clip(upper=1), [0.5, 0.4])
    with pytest.raises(SettingsError, match="3 α given for 2 systems"):
        coupling_coordination(u.clip(upper=1), [0.5, 0.4, 0.1])
    with pytest.raises(DataError, match="at least 2 systems"):
        coupling_coordination(u[["DNQP"]])
    zero = coupling_coordination(pd.DataFrame({"A": [0.0, 0.5], "B": [0.0, 0.5]}))
    assert zero.coupling.tolist() == [0.0, 1.0] and zero.degree.iloc[0] == 0.0 and "row 0" in zero.warnings[0]


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 8), st.integers(2, 5)), elements=st.floats(0, 1)),
       st.sampled_from(["classic", "revised"]))
@example(np.array([[0.0, 5e-324]]), "revised")  # (max U)^n underflows beside a zero system: was NaN
def test_coupling_lies_in_unit_interval(u, variant):
    res = coupling_coordination(pd.DataFrame(u), variant=variant)
    for s in (res.coupling, res.coordination, res.degree):
        assert ((s >= 0) & (s <= 1)).all()
    assert res.level.between(1, 10).all()


# ------------------------------------------------------------------------------------------------ obstacle
def test_obstacle_is_the_formula():
    x, dirs = _random(30, 6, seed=7), "++-+-+"
    groups = ["P", "P", "Q", "Q", "R", "R"]
    res = obstacle_degree(x, dirs, "critic", groups)
    z = _z(x, dirs)
    w = critic_weights(x, dirs).weights.to_numpy()
    o = w * (1 - z) / (w * (1 - z)).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(res.obstacles, o, rtol=1e-12)
    np.testing.assert_allclose(res.dimensions["P"], o[:, 0] + o[:, 1], rtol=1e-12)
    top = np.argsort(-o, axis=1)[:, :3]
    assert (res.top["Obstacle 1"].to_numpy() == x.columns.to_numpy()[top[:, 0]]).all()
    np.testing.assert_allclose(res.top["O 3"], np.take_along_axis(o, top, 1)[:, 2], rtol=1e-12)
    assert set(res.long().columns) == {"Obstacle O", "Rank"}


def test_obstacle_refuses_z_beyond_one():
    with pytest.raises(SettingsError, match="needs z within"):
        obstacle_degree(ORACLE, "++-+", shift=0.01)


@settings(max_examples=40, deadline=None)
@given(arrays(float, st.tuples(st.integers(3, 12), st.integers(2, 6)), elements=st.floats(-1e3, 1e3)))
def test_obstacle_rows_sum_to_one(x):
    frame = pd.DataFrame(x)
    try:
        res = obstacle_degree(frame, ["+"] * x.shape[1], "equal")
    except DnqpError:
        return  # a constant column: refused with a message
    sums = res.obstacles.sum(axis=1).to_numpy()
    zero_rows = (res.obstacles.to_numpy() == 0).all(axis=1)
    np.testing.assert_allclose(sums[~zero_rows], 1.0, rtol=1e-12)
    assert ((res.obstacles >= 0) & (res.obstacles <= 1)).all().all()


# ------------------------------------------------------------------------------------------------ grey
@pytest.mark.parametrize("normalise", ["initial", "mean"])
@pytest.mark.parametrize("rho", [0.5, 0.3, 1.0])
def test_grey_is_the_formula(normalise, rho):
    rng = np.random.default_rng(11)
    y = pd.Series(rng.uniform(1, 5, 15), name="Export")
    x = pd.DataFrame(rng.uniform(1, 5, (15, 4)), columns=list("ABCD"))
    res = grey_relation(y, x, rho=rho, normalise=normalise)
    base = (lambda v: v / v[0]) if normalise == "initial" else (lambda v: v / v.mean(axis=0))
    delta = np.abs(base(x.to_numpy()) - base(y.to_numpy())[:, None])
    xi = (delta.min() + rho * delta.max()) / (delta + rho * delta.max())
    np.testing.assert_allclose(res.degree, xi.mean(axis=0), rtol=1e-12)
    om = rng.uniform(0, 1, 15)
    wres = grey_relation(y, x, rho=rho, normalise=normalise, weights=om)
    np.testing.assert_allclose(wres.degree, om @ xi / om.sum(), rtol=1e-12)
    assert res.table().index[0] == res.degree.idxmax()


def test_grey_on_a_panel_scales_each_region_by_its_own_first_year():
    x = _panel(regions=5, years=(2020, 2021, 2022, 2023), m=3, seed=8)
    y = x.sum(axis=1).rename("Export") * 1.5
    res = grey_relation(y, x)
    first_x = x.groupby(level="Region").transform("first").to_numpy()
    first_y = y.groupby(level="Region").transform("first").to_numpy()
    delta = np.abs(x.to_numpy() / first_x - (y.to_numpy() / first_y)[:, None])
    xi = (delta.min() + 0.5 * delta.max()) / (delta + 0.5 * delta.max())
    np.testing.assert_allclose(res.degree, xi.mean(axis=0), rtol=1e-12)


def test_grey_bad_input():
    y = pd.Series([1.0, 2.0, 3.0], name="Export")
    x = pd.DataFrame({"A": [0.0, 1.0, 2.0]})
    for rho in (0, 1.5, -0.2):
        with pytest.raises(SettingsError, match=r"ρ must lie in \(0, 1\]"):
            grey_relation(y, x.assign(A=[1.0, 2.0, 2.0]), rho=rho)
    with pytest.raises(DataError, match=r"series A: its first value \(row 0\) is 0"):
        grey_relation(y, x)


# ------------------------------------------------------------------------------------------------ Dagum
def _dagum_n2(y, g):
    """Dagum (1997) straight from the formulas, with n² matrices of pairwise differences."""
    names = sorted(set(g))
    n, mean = len(y), y.mean()
    ys = {k: y[g == k] for k in names}
    nj = {k: len(v) for k, v in ys.items()}
    mj = {k: v.mean() for k, v in ys.items()}
    pj = {k: nj[k] / n for k in names}
    sj = {k: nj[k] * mj[k] / (n * mean) for k in names}
    G = np.abs(y[:, None] - y[None, :]).sum() / (2 * n * n * mean)
    gjj = {k: np.abs(v[:, None] - v[None, :]).sum() / (2 * nj[k] ** 2 * mj[k]) for k, v in ys.items()}
    gw = sum(gjj[k] * pj[k] * sj[k] for k in names)
    gnb = gt = 0.0
    gjh = {}
    for a, b in combinations(names, 2):
        j, h = (a, b) if mj[a] >= mj[b] else (b, a)
        diff = ys[j][:, None] - ys[h][None, :]
        gjh[(a, b)] = np.abs(diff).sum() / (nj[j] * nj[h] * (mj[j] + mj[h]))
        d = np.where(diff > 0, diff, 0).sum() / (nj[j] * nj[h])
        p = np.where(diff < 0, -diff, 0).sum() / (nj[j] * nj[h])
        D = (d - p) / (d + p)
        share = pj[j] * sj[h] + pj[h] * sj[j]
        gnb += gjh[(a, b)] * share * D
        gt += gjh[(a, b)] * share * (1 - D)
    return G, gw, gnb, gt, gjj, gjh


def _regional_panel(regions=40, years=(2019, 2020, 2021), groups=("C", "E", "N", "W"), seed=0):
    rng = np.random.default_rng(seed)
    names = [f"R{i:03d}" for i in range(regions)]
    grp = {r: groups[i % len(groups)] for i, r in enumerate(names)}
    idx = pd.MultiIndex.from_product([names, list(years)], names=["Region", "Year"])
    shift = np.array([groups.index(grp[r]) for r, _ in idx]) * 0.1
    return pd.Series(rng.gamma(2.0, 0.2, len(idx)) + shift, index=idx, name="DNQP"), grp


def test_dagum_is_the_n2_formula():
    y, grp = _regional_panel()
    res = dagum_gini(y, grp)
    for year, block in y.groupby(level="Year"):
        v = block.to_numpy()
        g = np.array([grp[r] for r in block.index.get_level_values("Region")])
        G, gw, gnb, gt, gjj, gjh = _dagum_n2(v, g)
        row = res.overall.loc[year]
        np.testing.assert_allclose([row["G"], row["G_w"], row["G_nb"], row["G_t"]], [G, gw, gnb, gt], rtol=1e-12)
        np.testing.assert_allclose(res.within.loc[year].to_numpy(), [gjj[k] for k in sorted(gjj)], rtol=1e-12)
        for (a, b), val in gjh.items():
            assert res.between.loc[year, f"{a}–{b}"] == pytest.approx(val, rel=1e-12)
        assert row["G_w %"] + row["G_nb %"] + row["G_t %"] == pytest.approx(100.0, rel=1e-12)
    # d − p is the difference of the means (a check on the transvariation terms)
    pair = res.pairs.loc[(2020, "C–E")]
    block = y.xs(2020, level="Year")
    means = block.groupby(pd.Series(grp)).mean()
    assert pair["d_jh"] - pair["p_jh"] == pytest.approx(abs(means["C"] - means["E"]), rel=1e-12)


def test_sort_based_sums_are_the_pairwise_sums():
    rng = np.random.default_rng(4)
    a, b = np.sort(rng.normal(size=57)), np.sort(rng.normal(size=31))
    b = np.sort(np.append(b, a[5]))  # a tie across the samples
    assert pairwise_abs_sum(a) == pytest.approx(np.abs(a[:, None] - a[None, :]).sum(), rel=1e-13)
    up, down = cross_abs_sums(a, b)
    diff = a[:, None] - b[None, :]
    assert up == pytest.approx(diff[diff > 0].sum(), rel=1e-13)
    assert down == pytest.approx(-diff[diff < 0].sum(), rel=1e-13)


def test_dagum_bad_input():
    y, grp = _regional_panel(regions=12)
    with pytest.raises(DataError, match="at least 2 groups in 2019; got only group E"):
        dagum_gini(y, {r: "E" for r in grp})
    lonely = dict(grp, R000="Z")
    with pytest.raises(DataError, match="group Z has only one region in 2019"):
        dagum_gini(y, lonely)
    with pytest.raises(DataError, match="region R001 has no group"):
        dagum_gini(y, {k: v for k, v in grp.items() if k != "R001"})
    with pytest.raises(DataError, match=r"series DNQP, row R002 2020: value -1 is negative"):
        dagum_gini(y.where(y.index != ("R002", 2020), -1.0), grp)


@settings(max_examples=40, deadline=None)
@given(arrays(float, st.integers(4, 30), elements=st.floats(0, 1e3)), st.integers(2, 4))
def test_dagum_properties(v, k):
    labels = [f"g{i % k}" for i in range(len(v))]
    if min(labels.count(f"g{i}") for i in range(k)) < 2 or v.sum() <= 0:
        return
    try:
        res = dagum_gini(pd.Series(v), labels)
    except DataError:
        return  # a group that is 0 in every region
    row = res.overall.iloc[0]
    assert 0 <= row["G"] <= 1
    assert row["G_w"] + row["G_nb"] + row["G_t"] == pytest.approx(row["G"], rel=1e-9, abs=1e-15)
    assert ((res.within >= 0) & (res.within <= 1)).all().all()
    assert ((res.between >= 0) & (res.between <= 1 + 1e-12)).all().all()
    assert (res.pairs["D_jh"].between(0, 1)).all()


# ------------------------------------------------------------------------------------------------ Theil
def test_theil_matches_pysal():
    theil = pytest.importorskip("inequality.theil")
    y, grp = _regional_panel(seed=3)
    res = theil_index(y, grp)
    wide = y.unstack("Year")  # regions × years, as PySAL takes it
    part = np.array([grp[r] for r in wide.index])
    np.testing.assert_allclose(res.overall["T"], theil.Theil(wide.to_numpy()).T, rtol=1e-12)
    d = theil.TheilD(wide.to_numpy(), part)
    np.testing.assert_allclose(res.overall["T_b"], np.ravel(d.bg), rtol=1e-10)
    np.testing.assert_allclose(res.overall["T_w"], np.ravel(d.wg), rtol=1e-10)
    np.testing.assert_allclose(res.overall["T_w"] + res.overall["T_b"], res.overall["T"], rtol=1e-12)


def test_theil_bad_input():
    y = pd.Series([0.0, 0.0, 0.0], index=["a", "b", "c"])
    with pytest.raises(DataError, match="the Theil index needs a positive mean"):
        theil_index(y)
    with pytest.raises(DataError, match="group Q has mean 0"):
        theil_index(pd.Series([1.0, 2.0, 0.0, 0.0], index=list("abcd")), ["P", "P", "Q", "Q"])


# ------------------------------------------------------------------------------------------------ kernel density
@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov"])
def test_kernel_density_is_the_formula(kernel):
    y, _ = _regional_panel(regions=60)
    res = kernel_density(y, years=[2019, 2021], kernel=kernel, gridsize=50)
    assert sorted(res.density["Year"].unique()) == [2019, 2021]
    for year in (2019, 2021):
        v = y.xs(year, level="Year").to_numpy()
        iqr = np.subtract(*np.percentile(v, [75, 25]))
        h = 0.9 * min(v.std(ddof=1), iqr / 1.349) * len(v) ** -0.2
        assert res.bandwidth[year] == pytest.approx(h, rel=1e-12)
        part = res.density[res.density["Year"] == year]
        grid = part["x"].to_numpy()
        assert grid[0] == pytest.approx(v.min() - 3 * h) and grid[-1] == pytest.approx(v.max() + 3 * h)
        u = (grid[:, None] - v[None, :]) / h
        k = np.exp(-u * u / 2) / np.sqrt(2 * np.pi) if kernel == "gaussian" else np.where(abs(u) <= 1,
                                                                                          0.75 * (1 - u * u), 0)
        np.testing.assert_allclose(part["Density"], k.sum(axis=1) / (len(v) * h), rtol=1e-10, atol=1e-14)


def test_kernel_density_bad_input():
    y = pd.Series([1.0, 1.0, 1.0], index=list("abc"))
    with pytest.raises(DataError, match="Silverman's bandwidth is 0; set one by hand"):
        kernel_density(y)
    with pytest.raises(SettingsError, match="bandwidth must be a number > 0"):
        kernel_density(y, bandwidth=-1)
    with pytest.raises(SettingsError, match="kernel 'box' is not one of"):
        kernel_density(y, kernel="box")
    assert len(kernel_density(y, bandwidth=0.5, gridsize=20).table()) == 20


# ------------------------------------------------------------------------------------------------ properties
@settings(max_examples=40, deadline=None)
@given(arrays(float, st.tuples(st.integers(3, 15), st.integers(2, 5)), elements=st.floats(0, 1e4)),
       st.sampled_from(["minmax", "vector"]), st.sampled_from(["equal", "entropy", "critic"]))
def test_topsis_closeness_in_unit_interval(x, normalise, weights):
    try:
        res = topsis(pd.DataFrame(x), ["+"] * x.shape[1], weights, normalise=normalise)
    except DnqpError:
        return
    assert ((res.closeness >= 0) & (res.closeness <= 1)).all()


@settings(max_examples=40, deadline=None)
@given(arrays(float, st.integers(2, 25), elements=st.floats(0, 1e3)), st.integers(2, 3))
@example(np.array([8.0, 5e-324, 5e-324, 5e-324]), 2)  # a group's share underflows to 0: was 0·(−∞) = NaN
def test_theil_decomposition_adds_up(v, k):
    labels = [f"g{i % k}" for i in range(len(v))]
    if min(labels.count(f"g{i}") for i in range(k)) < 2:
        return
    try:
        res = theil_index(pd.Series(v), labels)
    except DataError:
        return
    row = res.overall.iloc[0]
    assert row["T"] >= -1e-15 and row["T"] <= np.log(len(v)) + 1e-12
    assert row["T_w"] + row["T_b"] == pytest.approx(row["T"], rel=1e-9, abs=1e-12)


def test_unbalanced_panel_is_each_year_on_its_own():
    y, grp = _regional_panel(regions=24, seed=9)
    drop = [(r, 2021) for r, g in grp.items() if g == "N"]  # group N absent in 2021
    y = y.drop(drop)
    dag, th = dagum_gini(y, grp), theil_index(y, grp)
    cross = y.xs(2021, level="Year")
    alone_d, alone_t = dagum_gini(cross, grp), theil_index(cross, grp)
    np.testing.assert_allclose(dag.overall.loc[2021].to_numpy(), alone_d.overall.loc["all"].to_numpy(), rtol=1e-13)
    np.testing.assert_allclose(th.overall.loc[2021].to_numpy(), alone_t.overall.loc["all"].to_numpy(), rtol=1e-13)
    assert np.isnan(dag.within.loc[2021, "N"]) and np.isnan(th.within.loc[2021, "N"])
