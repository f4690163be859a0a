"""Fuzzing the engine's public functions with messy, spreadsheet-like DataFrames.

The property: every call returns a well-formed result without NaN or inf where a number is due, or
raises a :class:`dnqp.DnqpError` whose message is a single line. Nothing else, ever.
"""

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import dnqp
from dnqp import DnqpError

CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e6, 1e6),
    st.integers(-10**6, 10**6),
    st.sampled_from([None, "", "NA", "#N/A", "1,234.5", "１２", "−3", "12%", "abc", True, "—", "1e308", "0"]),
    st.sampled_from([1e-300, -1e-300, 1e300, 5e-324, 0.0, 1.0, 2.0]),
)
LABELS = st.one_of(st.text(min_size=0, max_size=4), st.integers(0, 3))


@st.composite
def frames(draw, min_rows=0, max_rows=8, min_cols=0, max_cols=5):
    n = draw(st.integers(min_rows, max_rows))
    m = draw(st.integers(min_cols, max_cols))
    cols = draw(st.lists(LABELS, min_size=m, max_size=m))
    rows = draw(st.lists(st.lists(CELLS, min_size=m, max_size=m), min_size=n, max_size=n))
    return pd.DataFrame(rows, columns=cols) if m else pd.DataFrame(index=range(n))


DIRECTIONS = st.lists(st.sampled_from(["+", "-", "−", 1, -1, "benefit", "cost", "正向", "负向", "x", None, 0]),
                      max_size=6)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))


def _one_line(err: Exception) -> None:
    msg = str(err)
    assert msg and "\n" not in msg and "Traceback" not in msg


def _finite(obj) -> None:
    if isinstance(obj, pd.Series | pd.DataFrame):
        values = obj.to_numpy(dtype=float)
        assert np.isfinite(values).all()


@FUZZ
@given(frames(), DIRECTIONS, st.sampled_from(["minmax", "interval", "none"]), st.sampled_from([0.0, 0.01]),
       st.sampled_from(["error", "drop"]))
@example(pd.DataFrame({"a": [1.0, 1e-300, 2.0], "b": [0.0, 5e-324, 1.0]}), ["+", "+"], "minmax", 0.0, "error")
@example(pd.DataFrame({"a": [1e308, -1e308, 0.0]}), ["+"], "minmax", 0.0, "error")
def test_entropy_weights_never_crashes(df, dirs, standardize, shift, constant):
    try:
        r = dnqp.entropy_weights(df, dirs, standardize=standardize, shift=shift, constant=constant)
    except DnqpError as err:
        _one_line(err)
        return
    for part in (r.weights, r.entropy, r.divergence, r.scores, r.standardized):
        _finite(part)
    assert math.isclose(r.weights.sum(), 1.0, abs_tol=1e-9)


@FUZZ
@given(frames(min_cols=1), st.sampled_from(["nonrobust", "HC1", "HC3", "HAC"]), st.booleans())
def test_ols_never_crashes(df, cov, add_constant):
    y, X = df.iloc[:, 0], df.iloc[:, 1:]
    try:
        r = dnqp.ols(y, X, cov=cov, add_constant=add_constant)
    except DnqpError as err:
        _one_line(err)
        return
    _finite(r.params)
    r.table()


@FUZZ
@given(frames())
def test_vif_describe_impute_never_crash(df):
    for call in (lambda: dnqp.vif(df), lambda: dnqp.describe(df), lambda: dnqp.impute(df, "mean"),
                 lambda: dnqp.impute(df, "linear")):
        try:
            out = call()
        except DnqpError as err:
            _one_line(err)
            continue
        assert out is not None
