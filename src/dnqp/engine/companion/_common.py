"""What the companion measures share: the standardised matrix of METHOD.md §2, panels, weights, ranks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import DataError, SettingsError
from ..entropy import Standardized, standardize_data
from ..prepare import row_label

__all__ = ["standardized", "year_level", "region_level", "as_weights", "rank_desc", "check_series", "row_name",
           "settings_choice"]


def row_name(label: object) -> str:
    """A row in messages: ``2014`` for a year, ``Beijing 2014`` for a panel's (Region, Year)."""
    if isinstance(label, tuple):
        return " ".join(row_label(v) for v in label)
    return row_label(label)


def standardized(data: pd.DataFrame, directions: Sequence | Mapping | pd.Series, *, method: str,
                 undefined: str, standardize: str = "minmax", shift: float = 0.0,
                 interval: tuple[float, float] = (0.0, 1.0), constant: str = "error") -> Standardized:
    """``z`` of METHOD.md §2 step 1, with the messages naming ``method`` (see :func:`standardize_data`)."""
    return standardize_data(data, directions, standardize=standardize, shift=shift, interval=interval,
                            constant=constant, method=method, undefined=undefined)


def year_level(index: pd.Index) -> int | None:
    """Position of the year level of a panel's (Region, Year) index; None for a plain (time-series) index.

    The level named ``Year`` (any case) if there is one, else the last level.
    """
    if not isinstance(index, pd.MultiIndex):
        return None
    names = [str(n).lower() if n is not None else "" for n in index.names]
    return names.index("year") if "year" in names else index.nlevels - 1


def region_level(index: pd.Index) -> int | None:
    """Position of the region level of a panel index (the first level that is not the year), or None."""
    y = year_level(index)
    if y is None:
        return None
    return next(k for k in range(index.nlevels) if k != y)


def as_weights(weights: Sequence | Mapping | pd.Series, columns: pd.Index, what: str = "weight") -> np.ndarray:
    """Weights aligned with ``columns``: a mapping/Series by indicator, or a sequence in column order.

    Every weight must be finite and ≥ 0 with a positive sum; they are rescaled to sum to 1.
    """
    if isinstance(weights, Mapping | pd.Series):
        missing = [c for c in columns if c not in weights]
        if missing:
            raise DataError(f"indicator {missing[0]} has no {what}")
        raw = [weights[c] for c in columns]
    else:
        raw = list(np.ravel(np.asarray(weights, dtype=object)))
        if len(raw) != len(columns):
            raise DataError(f"{len(raw)} {what}s given for {len(columns)} indicators")
    w = np.empty(len(columns))
    for j, (c, v) in enumerate(zip(columns, raw)):
        try:
            w[j] = float(v)
        except (TypeError, ValueError, OverflowError):
            raise DataError(f"indicator {c}: {what} {v!r} is not a number") from None
        if not np.isfinite(w[j]) or w[j] < 0:
            raise DataError(f"indicator {c}: {what} {w[j]:g} must be a finite number ≥ 0")
    total = w.sum()
    if not total > 0:
        raise DataError(f"the {what}s sum to 0")
    return w / total


def rank_desc(values: pd.Series | np.ndarray, by: pd.Series | np.ndarray | None = None) -> np.ndarray:
    """Rank 1 = largest (ties share the smallest rank, as Excel's RANK.EQ), within ``by`` groups if given."""
    s = pd.Series(np.asarray(values, dtype=float))
    if by is None:
        return s.rank(ascending=False, method="min").to_numpy(dtype=int)
    return s.groupby(np.asarray(by)).rank(ascending=False, method="min").to_numpy(dtype=int)


def check_series(values: np.ndarray, index: pd.Index, name: object, *, lo: float | None = None,
                 hi: float | None = None, what: str = "value") -> None:
    """Refuse a missing or non-finite value, or one outside [lo, hi], naming the series and the row."""
    bad = ~np.isfinite(values)
    if lo is not None:
        bad |= values < lo
    if hi is not None:
        bad |= values > hi
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        v = values[i]
        row = row_name(index[i])
        if not np.isfinite(v):
            raise DataError(f"series {name}, row {row}: the {what} is missing or not a number")
        rng = f"[{lo:g}, {hi:g}]" if lo is not None and hi is not None else (f"≥ {lo:g}" if lo is not None
                                                                               else f"≤ {hi:g}")
        raise DataError(f"series {name}, row {row}: {what} {v:g} is outside {rng}")


def settings_choice(value: str, allowed: Sequence[str], what: str) -> str:
    """``value`` if it is one of ``allowed``, else a SettingsError listing them."""
    if value not in allowed:
        raise SettingsError(f"{what} {value!r} is not one of {', '.join(allowed)}")
    return value
