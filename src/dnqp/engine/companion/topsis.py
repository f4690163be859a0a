"""Entropy-TOPSIS (issue 12 §2): closeness to the ideal, with entropy, CRITIC or combined weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError
from ..entropy import Standardized
from ..settings import REGISTRY
from ._common import as_weights, rank_desc, row_name, settings_choice, standardized, year_level
from .weights import WEIGHT_METHODS, WeightsResult, weights_from_standardized

__all__ = ["TopsisResult", "topsis", "TOPSIS_NORMALISATIONS", "PANEL_MODES"]

#: ``"minmax"``: the standardised z of the entropy step; ``"vector"``: ``x / √Σx²`` with cost ideals reversed.
TOPSIS_NORMALISATIONS = REGISTRY["topsis_normalise"].choices
#: ``"pooled"``: one ideal over every row (region-years); ``"year"``: each year normalised and ranked alone.
PANEL_MODES = REGISTRY["topsis_panel"].choices


@dataclass(frozen=True)
class TopsisResult:
    """What :func:`topsis` computes. Series are indexed like the data's rows.

    Attributes
    ----------
    closeness : Series
        ``C_i = D⁻_i / (D⁺_i + D⁻_i)`` in [0, 1].
    d_plus, d_minus : Series
        Weighted Euclidean distances to the ideal and the anti-ideal.
    rank : Series
        1 = closest to the ideal (within the year when ``panel="year"``).
    ideal : DataFrame
        ``V⁺`` and ``V⁻`` per indicator (rows ``(Year, Indicator)`` when ``panel="year"``).
    weights : Series
        The weights used, by indicator.
    normalise, panel, weighting : str
        The options used (``weighting`` names the weights: a method of :data:`WEIGHT_METHODS` or "given").
    """

    closeness: pd.Series
    d_plus: pd.Series
    d_minus: pd.Series
    rank: pd.Series
    ideal: pd.DataFrame
    weights: pd.Series
    normalise: str
    panel: str
    weighting: str
    warnings: tuple = ()

    def table(self) -> pd.DataFrame:
        """Row | D+ | D− | Closeness C | Rank."""
        return pd.concat([self.d_plus, self.d_minus, self.closeness, self.rank], axis=1)


def _vector(values: np.ndarray, columns: pd.Index, index: pd.Index) -> np.ndarray:
    """``x / √Σ_i x²`` per column; the data must be ≥ 0 and a column must not be all zero."""
    neg = values < 0
    if neg.any():
        i, j = np.argwhere(neg)[0]
        raise DataError(f"indicator {columns[j]}, row {row_name(index[i])}: value {values[i, j]:g} is negative; "
                        "vector normalisation needs data ≥ 0 (use the min–max normalisation)")
    norm = np.sqrt(np.einsum("ij,ij->j", values, values))
    zero = ~(norm > 0)
    if zero.any():
        raise DataError(f"indicator {columns[np.flatnonzero(zero)[0]]} is zero in every row: its vector "
                        "normalisation is 0/0")
    return values / norm


def _distances(r: np.ndarray, w: np.ndarray, cost: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """D⁺, D⁻, V⁺, V⁻ of the normalised matrix ``r`` with weights ``w`` (cost columns: ideal = min)."""
    v = r * w
    hi, lo = v.max(axis=0), v.min(axis=0)
    if cost is not None and cost.any():
        pos = np.where(cost, lo, hi)
        neg = np.where(cost, hi, lo)
    else:
        pos, neg = hi, lo
    t = np.subtract(v, pos, out=np.empty_like(v))
    np.multiply(t, t, out=t)
    d_plus = np.sqrt(t.sum(axis=1))
    np.subtract(v, neg, out=t)
    np.multiply(t, t, out=t)
    d_minus = np.sqrt(t.sum(axis=1))
    return d_plus, d_minus, pos, neg


def _closeness(d_plus: np.ndarray, d_minus: np.ndarray) -> np.ndarray:
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        c = d_minus / total
    # Every row at the ideal and the anti-ideal at once (all rows alike): closeness ½ by convention.
    return np.where(total > 0, c, 0.5)


def topsis(
    data: pd.DataFrame,
    directions: Sequence | Mapping | pd.Series,
    weights: str | pd.Series | WeightsResult | Sequence = "entropy",
    *,
    normalise: str = "minmax",
    panel: str = "pooled",
    lam: float = 0.5,
    standardize: str = "minmax",
    shift: float = 0.0,
    interval: tuple[float, float] = (0.0, 1.0),
    constant: str = "error",
) -> TopsisResult:
    """Entropy-TOPSIS (Hwang & Yoon 1981) on the indicators of METHOD.md §2.

    .. math::

        V_{ij} = w_j r_{ij},\\quad V^+_j = \\max_i V_{ij},\\quad V^-_j = \\min_i V_{ij},\\quad
        D^\\pm_i = \\sqrt{\\textstyle\\sum_j (V_{ij} - V^\\pm_j)^2},\\quad C_i = D^-_i / (D^+_i + D^-_i)

    Parameters
    ----------
    data, directions
        As :func:`dnqp.entropy_weights`: rows are years, or region-years with a (Region, Year) MultiIndex.
    weights : str, Series, weights result or sequence
        A method of :data:`WEIGHT_METHODS` (``"entropy"``, ``"critic"``, ``"critic-abs"``, ``"equal"``,
        ``"multiplicative"``, ``"additive"`` with ``lam``), computed on the min–max z of the whole data;
        or given weights by indicator.
    normalise : {"minmax", "vector"}
        ``"minmax"``: ``r = z``, the standardised matrix of the entropy step (cost indicators already
        reversed, so ``V⁺`` is each column's maximum). ``"vector"``: ``r_ij = x_ij / √Σ_i x_ij²`` on the raw
        data (≥ 0), and for a cost indicator the ideal is the column's minimum and the anti-ideal its maximum.
    panel : {"pooled", "year"}
        ``"pooled"``: one normalisation and one ideal over every row (a global ideal, comparable across
        years). ``"year"``: each year's rows are normalised and ranked on their own (the weights stay
        those of the whole data).
    standardize, shift, interval, constant
        The entropy step's standardisation (for ``"minmax"`` and for computing the weights).

    Examples
    --------
    Hand-checked with equal weights: z rows (0, 1), (1, 0), (1, 1) give V = z/2; V⁺ = (½, ½), V⁻ = (0, 0);
    row 1: D⁺ = ½, D⁻ = ½, C = ½; row 3: D⁺ = 0, C = 1:

    >>> X = pd.DataFrame({"A": [1.0, 3.0, 3.0], "B": [5.0, 2.0, 5.0]}, index=[2020, 2021, 2022])
    >>> topsis(X, "++", "equal").table()
           D+        D-  Closeness C  Rank
    2020  0.5  0.500000          0.5     2
    2021  0.5  0.500000          0.5     2
    2022  0.0  0.707107          1.0     1
    """
    settings_choice(normalise, TOPSIS_NORMALISATIONS, "TOPSIS normalisation")
    settings_choice(panel, PANEL_MODES, "TOPSIS panel mode")
    std = standardized(data, directions, method="TOPSIS", undefined="TOPSIS normalisation",
                       standardize=standardize, shift=shift, interval=interval, constant=constant)
    columns = pd.Index(std.columns, name="Indicator")
    if isinstance(weights, str):
        settings_choice(weights, WEIGHT_METHODS, "TOPSIS weights")
        wres = weights_from_standardized(std, weights, lam=lam)
        w, weighting = wres.weights.to_numpy(), weights
    else:
        w, weighting = as_weights(getattr(weights, "weights", weights), columns), "given"
    index = std.frame.index
    keep = np.isin(std.frame.columns, columns)
    cost = (std.directions[keep] < 0) if normalise == "vector" else None

    ylev = year_level(index) if panel == "year" else None
    if panel == "year" and ylev is None:
        raise DataError("TOPSIS by year needs panel rows indexed by (Region, Year)")
    if ylev is None:
        r = std.z if normalise == "minmax" else _vector(std.frame.to_numpy(dtype=float)[:, keep], columns, index)
        d_plus, d_minus, pos, neg = _distances(r, w, cost)
        ideal = pd.DataFrame({"V+": pos, "V-": neg}, index=columns)
        closeness = _closeness(d_plus, d_minus)
        rank = rank_desc(closeness)
    else:
        d_plus, d_minus = np.empty(len(index)), np.empty(len(index))
        years = index.get_level_values(ylev)
        parts = []
        for year, rows in pd.Series(np.arange(len(index))).groupby(np.asarray(years), sort=True):
            rows = rows.to_numpy()
            r = _year_matrix(std, rows, keep, columns, normalise, year,
                             dict(standardize=standardize, shift=shift, interval=interval))
            dp, dm, pos, neg = _distances(r, w, cost)
            d_plus[rows], d_minus[rows] = dp, dm
            parts.append(pd.DataFrame({"Year": year, "Indicator": columns, "V+": pos, "V-": neg}))
        ideal = pd.concat(parts).set_index(["Year", "Indicator"])
        closeness = _closeness(d_plus, d_minus)
        rank = rank_desc(closeness, by=years)
    return TopsisResult(
        closeness=pd.Series(closeness, index=index, name="Closeness C"),
        d_plus=pd.Series(d_plus, index=index, name="D+"),
        d_minus=pd.Series(d_minus, index=index, name="D-"),
        rank=pd.Series(rank, index=index, name="Rank"),
        ideal=ideal,
        weights=pd.Series(w, index=columns, name="Weight w"),
        normalise=normalise, panel=panel, weighting=weighting, warnings=std.warnings,
    )


def _year_matrix(std: Standardized, rows: np.ndarray, keep: np.ndarray, columns: pd.Index, normalise: str,
                 year: object, options: dict) -> np.ndarray:
    """The normalised matrix of one year's rows (the entropy step's standardisation, or vector, within it)."""
    sub = std.frame.iloc[rows, np.flatnonzero(keep)]
    if normalise == "vector":
        return _vector(sub.to_numpy(dtype=float), columns, sub.index)
    flat = sub.nunique(axis=0) <= 1
    if flat.any():
        raise DataError(f"indicator {columns[np.flatnonzero(flat.to_numpy())[0]]} is constant in {row_name(year)}: "
                        "its min–max normalisation within that year is 0/0 (use the pooled TOPSIS)")
    return standardized(sub, std.directions[keep], method=f"TOPSIS in {row_name(year)}",
                        undefined="TOPSIS normalisation", **options).z
