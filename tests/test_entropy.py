"""Entropy weight method: the docs/method.md oracle, hand-derived cases, properties and errors."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import dnqp
from dnqp import ConstantIndicatorError, DataError, DirectionError, SettingsError, entropy_weights
from references import METHOD_ORACLE

ORACLE = pd.DataFrame(METHOD_ORACLE["data"], columns=["A", "B", "C", "D"], dtype=float)


def test_method_oracle():
    r = entropy_weights(ORACLE, METHOD_ORACLE["directions"])
    np.testing.assert_allclose(r.entropy, METHOD_ORACLE["entropy"], atol=5e-7)
    np.testing.assert_allclose(r.weights, METHOD_ORACLE["weights"], atol=5e-7)
    np.testing.assert_allclose(r.scores, METHOD_ORACLE["scores"], atol=5e-7)
    np.testing.assert_allclose(r.divergence, 1 - np.array(METHOD_ORACLE["entropy"]), atol=5e-7)
    assert r.weights.sum() == pytest.approx(1.0, abs=1e-15)
    assert list(r.weights.index) == ["A", "B", "C", "D"]


def test_two_rows_are_refused_because_every_weight_would_be_equal():
    # z = [0, 1] → p = [0, 1] → e = 0 for every indicator: the weights carry no information.
    with pytest.raises(DataError, match="at least 3 observations, got 2"):
        entropy_weights(pd.DataFrame({"x": [1.0, 2.0], "y": [5.0, 7.0]}), ["+", "+"])


def test_three_point_hand_value():
    # x = [0, 1, 2] benefit → z = [0, 0.5, 1] → p = [0, 1/3, 2/3];
    # e = −(1/ln 3)(1/3 ln 1/3 + 2/3 ln 2/3) = 0.579380164285...
    # y = [0, 0, 1] → z = [0, 0, 1] → e = 0 → d = 1.
    r = entropy_weights(pd.DataFrame({"x": [0.0, 1, 2], "y": [0.0, 0, 1]}), "++")
    e_x = -(1 / np.log(3)) * (1 / 3 * np.log(1 / 3) + 2 / 3 * np.log(2 / 3))
    assert r.entropy["x"] == pytest.approx(e_x, rel=1e-14)
    assert r.entropy["y"] == 0.0
    d = np.array([1 - e_x, 1.0])
    np.testing.assert_allclose(r.weights, d / d.sum(), rtol=1e-14)


def test_cost_direction_standardises_from_the_max():
    r = entropy_weights(pd.DataFrame({"c": [10.0, 20.0, 40.0]}), ["-"])
    np.testing.assert_allclose(r.standardized["c"], [1.0, 2 / 3, 0.0])
    assert r.weights["c"] == 1.0


@pytest.mark.parametrize("spelling", [["+", "-"], [1, -1], ["benefit", "cost"], ["正向", "负向"], ["+", "−"],
                                      {"A": "positive", "B": "negative"}, "+-"])
def test_direction_spellings(spelling):
    X = ORACLE[["A", "C"]].rename(columns={"C": "B"})
    base = entropy_weights(X, ["+", "-"])
    r = entropy_weights(X, spelling)
    pd.testing.assert_series_equal(r.weights, base.weights)


def test_bad_direction_names_the_indicator():
    with pytest.raises(DirectionError, match=r"indicator C: direction 'up'"):
        entropy_weights(ORACLE, ["+", "+", "up", "+"])
    with pytest.raises(DirectionError, match="3 directions given for 4 indicators"):
        entropy_weights(ORACLE, ["+", "+", "+"])


def test_shift_is_added_after_standardising():
    r = entropy_weights(ORACLE, METHOD_ORACLE["directions"], shift=0.01)
    plain = entropy_weights(ORACLE, METHOD_ORACLE["directions"])
    np.testing.assert_allclose(r.standardized, plain.standardized + 0.01, rtol=1e-15)
    # With a shift no proportion is zero, so every entropy rises and weights move a little.
    assert (r.entropy > plain.entropy).all()
    assert r.weights.sum() == pytest.approx(1.0)


def test_interval_scaling():
    r = entropy_weights(ORACLE, METHOD_ORACLE["directions"], standardize="interval", interval=(0.1, 0.9))
    plain = entropy_weights(ORACLE, METHOD_ORACLE["directions"])
    np.testing.assert_allclose(r.standardized, 0.1 + 0.8 * plain.standardized, rtol=1e-14)
    assert r.standardized.min().min() == pytest.approx(0.1)
    assert r.standardized.max().max() == pytest.approx(0.9)
    with pytest.raises(SettingsError, match="interval"):
        entropy_weights(ORACLE, "++-+", standardize="interval", interval=(1, 0))


def test_standardize_none_takes_data_as_given():
    z = entropy_weights(ORACLE, METHOD_ORACLE["directions"]).standardized
    r = entropy_weights(z, METHOD_ORACLE["directions"], standardize="none")
    np.testing.assert_allclose(r.weights, METHOD_ORACLE["weights"], atol=5e-7)
    bad = z.copy()
    bad.iloc[2, 1] = -0.5
    with pytest.raises(DataError, match=r"indicator B, row 2: value -0.5 is negative"):
        entropy_weights(bad, METHOD_ORACLE["directions"], standardize="none")


def test_constant_indicator_is_an_error_naming_it_and_the_years():
    X = ORACLE.copy()
    X["D2"] = 7.0
    X.index = range(2010, 2015)
    with pytest.raises(ConstantIndicatorError) as err:
        entropy_weights(X, ["+", "+", "-", "+", "-"])
    assert str(err.value) == "indicator D2 is constant over 2010–2014: its entropy weight is undefined"


def test_constant_indicator_dropped_gets_no_weight_not_the_largest():
    X = ORACLE.copy()
    X.insert(1, "K", 3.0)
    r = entropy_weights(X, ["+", "+", "+", "-", "+"], constant="drop")
    assert r.dropped == ("K",)
    assert "K" not in r.weights.index
    np.testing.assert_allclose(r.weights, METHOD_ORACLE["weights"], atol=5e-7)
    assert r.warnings and "K" in r.warnings[0]
    # Sub-indices accept a sequence aligned with the original columns, dropped indicator included.
    sub = r.subindices(["g1", "g1", "g1", "g2", "g2"])
    np.testing.assert_allclose(sub.sum(axis=1), r.scores, rtol=1e-14)


def test_all_constant_is_an_error_even_when_dropping():
    with pytest.raises(ConstantIndicatorError):
        entropy_weights(pd.DataFrame({"a": [1.0, 1, 1], "b": [2.0, 2, 2]}), "++", constant="drop")


def test_missing_and_text_values_are_named():
    X = ORACLE.copy()
    X.iloc[3, 2] = np.nan
    with pytest.raises(DataError, match=r"indicator C, row 3 is missing: impute it first"):
        entropy_weights(X, "++-+")
    Y = ORACLE.astype(object)
    Y.iloc[1, 0] = "12%"
    with pytest.raises(DataError, match=r"indicator A, row 1: a percentage"):
        entropy_weights(Y, "++-+")


def test_too_few_rows_and_bad_options():
    with pytest.raises(DataError, match="at least 3 observations, got 1"):
        entropy_weights(ORACLE.iloc[:1], "++-+")
    with pytest.raises(SettingsError):
        entropy_weights(ORACLE, "++-+", standardize="zscore")
    with pytest.raises(SettingsError):
        entropy_weights(ORACLE, "++-+", constant="ignore")
    with pytest.raises(SettingsError):
        entropy_weights(ORACLE, "++-+", shift=-1)


def test_subindices_global_add_up_and_within_is_renormalised():
    r = entropy_weights(ORACLE, METHOD_ORACLE["directions"])
    groups = {"A": "Infra", "B": "Infra", "C": "Green", "D": "Green"}
    sub = r.subindices(groups)
    assert list(sub.columns) == ["Infra", "Green"]
    np.testing.assert_allclose(sub.sum(axis=1), r.scores, rtol=1e-14)
    w = np.array(METHOD_ORACLE["weights"])
    z = r.standardized.to_numpy()
    np.testing.assert_allclose(sub["Infra"], z[:, :2] @ w[:2], atol=2e-6)
    within = r.subindices(groups, convention="within")
    np.testing.assert_allclose(within["Infra"], z[:, :2] @ (w[:2] / w[:2].sum()), atol=2e-6)
    assert (within.max() <= 1.0 + 1e-12).all()
    dw = r.dimension_weights(groups)
    np.testing.assert_allclose(dw, [w[:2].sum(), w[2:].sum()], atol=1e-6)
    with pytest.raises(DataError, match="indicator D has no dimension"):
        r.subindices({"A": "x", "B": "x", "C": "y"})
    with pytest.raises(SettingsError):
        r.subindices(groups, convention="local")


# ---------------------------------------------------------------- properties (hypothesis)

def _matrices(min_rows=3, max_rows=12, max_cols=6):
    @st.composite
    def build(draw):
        n = draw(st.integers(min_rows, max_rows))
        m = draw(st.integers(1, max_cols))
        x = draw(arrays(np.float64, (n, m), elements=st.floats(-1e3, 1e3, allow_nan=False, width=64)))
        spread = np.ptp(x, axis=0)
        scale = np.abs(x).max(axis=0) + 1.0
        # Keep columns that clearly vary (a constant column is an error by design).
        from hypothesis import assume
        assume((spread > 1e-6 * scale).all())
        dirs = draw(st.lists(st.sampled_from(["+", "-"]), min_size=m, max_size=m))
        return pd.DataFrame(x, columns=[f"I{j}" for j in range(m)]), dirs

    return build()


PROP = settings(max_examples=150, deadline=None)


@PROP
@given(_matrices())
def test_weights_are_a_distribution(case):
    X, dirs = case
    r = entropy_weights(X, dirs)
    assert (r.weights >= 0).all()
    assert r.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert ((r.entropy >= -1e-12) & (r.entropy <= 1 + 1e-12)).all()
    assert np.isfinite(r.scores).all()
    assert ((r.scores >= -1e-12) & (r.scores <= 1 + 1e-12)).all()


@PROP
@given(_matrices(), st.data())
def test_invariant_to_positive_affine_rescaling(case, data):
    X, dirs = case
    j = data.draw(st.integers(0, X.shape[1] - 1))
    a = data.draw(st.floats(0.01, 100))
    b = data.draw(st.floats(-1e3, 1e3))
    Y = X.copy()
    Y.iloc[:, j] = a * X.iloc[:, j] + b
    r1, r2 = entropy_weights(X, dirs), entropy_weights(Y, dirs)
    np.testing.assert_allclose(r2.weights, r1.weights, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(r2.scores, r1.scores, rtol=1e-7, atol=1e-10)


@PROP
@given(_matrices(), st.data())
def test_flipping_a_direction_equals_reflecting_the_column(case, data):
    X, dirs = case
    j = data.draw(st.integers(0, X.shape[1] - 1))
    flipped = list(dirs)
    flipped[j] = "-" if dirs[j] == "+" else "+"
    Y = X.copy()
    Y.iloc[:, j] = -X.iloc[:, j]
    r1, r2 = entropy_weights(X, flipped), entropy_weights(Y, dirs)
    np.testing.assert_allclose(r2.weights, r1.weights, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(r2.standardized, r1.standardized, rtol=1e-9, atol=1e-12)


@PROP
@given(_matrices(), st.randoms(use_true_random=False))
def test_row_and_column_permutations_permute_the_results(case, rnd):
    X, dirs = case
    rows = list(range(X.shape[0]))
    cols = list(range(X.shape[1]))
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    Y = X.iloc[rows, cols]
    r1 = entropy_weights(X, dirs)
    r2 = entropy_weights(Y, [dirs[c] for c in cols])
    np.testing.assert_allclose(r2.weights.to_numpy(), r1.weights.to_numpy()[cols], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(r2.scores.to_numpy(), r1.scores.to_numpy()[rows], rtol=1e-10, atol=1e-13)


def test_input_is_not_modified():
    X = ORACLE.copy()
    before = X.copy()
    dnqp.entropy_weights(X, "++-+", shift=0.5)
    pd.testing.assert_frame_equal(X, before)


def test_result_is_frozen():
    r = entropy_weights(ORACLE, "++-+")
    with pytest.raises(AttributeError):
        r.weights = None
