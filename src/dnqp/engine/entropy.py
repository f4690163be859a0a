"""The entropy weight method (docs/method.md §2), as one pure function and a frozen result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ConstantIndicatorError, DataError, SettingsError
from .prepare import MAX_MAGNITUDE, as_numeric, check_labels, parse_directions, row_label

__all__ = ["EntropyResult", "entropy_weights", "STANDARDIZE", "CONVENTIONS", "Standardized",
           "standardize_data", "dimension_of", "subindex_scores"]

STANDARDIZE = ("minmax", "interval", "none")
CONSTANT_POLICIES = ("error", "drop")
CONVENTIONS = ("global", "within")


#: Above this many rows, p·ln p is summed one column at a time (scratch space: one column, not a matrix).
_COLUMNWISE = 64


def _sum_plogp(p: np.ndarray, zeros: np.ndarray) -> np.ndarray:
    """Column sums of ``p·ln p`` with ``0·ln 0 = 0``.

    ``p`` is Fortran-ordered, so a column is contiguous and its sum is the same pairwise sum whether the
    columns are summed together or one by one: large matrices go column by column, which keeps the
    scratch space to one column. ``zeros`` marks the columns that hold a 0 (where ln 1 is taken); the
    others take three passes (ln, ×, Σ), and one that still meets a 0 (a proportion that underflowed)
    gives NaN and is redone the careful way.
    """
    n, m = p.shape
    if n <= _COLUMNWISE:
        t = np.zeros_like(p, order="F")  # ln 1 = 0 where p is 0
        np.log(p, out=t, where=p > 0)
        np.multiply(t, p, out=t)
        return t.sum(axis=0)
    total = np.empty(m)
    t = np.empty(n)
    for j in range(m):
        col = p[:, j]
        if not zeros[j]:
            with np.errstate(divide="ignore", invalid="ignore"):
                np.log(col, out=t)
                np.multiply(t, col, out=t)
            total[j] = t.sum()
            if not np.isnan(total[j]):
                continue
        t.fill(0.0)
        np.log(col, out=t, where=col > 0)
        np.multiply(t, col, out=t)
        total[j] = t.sum()
    return total


def _numeric_values(data: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The data as floats (a view when they are float64 already), with each column's min and max.

    The common case, an all-float64 frame without missing or out-of-range values, costs two passes
    (min and max) and no copy; anything else goes through :func:`as_numeric`, whose messages it keeps.
    """
    if all(t == np.float64 for t in data.dtypes):
        check_labels(data, "indicator")
        values = data.to_numpy(dtype=float, copy=False)
        if values.shape[0]:
            lo, hi = values.min(axis=0), values.max(axis=0)
            if np.isfinite(lo).all() and np.isfinite(hi).all() and \
                    (np.abs(lo) <= MAX_MAGNITUDE).all() and (np.abs(hi) <= MAX_MAGNITUDE).all():
                return data, values, lo, hi
    x = as_numeric(data, what="indicator")
    values = x.to_numpy(dtype=float)
    nan = np.isnan(values)
    if nan.any():
        i, j = np.argwhere(nan)[0]
        raise DataError(f"indicator {x.columns[j]}, row {row_label(x.index[i])} is missing: impute it first")
    return x, values, values.min(axis=0), values.max(axis=0)


def _years(index: pd.Index) -> str:
    if len(index) == 0:
        return "no rows"
    return f"{row_label(index[0])}–{row_label(index[-1])}"


def dimension_of(groups: Mapping | Sequence | pd.Series, kept: Sequence, original: Sequence | None = None) -> pd.Series:
    """Dimension of every indicator in ``kept``, as a Series in that order.

    ``groups`` is a mapping indicator → dimension, or a sequence aligned with ``original`` (the indicators
    before any was dropped) or with ``kept``.
    """
    kept = pd.Index(kept)
    original = list(kept if original is None else original)
    if isinstance(groups, Mapping | pd.Series):
        missing = [c for c in kept if c not in groups]
        if missing:
            raise DataError(f"indicator {missing[0]} has no dimension")
        mapping = groups
    else:
        groups = list(groups)
        if len(groups) == len(original):
            mapping = dict(zip(original, groups))
        elif len(groups) == len(kept):
            mapping = dict(zip(kept, groups))
        else:
            raise DataError(f"{len(groups)} dimensions given for {len(original)} indicators")
    blank = [c for c in kept if mapping[c] is None or str(mapping[c]).strip() == ""]
    if blank:
        raise DataError(f"indicator {blank[0]} has no dimension")
    return pd.Series([mapping[c] for c in kept], index=kept, name="Dimension")


def subindex_scores(z: pd.DataFrame, weights: pd.Series, dimension: pd.Series,
                    convention: str = "global") -> pd.DataFrame:
    """Sub-index of each dimension: ``Σ_{j∈k} w_j z_ij`` (``"global"``) or with ``w`` renormalised in ``k``.

    ``dimension`` maps each column of ``z`` (and entry of ``weights``) to its dimension (:func:`dimension_of`).
    """
    if convention not in CONVENTIONS:
        raise SettingsError(f"sub-index convention {convention!r} is not one of global, within")
    weighted = z * weights
    out = weighted.T.groupby(dimension, sort=False).sum().T
    if convention == "within":
        dim_w = weights.groupby(dimension, sort=False).sum()
        zero = dim_w[dim_w <= 0]
        if len(zero):
            raise DataError(f"dimension {zero.index[0]} has total weight 0: its within-dimension "
                            "sub-index is undefined")
        out = out / dim_w
    out.columns.name = None
    return out


@dataclass(frozen=True)
class EntropyResult:
    """What :func:`entropy_weights` computes. All Series are indexed by indicator.

    Attributes
    ----------
    weights, entropy, divergence : Series
        ``w_j`` (sums to 1), ``e_j`` and ``d_j = 1 − e_j``.
    standardized : DataFrame
        ``z_ij`` after standardisation (and shift), rows × indicators.
    proportions : DataFrame
        ``p_ij = z_ij / Σ_i z_ij``.
    scores : Series
        The composite index ``S_i = Σ_j w_j z_ij``, one value per row.
    directions : Series
        +1 (benefit) or −1 (cost) per indicator.
    dropped : tuple
        Indicators left out because they were constant (``constant="drop"``).
    warnings : tuple of str
        One-line notes about what was done (dropped indicators).
    """

    weights: pd.Series
    entropy: pd.Series
    divergence: pd.Series
    standardized: pd.DataFrame
    proportions: pd.DataFrame
    scores: pd.Series
    directions: pd.Series
    standardize: str
    shift: float
    dropped: tuple = ()
    warnings: tuple = field(default=())

    def table(self) -> pd.DataFrame:
        """Indicator | Entropy e | Divergence d | Weight w, one row per indicator."""
        return pd.DataFrame(
            {"Entropy e": self.entropy, "Divergence d": self.divergence, "Weight w": self.weights}
        ).rename_axis("Indicator")

    def _groups(self, groups: Mapping | Sequence | pd.Series) -> pd.Series:
        """Dimension of every kept indicator (see :func:`dimension_of`)."""
        return dimension_of(groups, self.weights.index, self.directions.index)

    def dimension_weights(self, groups: Mapping | Sequence | pd.Series) -> pd.Series:
        """Sum of the weights of each dimension's indicators (dimensions in order of first appearance)."""
        g = self._groups(groups)
        return self.weights.groupby(g, sort=False).sum().rename("Weight")

    def subindices(self, groups: Mapping | Sequence | pd.Series, convention: str = "global") -> pd.DataFrame:
        """One column per dimension, named by the dimension, one row per observation.

        ``convention="global"`` (default): ``S_i^k = Σ_{j∈k} w_j z_ij`` with the global weights, so the
        sub-indices add up to :attr:`scores`. ``"within"``: the weights are renormalised inside each
        dimension (``w_j / Σ_{j∈k} w_j``), so each sub-index is on the scale of ``z``.
        """
        return subindex_scores(self.standardized, self.weights, self._groups(groups), convention)


@dataclass(frozen=True)
class Standardized:
    """The standardised matrix of step 1 (METHOD.md §2), shared by the entropy method and its companions.

    ``z`` is Fortran-ordered (rows × kept indicators); ``frame`` the numeric data (all indicators);
    ``columns`` the kept indicators; ``z_min`` each kept column's smallest possible z; ``col_sum`` its
    column sums.
    """

    frame: pd.DataFrame
    z: np.ndarray
    columns: pd.Index
    directions: np.ndarray
    z_min: np.ndarray
    col_sum: np.ndarray
    shift: float
    dropped: tuple = ()
    warnings: tuple = ()

    def to_frame(self) -> pd.DataFrame:
        """``z`` as a DataFrame, rows × kept indicators (a view of :attr:`z`)."""
        return pd.DataFrame(self.z, index=self.frame.index, columns=pd.Index(self.columns, name="Indicator"),
                            copy=False)


def standardize_data(
    data: pd.DataFrame,
    directions: Sequence | Mapping | pd.Series,
    *,
    standardize: str = "minmax",
    shift: float = 0.0,
    interval: tuple[float, float] = (0.0, 1.0),
    constant: str = "error",
    method: str = "the entropy weight method",
    undefined: str = "entropy weight",
) -> Standardized:
    """Step 1 of METHOD.md §2 (formula 4-1 and its options), as :func:`entropy_weights` applies it.

    ``method`` and ``undefined`` name the method in the messages (too few rows; a constant indicator
    makes its ``undefined`` undefined). The other parameters are those of :func:`entropy_weights`.

    Examples
    --------
    >>> X = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [5.0, 3.0, 4.0]})
    >>> standardize_data(X, "+-").z.tolist()
    [[0.0, 0.0], [0.5, 1.0], [1.0, 0.5]]
    """
    if standardize not in STANDARDIZE:
        raise SettingsError(f"standardisation {standardize!r} is not one of {', '.join(STANDARDIZE)}")
    if constant not in CONSTANT_POLICIES:
        raise SettingsError(f"constant-indicator policy {constant!r} is not one of error, drop")
    if not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)
    if data.shape[1] == 0:
        raise DataError("no indicators: the data have no columns")
    if data.columns.has_duplicates:
        dup = data.columns[data.columns.duplicated()][0]
        raise DataError(f"indicator {dup} appears more than once")
    n = data.shape[0]
    if n < 3:
        raise DataError(f"{method} needs at least 3 observations, got {n}: with 2, min–max "
                        "standardisation makes every indicator 0 and 1 and all weights equal")
    try:
        shift = float(shift)
        a, b = (float(v) for v in interval)
    except (TypeError, ValueError):
        raise SettingsError("shift and interval must be numbers") from None
    if not np.isfinite(shift) or shift < 0:
        raise SettingsError(f"shift must be a number ≥ 0, got {shift:g}")
    if standardize == "interval" and not (np.isfinite(a) and np.isfinite(b) and 0 <= a < b):
        raise SettingsError(f"interval ({a:g}, {b:g}) must satisfy 0 ≤ a < b")

    dirs = parse_directions(directions, data.columns)
    x, values, lo, hi = _numeric_values(data)

    notes: list[str] = []
    if standardize == "none":
        neg = lo < 0
        if neg.any():
            i, j = np.argwhere(values < 0)[0]
            raise DataError(f"indicator {x.columns[j]}, row {row_label(x.index[i])}: value {values[i, j]:g} is "
                            "negative, but standardize='none' needs data ≥ 0")
        z = np.add(values, shift, out=np.empty_like(values, order="F"))
        col_sum = z.sum(axis=0)
        degenerate = col_sum <= 0
        z_min = lo + shift  # the smallest z of each column: adding is monotonic
        reason = f"is zero in every row: its proportions are 0/0 and its {undefined} is undefined"
    else:
        span = hi - lo
        degenerate = span <= 0
        # Benefit (x − lo)/span and cost (hi − x)/span in two in-place passes, exactly: hi − x is
        # −(x − hi) and (x − hi)/(−span) = (hi − x)/span bit for bit (IEEE negation is exact).
        ref = np.where(dirs > 0, lo, hi)
        z = np.subtract(values, ref, out=np.empty_like(values, order="F"))
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(z, dirs * span, out=z)
        if standardize == "interval":
            np.multiply(z, b - a, out=z)
            np.add(z, a, out=z)
        np.add(z, shift, out=z)  # always: it also turns the −0.0 of a cost column's maximum into 0.0
        col_sum = None
        z_min = np.full(len(dirs), (a if standardize == "interval" else 0.0) + shift)  # z at the column's min
        reason = f"is constant over {_years(x.index)}: its {undefined} is undefined"

    keep = ~degenerate
    dropped: tuple = ()
    if degenerate.any():
        bad = [x.columns[j] for j in np.flatnonzero(degenerate)]
        if constant == "error" or keep.sum() == 0:
            if keep.sum() == 0 and constant == "drop":
                raise ConstantIndicatorError(f"every indicator {reason.split(':')[0]}: no {undefined}s can be computed")
            raise ConstantIndicatorError(f"indicator {bad[0]} {reason}"
                                         + (f" (also: {', '.join(map(str, bad[1:]))})" if len(bad) > 1 else ""))
        dropped = tuple(bad)
        for c in bad:
            notes.append(f"indicator {c} {reason.split(':')[0]}: dropped from the index")
        z = np.asfortranarray(z[:, keep])
        z_min, col_sum = z_min[keep], None

    columns = x.columns[keep]
    if col_sum is None:
        col_sum = z.sum(axis=0)
    return Standardized(frame=x, z=z, columns=columns, directions=dirs, z_min=z_min, col_sum=col_sum,
                        shift=shift, dropped=dropped, warnings=tuple(notes))


def entropy_weights(
    data: pd.DataFrame,
    directions: Sequence | Mapping | pd.Series,
    *,
    standardize: str = "minmax",
    shift: float = 0.0,
    interval: tuple[float, float] = (0.0, 1.0),
    constant: str = "error",
) -> EntropyResult:
    """Entropy weights, standardised matrix and composite index (docs/method.md §2).

    Parameters
    ----------
    data : DataFrame
        Rows are observations (years, or region-years), columns are indicators. No missing values
        (use :func:`dnqp.impute` first).
    directions : sequence or mapping
        Per indicator: ``"+"``/``"-"``, ``1``/``-1``, ``"benefit"``/``"cost"`` or ``正向``/``负向``.
    standardize : {"minmax", "interval", "none"}
        ``"minmax"``: formula (4-1), benefit ``(x − min)/(max − min)``, cost ``(max − x)/(max − min)``.
        ``"interval"``: ``a + (b − a)·z`` with ``interval=(a, b)``. ``"none"``: the data are taken as
        already standardised and must be ≥ 0 (directions are then not applied).
    shift : float
        Added after standardising (paper: 0; SPSSAU-style: 0.01; common: 0.0001).
    constant : {"error", "drop"}
        What to do with an indicator that does not vary (its min–max standardisation is 0/0):
        raise :class:`~dnqp.errors.ConstantIndicatorError` naming it (default), or drop it with a warning.

    Examples
    --------
    The hand-checked oracle of docs/method.md §2.8:

    >>> X = pd.DataFrame([[120, 3.2, 45, 0.8], [95, 4.1, 38, 1.2], [150, 2.7, 52, 0.6],
    ...                   [110, 3.9, 41, 1.0], [80, 3.5, 60, 0.9]], columns=["A", "B", "C", "D"])
    >>> r = entropy_weights(X, "++-+")
    >>> r.weights.round(6).tolist()
    [0.29038, 0.236443, 0.229248, 0.24393]
    >>> r.scores.round(6).tolist()
    [0.48799, 0.771844, 0.373743, 0.68772, 0.257075]
    """
    std = standardize_data(data, directions, standardize=standardize, shift=shift, interval=interval,
                           constant=constant, method="the entropy weight method", undefined="entropy weight")
    x, z, columns, dirs, z_min, col_sum = std.frame, std.z, std.columns, std.directions, std.z_min, std.col_sum
    n, shift, dropped, notes = z.shape[0], std.shift, std.dropped, list(std.warnings)
    p = np.divide(z, col_sum, out=np.empty_like(z, order="F"))
    e = -_sum_plogp(p, zeros=z_min <= 0) / np.log(n)
    # Rounding can push e a hair above 1 (or d below 0) for a column close to uniform.
    e = np.minimum(e, 1.0)
    d = 1.0 - e
    total = d.sum()
    if not total > 0:
        raise ConstantIndicatorError("every indicator is spread evenly over the rows (entropy 1): "
                                     "the entropy weights are undefined")
    w = d / total
    scores = z @ w

    idx = pd.Index(columns, name="Indicator")
    return EntropyResult(
        weights=pd.Series(w, index=idx, name="Weight w"),
        entropy=pd.Series(e, index=idx, name="Entropy e"),
        divergence=pd.Series(d, index=idx, name="Divergence d"),
        standardized=pd.DataFrame(z, index=x.index, columns=idx, copy=False),
        proportions=pd.DataFrame(p, index=x.index, columns=idx, copy=False),
        scores=pd.Series(scores, index=x.index, name="Index"),
        directions=pd.Series(dirs.astype(int), index=pd.Index(x.columns, name="Indicator"), name="Direction"),
        standardize=standardize,
        shift=shift,
        dropped=dropped,
        warnings=tuple(notes),
    )
