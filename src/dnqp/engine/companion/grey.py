"""Grey relational analysis of comparison series against a reference series (issue 12 §5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError, SettingsError
from ..prepare import as_numeric
from ..settings import REGISTRY
from ._common import check_series, rank_desc, region_level, row_name, settings_choice

__all__ = ["GreyResult", "grey_relation", "GREY_NORMALISATIONS"]

#: ``"initial"``: each series divided by its first value; ``"mean"``: by its mean; ``"none"``: as given.
GREY_NORMALISATIONS = REGISTRY["grey_normalise"].choices


@dataclass(frozen=True)
class GreyResult:
    """What :func:`grey_relation` computes.

    Attributes
    ----------
    degree : Series
        The grey relational degree ``r_i`` of each comparison series, in (0, 1].
    rank : Series
        1 = most closely related to the reference.
    coefficients : DataFrame
        ``ξ_i(k)``, rows × comparison series.
    delta_min, delta_max : float
        The two-level minimum and maximum of ``Δ_i(k)`` over every series and row.
    rho : float
    normalise : str
    """

    degree: pd.Series
    rank: pd.Series
    coefficients: pd.DataFrame
    delta_min: float
    delta_max: float
    rho: float
    normalise: str

    def table(self) -> pd.DataFrame:
        """Series | Grey relational degree | Rank, sorted by rank."""
        out = pd.concat([self.degree, self.rank], axis=1)
        return out.sort_values(["Rank"], kind="stable")


def _dimensionless(v: np.ndarray, index: pd.Index, names: Sequence, how: str,
                   groups: np.ndarray | None) -> np.ndarray:
    """Each column divided by its first value or its mean (within each region for a panel)."""
    if how == "none":
        return np.array(v, dtype=float)  # a copy: the caller works in place
    if groups is None:
        segments = [slice(None)]
    else:
        segments = [np.flatnonzero(groups == g) for g in pd.unique(groups)]
    out = np.empty_like(v)
    for rows in segments:
        block = v[rows]
        first = 0 if groups is None else rows[0]
        base = block[0] if how == "initial" else block.mean(axis=0)
        bad = ~(np.abs(base) > 0)
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            where = f"its first value (row {row_name(index[first])})" if how == "initial" else "its mean"
            raise DataError(f"series {names[j]}: {where} is 0, so it cannot be made dimensionless by the "
                            f"{how} value")
        out[rows] = block / base
    return out


def grey_relation(
    reference: pd.Series,
    series: pd.DataFrame,
    *,
    rho: float = 0.5,
    normalise: str = "initial",
    weights: Sequence | pd.Series | None = None,
) -> GreyResult:
    """Deng's grey relational degree of each comparison series to a reference series.

    After making every series dimensionless, ``Δ_i(k) = |x'_0(k) − x'_i(k)|`` and

    .. math::

        \\xi_i(k) = \\frac{\\Delta_{\\min} + \\rho\\,\\Delta_{\\max}}{\\Delta_i(k) + \\rho\\,\\Delta_{\\max}},
        \\qquad r_i = \\frac{1}{N}\\sum_k \\xi_i(k)\\quad\\text{(or } \\sum_k \\omega_k \\xi_i(k)\\text{)}

    where ``Δmin`` and ``Δmax`` are the minimum and maximum of ``Δ`` over every series and every row.

    Parameters
    ----------
    reference : Series
        The reference series (e.g. the outcome), indexed by year (or by (Region, Year) for a panel).
    series : DataFrame
        The comparison series (indicators or sub-indices), one column each, with the same rows.
    rho : float
        The distinguishing coefficient, in (0, 1]; 0.5 by default.
    normalise : {"initial", "mean", "none"}
        Divide each series by its first value or by its mean (within each region for a panel).
    weights : sequence or Series, optional
        Weights of the rows for a weighted mean of ξ (rescaled to sum to 1); the plain mean by default.

    Examples
    --------
    Hand-checked: by the initial value, x₀ = (1, 1.1, 1.2), x_A = (1, 1.2, 1.5), x_B = (1, 1, 1), so
    Δ_A = (0, 0.1, 0.3), Δ_B = (0, 0.1, 0.2); Δmin = 0, Δmax = 0.3, ρΔmax = 0.15;
    ξ_A = (1, 0.6, 0.3333), ξ_B = (1, 0.6, 0.4286); r_A = 0.6444, r_B = 0.6762:

    >>> y = pd.Series([10.0, 11.0, 12.0], index=[2022, 2023, 2024], name="Export")
    >>> X = pd.DataFrame({"A": [2.0, 2.4, 3.0], "B": [5.0, 5.0, 5.0]}, index=y.index)
    >>> grey_relation(y, X).table().round(4)
            Grey relational degree  Rank
    Series
    B                       0.6762     1
    A                       0.6444     2
    """
    settings_choice(normalise, GREY_NORMALISATIONS, "grey normalisation")
    try:
        rho = float(rho)
    except (TypeError, ValueError, OverflowError):
        raise SettingsError(f"ρ must be a number in (0, 1], got {rho!r}") from None
    if not (0.0 < rho <= 1.0):
        raise SettingsError(f"ρ must lie in (0, 1], got {rho:g}")
    if not isinstance(series, pd.DataFrame):
        series = pd.DataFrame(series)
    if isinstance(reference, pd.DataFrame):
        if reference.shape[1] != 1:
            raise DataError(f"the reference must be one series, got {reference.shape[1]} columns")
        reference = reference.iloc[:, 0]
    reference = pd.Series(reference)
    ref_name = reference.name if reference.name is not None else "reference"
    if series.shape[1] == 0:
        raise DataError("no comparison series")
    if len(reference) != len(series):
        raise DataError(f"the reference {ref_name} has {len(reference)} rows but the comparison series have "
                        f"{len(series)}")
    if not reference.index.equals(series.index):
        reference = pd.Series(reference.to_numpy(), index=series.index, name=ref_name)
    if len(series) < 2:
        raise DataError(f"grey relational analysis needs at least 2 rows, got {len(series)}")
    x = as_numeric(series, what="series")
    v = x.to_numpy(dtype=float)
    y = as_numeric(reference.rename(ref_name).to_frame(), what="series").iloc[:, 0].to_numpy(dtype=float)
    check_series(y, x.index, ref_name)
    for j, c in enumerate(x.columns):
        check_series(v[:, j], x.index, c)
    rl = region_level(x.index)
    groups = None if rl is None else np.asarray(x.index.get_level_values(rl))
    y0 = _dimensionless(y[:, None], x.index, [ref_name], normalise, groups)
    delta = _dimensionless(v, x.index, list(x.columns), normalise, groups)
    np.subtract(delta, y0, out=delta)
    np.abs(delta, out=delta)
    dmin, dmax = float(delta.min()), float(delta.max())
    if dmax > 0:
        xi = delta  # in place: Δ is not needed after ξ
        np.add(xi, rho * dmax, out=xi)
        np.divide(dmin + rho * dmax, xi, out=xi)
    else:
        xi = np.ones_like(delta)  # every series coincides with the reference
    if weights is None:
        degree = xi.mean(axis=0)
    else:
        if isinstance(weights, pd.Series) and not weights.index.equals(x.index):
            missing = [r for r in x.index if r not in weights.index]
            if missing:
                raise DataError(f"row {row_name(missing[0])} has no weight")
            weights = weights.reindex(x.index)
        om = np.asarray(weights, dtype=float).ravel()
        if len(om) != len(x):
            raise DataError(f"{len(om)} row weights given for {len(x)} rows")
        if not (np.isfinite(om).all() and (om >= 0).all() and om.sum() > 0):
            raise DataError("row weights must be finite numbers ≥ 0 with a positive sum")
        degree = (om / om.sum()) @ xi
    names = pd.Index(x.columns, name="Series")
    deg = pd.Series(degree, index=names, name="Grey relational degree")
    return GreyResult(degree=deg, rank=pd.Series(rank_desc(degree), index=names, name="Rank"),
                      coefficients=pd.DataFrame(xi, index=x.index, columns=names),
                      delta_min=dmin, delta_max=dmax, rho=rho, normalise=normalise)
