"""Global entropy on a stacked panel divides by ln(N·T), the log of the rows summed (docs/method.md §5.1).

The reference is SciPy's ``scipy.stats.entropy`` (Shannon entropy in nats, ``0·ln 0 = 0``) of each
column's proportions, divided by ``ln(N·T)``. The do-file slip ``k = 1/ln T`` is caught twice: its entropy
of an evenly spread column exceeds 1, which the engine's never does, and its weights differ from the
engine's.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import entropy as shannon

import dnqp


def _panel(n_regions: int, n_years: int, values: np.ndarray) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([[f"R{r}" for r in range(n_regions)], range(2010, 2010 + n_years)],
                                       names=["Region", "Year"])
    return pd.DataFrame(values, index=index, columns=[f"X{j}" for j in range(values.shape[1])])


def _reference(z: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    """Entropies and weights from min–max scores ``z`` with the constant ``k``, through SciPy's entropy."""
    e = np.array([k * shannon(z[:, j] / z[:, j].sum()) for j in range(z.shape[1])])
    d = 1 - e
    return e, d / d.sum()


@settings(max_examples=40, deadline=None)
@given(n_regions=st.integers(2, 8), n_years=st.integers(2, 10), m=st.integers(2, 5), seed=st.integers(0, 2**32 - 1))
def test_the_constant_is_one_over_the_log_of_all_region_years(n_regions, n_years, m, seed):
    rows = n_regions * n_years
    x = np.random.default_rng(seed).lognormal(size=(rows, m))
    r = dnqp.entropy_weights(_panel(n_regions, n_years, x), "+" * m)
    z = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    e, w = _reference(z, 1 / math.log(rows))
    np.testing.assert_allclose(r.entropy.to_numpy(), e, rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.weights.to_numpy(), w, rtol=0, atol=1e-12)
    assert (r.entropy <= 1).all() and (r.divergence >= 0).all()


def test_the_one_over_ln_t_slip_gives_an_entropy_above_one():
    # 3 regions × 10 years, one indicator rising evenly and one that is nearly even: with k = 1/ln T the
    # second one's "entropy" is well above 1 and its divergence negative; with k = 1/ln(N·T) it is below 1.
    n_regions, n_years = 3, 10
    rows = n_regions * n_years
    x = np.column_stack([np.arange(1.0, rows + 1), 100 + np.tile([0.0, 1.0], rows // 2)])
    x[0, 1] = 102.0  # so that the column is not 0 and 1 only
    r = dnqp.entropy_weights(_panel(n_regions, n_years, x), "++")
    z = r.standardized.to_numpy()
    wrong_e, wrong_w = _reference(z, 1 / math.log(n_years))
    assert wrong_e.max() > 1 and (1 - wrong_e).min() < 0
    right_e, right_w = _reference(z, 1 / math.log(rows))
    np.testing.assert_allclose(r.entropy.to_numpy(), right_e, rtol=0, atol=1e-12)
    assert (r.entropy <= 1).all()
    assert not np.allclose(r.weights.to_numpy(), wrong_w, atol=1e-3)
