"""Obstacle degree model: which indicators hold a year (or a region-year) back (issue 12 §4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import SettingsError
from ..entropy import dimension_of
from ._common import as_weights, row_name, settings_choice, standardized
from .weights import WEIGHT_METHODS, WeightsResult, weights_from_standardized

__all__ = ["ObstacleResult", "obstacle_degree"]


@dataclass(frozen=True)
class ObstacleResult:
    """What :func:`obstacle_degree` computes. Rows are those of the data.

    Attributes
    ----------
    obstacles : DataFrame
        ``O_ij`` per row and indicator; each row sums to 1.
    deviation : DataFrame
        ``I_ij = 1 − z_ij``.
    dimensions : DataFrame or None
        The obstacle degree of each dimension (the sum over its indicators), rows × dimensions.
    top : DataFrame
        The ``k`` largest obstacles of each row: columns ``Obstacle 1``, ``O 1``, ``Obstacle 2``, ``O 2`` …
    weights : Series
        The factor contributions ``w_j``.
    """

    obstacles: pd.DataFrame
    deviation: pd.DataFrame
    dimensions: pd.DataFrame | None
    top: pd.DataFrame
    weights: pd.Series
    weighting: str
    warnings: tuple = ()

    def table(self) -> pd.DataFrame:
        """Row | Obstacle 1 | O 1 | Obstacle 2 | O 2 | Obstacle 3 | O 3 (the top obstacles of each row)."""
        return self.top

    def long(self) -> pd.DataFrame:
        """Tidy form: one row per (row, indicator) with columns Indicator, Obstacle O, Rank."""
        o = self.obstacles
        ranks = o.rank(axis=1, ascending=False, method="min").astype(int)
        out = o.stack().rename("Obstacle O").to_frame()
        out["Rank"] = ranks.stack()
        return out


def obstacle_degree(
    data: pd.DataFrame,
    directions: Sequence | Mapping | pd.Series,
    weights: str | pd.Series | WeightsResult | Sequence = "entropy",
    dimensions: Mapping | Sequence | pd.Series | None = None,
    *,
    top: int = 3,
    lam: float = 0.5,
    standardize: str = "minmax",
    shift: float = 0.0,
    interval: tuple[float, float] = (0.0, 1.0),
    constant: str = "error",
) -> ObstacleResult:
    """Obstacle degree of each indicator (and dimension) in each row.

    .. math::

        O_{ij} = \\frac{w_j (1 - z_{ij})}{\\sum_k w_k (1 - z_{ik})}

    with ``w_j`` the factor contribution (the indicator's weight), ``1 − z_ij`` the deviation of the
    standardised value from its best, and a dimension's obstacle the sum of its indicators' ``O_ij``.

    Parameters
    ----------
    data, directions, standardize, shift, interval, constant
        As :func:`dnqp.entropy_weights`; rows are years or region-years. ``z`` must stay within [0, 1]
        (a shift or an interval beyond 1 is refused).
    weights : str, Series, weights result or sequence
        A method of :data:`WEIGHT_METHODS` (default ``"entropy"``), or given weights by indicator.
    dimensions : mapping or sequence, optional
        Indicator → dimension, as for :meth:`dnqp.EntropyResult.subindices`.
    top : int
        How many of the largest obstacles each row lists (3).

    Examples
    --------
    Hand-checked with equal weights: min–max gives z = (0, 1, 0), (1, 0, ½), (½, ½, 1) for 2022–2024,
    deviations (1, 0, 1), (0, 1, ½), (½, ½, 0), so O = (½, 0, ½), (0, ⅔, ⅓), (½, ½, 0); dimension P
    (A + B) in 2023 is ⅔:

    >>> X = pd.DataFrame({"A": [1.0, 3.0, 2.0], "B": [4.0, 2.0, 3.0], "C": [0.0, 1.0, 2.0]},
    ...                  index=[2022, 2023, 2024])
    >>> r = obstacle_degree(X, "+++", "equal", {"A": "P", "B": "P", "C": "Q"})
    >>> r.obstacles.round(4)
    Indicator    A       B       C
    2022       0.5  0.0000  0.5000
    2023       0.0  0.6667  0.3333
    2024       0.5  0.5000  0.0000
    >>> r.table().round(4)
         Obstacle 1     O 1 Obstacle 2     O 2 Obstacle 3  O 3
    2022          A  0.5000          C  0.5000          B  0.0
    2023          B  0.6667          C  0.3333          A  0.0
    2024          A  0.5000          B  0.5000          C  0.0
    >>> r.dimensions.round(4).loc[2023].tolist()
    [0.6667, 0.3333]
    """
    try:
        top = int(top)
    except (TypeError, ValueError, OverflowError):
        raise SettingsError(f"the number of top obstacles must be a whole number, got {top!r}") from None
    if top < 1:
        raise SettingsError(f"the number of top obstacles must be at least 1, got {top}")
    std = standardized(data, directions, method="the obstacle degree", undefined="obstacle degree",
                       standardize=standardize, shift=shift, interval=interval, constant=constant)
    columns = pd.Index(std.columns, name="Indicator")
    z = std.z
    if z.size and z.max() > 1.0:
        raise SettingsError("the obstacle degree needs z within [0, 1]: use no shift and an interval within "
                            "[0, 1] (its deviation is 1 − z)")
    if isinstance(weights, str):
        settings_choice(weights, WEIGHT_METHODS, "obstacle weights")
        w, weighting = weights_from_standardized(std, weights, lam=lam).weights.to_numpy(), weights
    else:
        w, weighting = as_weights(getattr(weights, "weights", weights), columns), "given"
    dev = np.subtract(1.0, z)
    o = np.multiply(dev, w, order="C")
    total = o.sum(axis=1)
    notes: list[str] = []
    ideal = ~(total > 0)
    if ideal.any():
        total[ideal] = 1.0  # its O are 0: no obstacle where every indicator is at its best
        notes.append(f"row {row_name(std.frame.index[np.flatnonzero(ideal)[0]])} is at the best value of every "
                     "weighted indicator: it has no obstacle (its row is 0)")
    o /= total[:, None]
    index = std.frame.index
    obstacles = pd.DataFrame(o, index=index, columns=columns)
    k = min(top, o.shape[1])
    order = _top_k(o, k)
    picked = np.take_along_axis(o, order, axis=1)
    names = np.asarray(columns, dtype=object)[order]
    top_df = pd.DataFrame(index=index)
    for q in range(k):
        top_df[f"Obstacle {q + 1}"] = names[:, q]
        top_df[f"O {q + 1}"] = picked[:, q]
    dims = None
    if dimensions is not None:
        g = dimension_of(dimensions, columns)
        dims = obstacles.T.groupby(g, sort=False).sum().T
        dims.columns.name = "Dimension"
    return ObstacleResult(obstacles=obstacles, deviation=pd.DataFrame(dev, index=index, columns=columns),
                          dimensions=dims, top=top_df, weights=pd.Series(w, index=columns, name="Weight w"),
                          weighting=weighting, warnings=tuple(notes))


def _top_k(o: np.ndarray, k: int) -> np.ndarray:
    """Column positions of each row's ``k`` largest values, largest first (ties: the earlier column first).

    ``k`` passes of a row-wise argmax (which takes the first of equal values), each knocking out its pick:
    cheaper than sorting every row when ``k`` is small.
    """
    work = np.array(o, order="C")  # row-wise scans want rows contiguous
    rows = np.arange(len(work))
    out = np.empty((len(work), k), dtype=np.intp)
    for q in range(k):
        j = work.argmax(axis=1)
        out[:, q] = j
        work[rows, j] = -np.inf
    return out
