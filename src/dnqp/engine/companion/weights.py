"""Weights besides entropy (CRITIC, equal, combined) and the index recomputed with any weights (issue 12 §1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import ConstantIndicatorError, DataError, SettingsError
from ..entropy import CONVENTIONS, Standardized, dimension_of, entropy_weights, subindex_scores
from ..settings import REGISTRY
from ._common import as_weights, settings_choice, standardized

__all__ = ["WeightsResult", "CriticResult", "ScoresResult", "critic_weights", "equal_weights",
           "combine_weights", "composite_scores", "companion_weights", "weights_from_standardized",
           "WEIGHT_METHODS", "CRITIC_CORRELATIONS", "COMBINATIONS"]

#: Correlation term of CRITIC's conflict: ``1 − r`` (Diakoulaki et al. 1995) or ``1 − |r|``.
CRITIC_CORRELATIONS = ("pearson", "absolute")
#: How two weight vectors are combined (组合赋权).
COMBINATIONS = ("multiplicative", "additive")
#: The weights a companion measure can use.
WEIGHT_METHODS = REGISTRY["companion_weights"].choices


@dataclass(frozen=True)
class WeightsResult:
    """Weights per indicator, how they were obtained, and the per-indicator quantities behind them.

    Attributes
    ----------
    weights : Series
        ``w_j``, indexed by indicator, summing to 1.
    method : str
        One of :data:`WEIGHT_METHODS`.
    details : DataFrame
        The quantities behind the weights, one row per indicator (empty columns for equal weights).
    warnings : tuple of str
        One-line notes (dropped constant indicators).
    """

    weights: pd.Series
    method: str
    details: pd.DataFrame
    warnings: tuple = field(default=())

    def table(self) -> pd.DataFrame:
        """Indicator | (details …) | Weight w, one row per indicator."""
        out = self.details.copy()
        out["Weight w"] = self.weights
        return out.rename_axis("Indicator")


@dataclass(frozen=True)
class CriticResult(WeightsResult):
    """CRITIC weights (:func:`critic_weights`): ``details`` holds σ, Conflict and Information C.

    Attributes
    ----------
    std, conflict, information : Series
        ``σ_j`` (n − 1), ``Σ_k (1 − r_jk)`` (or ``1 − |r_jk|``) and ``C_j = σ_j · conflict_j``.
    correlation : DataFrame
        Pearson ``r`` between the standardised indicators.
    standardized : DataFrame
        ``z``, rows × indicators.
    """

    std: pd.Series = None
    conflict: pd.Series = None
    information: pd.Series = None
    correlation: pd.DataFrame = None
    standardized: pd.DataFrame = None


def _critic(z: np.ndarray, columns: pd.Index, correlation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                          np.ndarray]:
    """σ (n − 1), r, conflict and C of CRITIC on the standardised matrix ``z``."""
    n = z.shape[0]
    mean = z.mean(axis=0)
    centred = z - mean
    ss = np.einsum("ij,ij->j", centred, centred)
    sigma = np.sqrt(ss / (n - 1))
    const = ~(sigma > 0)
    if const.any():
        raise ConstantIndicatorError(f"indicator {columns[np.flatnonzero(const)[0]]} is constant after "
                                     "standardisation: its CRITIC correlation is undefined")
    cov = centred.T @ centred
    norm = np.sqrt(ss)
    r = cov / norm[:, None] / norm[None, :]
    np.clip(r, -1.0, 1.0, out=r)
    np.fill_diagonal(r, 1.0)
    conflict = (1.0 - (np.abs(r) if correlation == "absolute" else r)).sum(axis=1)
    return sigma, r, conflict, sigma * conflict


def critic_weights(
    data: pd.DataFrame,
    directions: Sequence | Mapping | pd.Series,
    *,
    correlation: str = "pearson",
    standardize: str = "minmax",
    shift: float = 0.0,
    interval: tuple[float, float] = (0.0, 1.0),
    constant: str = "error",
) -> CriticResult:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995) on the standardised data of METHOD.md §2.

    .. math::

        C_j = \\sigma_j \\sum_k (1 - r_{jk}), \\qquad w_j = C_j / \\sum_k C_k

    with ``σ_j`` the standard deviation of ``z_j`` with ``n − 1`` and ``r`` Pearson's correlation of the
    standardised indicators. ``correlation="absolute"`` takes ``1 − |r_jk|`` instead (a strong negative
    correlation then counts as redundancy, not conflict).

    Parameters
    ----------
    data, directions, standardize, shift, interval, constant
        As :func:`dnqp.entropy_weights`: rows are years or region-years, columns indicators.
    correlation : {"pearson", "absolute"}

    Examples
    --------
    Hand-checked: z_A = (0, ½, 1), z_B = (1, ½, 0), z_C = (0, 1, ½), so σ = ½ for each;
    r_AB = −1, r_AC = ½, r_BC = −½; conflicts A: 0 + 2 + ½ = 2.5, B: 2 + 0 + 1.5 = 3.5,
    C: ½ + 1.5 + 0 = 2; C_j = 1.25, 1.75, 1 (sum 4); w = 0.3125, 0.4375, 0.25:

    >>> X = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [3.0, 2.0, 1.0], "C": [1.0, 3.0, 2.0]})
    >>> r = critic_weights(X, "+++")
    >>> r.table().round(4)
                 σ  Conflict  Information C  Weight w
    Indicator
    A          0.5       2.5           1.25    0.3125
    B          0.5       3.5           1.75    0.4375
    C          0.5       2.0           1.00    0.2500

    With ``1 − |r|`` the conflicts are ½, ½, 1, so C = 0.25, 0.25, 0.5 and w = ¼, ¼, ½:

    >>> critic_weights(X, "+++", correlation="absolute").weights.round(4).tolist()
    [0.25, 0.25, 0.5]
    """
    settings_choice(correlation, CRITIC_CORRELATIONS, "CRITIC correlation")
    std = standardized(data, directions, method="CRITIC", undefined="CRITIC correlation",
                       standardize=standardize, shift=shift, interval=interval, constant=constant)
    return _critic_result(std, correlation)


def _critic_result(std: Standardized, correlation: str) -> CriticResult:
    columns = pd.Index(std.columns, name="Indicator")
    sigma, r, conflict, info = _critic(std.z, columns, correlation)
    total = info.sum()
    if not total > 0:
        raise ConstantIndicatorError("every pair of indicators is perfectly correlated: the CRITIC weights are "
                                     "undefined")
    w = info / total
    s = pd.Series(sigma, index=columns, name="σ")
    c = pd.Series(conflict, index=columns, name="Conflict")
    i = pd.Series(info, index=columns, name="Information C")
    return CriticResult(
        weights=pd.Series(w, index=columns, name="Weight w"),
        method="critic" if correlation == "pearson" else "critic-abs",
        details=pd.concat([s, c, i], axis=1),
        warnings=std.warnings,
        std=s, conflict=c, information=i,
        correlation=pd.DataFrame(r, index=columns, columns=columns),
        standardized=std.to_frame(),
    )


def equal_weights(indicators: Sequence | pd.Index | pd.DataFrame) -> WeightsResult:
    """Equal weights ``w_j = 1/m`` for the ``m`` indicators (the columns of a DataFrame, or a list of names).

    Examples
    --------
    >>> equal_weights(["A", "B", "C", "D"]).weights.tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    cols = pd.Index(indicators.columns if isinstance(indicators, pd.DataFrame) else list(indicators),
                    name="Indicator")
    if len(cols) == 0:
        raise DataError("no indicators: equal weights need at least one")
    if cols.has_duplicates:
        raise DataError(f"indicator {cols[cols.duplicated()][0]} appears more than once")
    return WeightsResult(weights=pd.Series(1.0 / len(cols), index=cols, name="Weight w"), method="equal",
                         details=pd.DataFrame(index=cols))


def _series(w: pd.Series | WeightsResult | object, name: str) -> pd.Series:
    s = getattr(w, "weights", w)
    if not isinstance(s, pd.Series):
        raise DataError(f"{name} weights must be given by indicator (a Series or a weights result)")
    return s


def combine_weights(
    first: pd.Series | WeightsResult,
    second: pd.Series | WeightsResult,
    *,
    method: str = "multiplicative",
    lam: float = 0.5,
    names: tuple[str, str] = ("Entropy w", "CRITIC w"),
) -> WeightsResult:
    """Combined weights (组合赋权) of two weightings of the same indicators, e.g. entropy and CRITIC.

    ``"multiplicative"``: ``w_j = a_j b_j / Σ_k a_k b_k``. ``"additive"``: ``w_j = λ a_j + (1 − λ) b_j``
    (``a`` and ``b`` each rescaled to sum to 1 first), with ``0 ≤ λ ≤ 1``.

    Examples
    --------
    ``a = (0.5, 0.3, 0.2)``, ``b = (0.2, 0.3, 0.5)``: the products are 0.10, 0.09, 0.10 (sum 0.29), so
    ``w = (0.3448, 0.3103, 0.3448)``; additive with λ = 0.5 gives (0.35, 0.30, 0.35):

    >>> a = pd.Series([0.5, 0.3, 0.2], index=["A", "B", "C"])
    >>> b = pd.Series([0.2, 0.3, 0.5], index=["A", "B", "C"])
    >>> combine_weights(a, b).weights.round(4).tolist()
    [0.3448, 0.3103, 0.3448]
    >>> combine_weights(a, b, method="additive", lam=0.5).weights.round(4).tolist()
    [0.35, 0.3, 0.35]
    """
    settings_choice(method, COMBINATIONS, "weight combination")
    a, b = _series(first, names[0]), _series(second, names[1])
    cols = pd.Index(a.index, name="Indicator")
    if set(a.index) != set(b.index):
        extra = next(iter((set(a.index) ^ set(b.index))))
        raise DataError(f"indicator {extra} has {names[0] if extra in set(a.index) else names[1]} but not "
                        f"{names[1] if extra in set(a.index) else names[0]}")
    wa, wb = as_weights(a, cols, names[0]), as_weights(b, cols, names[1])
    if method == "multiplicative":
        prod = wa * wb
        if not prod.sum() > 0:
            raise DataError("the two weightings have no indicator in common with a positive weight: their "
                            "product is 0 everywhere")
        w = prod / prod.sum()
    else:
        try:
            lam = float(lam)
        except (TypeError, ValueError, OverflowError):
            raise SettingsError(f"λ must be a number in [0, 1], got {lam!r}") from None
        if not 0.0 <= lam <= 1.0:
            raise SettingsError(f"λ must lie in [0, 1], got {lam:g}")
        w = lam * wa + (1.0 - lam) * wb
    details = pd.DataFrame({names[0]: wa, names[1]: wb}, index=cols)
    return WeightsResult(weights=pd.Series(w, index=cols, name="Weight w"), method=method, details=details)


def companion_weights(
    data: pd.DataFrame,
    directions: Sequence | Mapping | pd.Series,
    method: str = "entropy",
    *,
    lam: float = 0.5,
    standardize: str = "minmax",
    shift: float = 0.0,
    interval: tuple[float, float] = (0.0, 1.0),
    constant: str = "error",
) -> WeightsResult:
    """Weights by name (one of :data:`WEIGHT_METHODS`), all on the same standardised matrix.

    ``"multiplicative"`` and ``"additive"`` combine entropy and CRITIC (Pearson) with :func:`combine_weights`.

    Examples
    --------
    >>> X = pd.DataFrame([[120, 3.2, 45, 0.8], [95, 4.1, 38, 1.2], [150, 2.7, 52, 0.6],
    ...                   [110, 3.9, 41, 1.0], [80, 3.5, 60, 0.9]], columns=["A", "B", "C", "D"])
    >>> companion_weights(X, "++-+", "entropy").weights.round(6).tolist()
    [0.29038, 0.236443, 0.229248, 0.24393]
    """
    settings_choice(method, WEIGHT_METHODS, "weight method")
    std = standardized(data, directions, method=f"{method} weighting", undefined=f"{method} weight",
                       standardize=standardize, shift=shift, interval=interval, constant=constant)
    return weights_from_standardized(std, method, lam=lam)


def _entropy_from_z(std: Standardized) -> WeightsResult:
    # z is already standardised (and ≥ 0): "none" takes it as it is, so p, e and d are those of METHOD.md §2.
    r = entropy_weights(std.to_frame(), np.ones(len(std.columns)), standardize="none")
    return WeightsResult(weights=r.weights, method="entropy",
                         details=pd.concat([r.entropy, r.divergence], axis=1), warnings=std.warnings)


def weights_from_standardized(std: Standardized, method: str, *, lam: float = 0.5) -> WeightsResult:
    """The weights of :func:`companion_weights` for an already standardised matrix.

    ``std`` is the result of :func:`dnqp.engine.entropy.standardize_data`; ``method`` one of
    :data:`WEIGHT_METHODS`; ``lam`` the λ of ``"additive"``.

    Examples
    --------
    >>> from dnqp.engine.entropy import standardize_data
    >>> X = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [3.0, 2.0, 1.0], "C": [1.0, 3.0, 2.0]})
    >>> weights_from_standardized(standardize_data(X, "+++"), "critic").weights.tolist()
    [0.3125, 0.4375, 0.25]
    """
    settings_choice(method, WEIGHT_METHODS, "weight method")
    if method == "entropy":
        return _entropy_from_z(std)
    if method in ("critic", "critic-abs"):
        return _critic_result(std, "pearson" if method == "critic" else "absolute")
    if method == "equal":
        return equal_weights(std.columns)
    out = combine_weights(_entropy_from_z(std), _critic_result(std, "pearson"), method=method, lam=lam)
    return WeightsResult(weights=out.weights, method=out.method, details=out.details, warnings=std.warnings)


@dataclass(frozen=True)
class ScoresResult:
    """The composite index and sub-indices with given weights (:func:`composite_scores`).

    Attributes
    ----------
    scores : Series
        ``S_i = Σ_j w_j z_ij``, one value per row, named ``Index``.
    subindices : DataFrame or None
        One column per dimension (None when no dimensions were given).
    weights : Series
        The weights used (rescaled to sum to 1).
    convention : str
        ``"global"`` or ``"within"`` (see :meth:`dnqp.EntropyResult.subindices`).
    """

    scores: pd.Series
    subindices: pd.DataFrame | None
    weights: pd.Series
    convention: str

    def table(self) -> pd.DataFrame:
        """Row | Index | one column per dimension."""
        out = self.scores.to_frame()
        if self.subindices is not None:
            out = out.join(self.subindices)
        return out


def composite_scores(
    z: pd.DataFrame,
    weights: pd.Series | WeightsResult | Sequence,
    dimensions: Mapping | Sequence | pd.Series | None = None,
    *,
    convention: str = "global",
) -> ScoresResult:
    """The index ``S_i = Σ_j w_j z_ij`` and sub-indices recomputed with any weights.

    ``z`` is a standardised matrix (e.g. :attr:`dnqp.EntropyResult.standardized`); ``weights`` a Series by
    indicator, a weights result, or a sequence in column order; ``dimensions`` maps indicators to dimensions
    as in :meth:`dnqp.EntropyResult.subindices`, whose ``convention`` (global/within) applies.

    Examples
    --------
    >>> z = pd.DataFrame({"A": [0.0, 0.5, 1.0], "B": [1.0, 0.5, 0.0], "C": [0.0, 1.0, 0.5]})
    >>> composite_scores(z, [0.5, 0.25, 0.25], {"A": "X", "B": "X", "C": "Y"}).table()
       Index      X      Y
    0  0.250  0.250  0.000
    1  0.625  0.375  0.250
    2  0.625  0.500  0.125
    """
    settings_choice(convention, CONVENTIONS, "sub-index convention")
    if not isinstance(z, pd.DataFrame):
        raise DataError("the standardised data must be a table with one column per indicator")
    w = pd.Series(as_weights(getattr(weights, "weights", weights), z.columns), index=z.columns, name="Weight w")
    values = z.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        i, j = np.argwhere(~np.isfinite(values))[0]
        raise DataError(f"indicator {z.columns[j]}, row {z.index[i]}: the standardised value is missing")
    scores = pd.Series(values @ w.to_numpy(), index=z.index, name="Index")
    sub = None
    if dimensions is not None:
        g = dimension_of(dimensions, z.columns)
        sub = subindex_scores(z, w, g, convention)
    return ScoresResult(scores=scores, subindices=sub, weights=w, convention=convention)
