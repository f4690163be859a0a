"""Data preparation: cell coercion, directions, missing values and per-variable transforms.

All functions are pure: DataFrames in, new DataFrames (or frozen results) out; the input is never
modified.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from ..errors import DataError, DirectionError, SettingsError, TransformError
from .settings import REGISTRY

__all__ = [
    "MISSING_MARKERS",
    "CellNote",
    "Coerced",
    "ImputeResult",
    "coerce_cell",
    "coerce_frame",
    "as_numeric",
    "parse_direction",
    "parse_directions",
    "impute",
    "transform",
    "row_label",
]

#: Text that means "no value" in a numeric cell (compared after trimming, case-insensitively).
MISSING_MARKERS = frozenset({"", "na", "n/a", "#n/a", "—", "–", "-", "..", "...", "nan"})

#: Numbers beyond this magnitude are refused: sums of squares would overflow. Yearbook figures never
#: come near it; a value this large is a unit or typing slip.
MAX_MAGNITUDE = 1e100
_TOO_LARGE = f"a value beyond ±{MAX_MAGNITUDE:.0e} is out of range (rescale the column)"

_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_PLAIN = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u3000]+")


def row_label(label: object) -> str:
    """How a row (usually a year) is named in messages: 2014 rather than 2014.0; a panel row as ``Region Year``.

    Examples
    --------
    >>> row_label(2014.0), row_label(("Beijing", 2014))
    ('2014', 'Beijing 2014')
    """
    if isinstance(label, tuple):  # a (Region, Year) row of a panel's MultiIndex
        return " ".join(row_label(part) for part in label)
    if isinstance(label, float) and label.is_integer():
        return str(int(label))
    return str(label)


@dataclass(frozen=True)
class CellNote:
    """One cell that coercion changed or refused: where it is, what it held, what became of it."""

    row: object
    column: object
    original: object
    value: float
    action: str  # "coerced", "missing" or "rejected"
    reason: str = ""


def coerce_cell(value: object) -> tuple[float, str, str]:
    """Coerce one cell value to a float.

    Returns ``(number, action, reason)`` where action is ``"number"`` (already numeric),
    ``"coerced"`` (unambiguous text number), ``"missing"`` (blank or a missing marker) or
    ``"rejected"`` (anything else; number is NaN and reason says why).

    >>> coerce_cell(" 1,234.5 ")[:2]
    (1234.5, 'coerced')
    >>> coerce_cell("#N/A")[1]
    'missing'
    >>> coerce_cell("12%")[1]
    'rejected'
    """
    if value.__class__ is float:  # the usual cell, without the abstract-class checks below (millions in a panel)
        if value != value:
            return math.nan, "missing", ""
        if abs(value) > MAX_MAGNITUDE:
            return math.nan, "rejected", "an infinite value is not a number" if math.isinf(value) else _TOO_LARGE
        return value, "number", ""
    if value is None:
        return math.nan, "missing", ""
    if isinstance(value, bool | np.bool_):
        return math.nan, "rejected", "a TRUE/FALSE value is not a number"
    if isinstance(value, Real):
        try:
            x = float(value)
        except OverflowError:
            return math.nan, "rejected", _TOO_LARGE
        if math.isnan(x):
            return math.nan, "missing", ""
        if math.isinf(x):
            return math.nan, "rejected", "an infinite value is not a number"
        if abs(x) > MAX_MAGNITUDE:
            return math.nan, "rejected", _TOO_LARGE
        return x, "number", ""
    if isinstance(value, _dt.date | _dt.datetime | _dt.time | pd.Timestamp):
        return math.nan, "rejected", "a date is not a number"
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value)
        text = _SPACES.sub("", text).replace("\u2212", "-")
        if text.lower() in MISSING_MARKERS:
            return math.nan, "missing", ""
        if _PLAIN.match(text):
            x = float(text)
        elif _GROUPED.match(text):
            x = float(text.replace(",", ""))
        else:
            if text.endswith("%"):
                return math.nan, "rejected", "a percentage typed as text is ambiguous (type 12 or 0.12)"
            if text.startswith("#"):
                return math.nan, "rejected", f"the cell holds the Excel error {text}"
            return math.nan, "rejected", "text is not a number"
        if math.isinf(x):
            return math.nan, "rejected", "an infinite value is not a number"
        if abs(x) > MAX_MAGNITUDE:
            return math.nan, "rejected", _TOO_LARGE
        return x, "coerced", ""
    return math.nan, "rejected", f"a value of type {type(value).__name__} is not a number"


@dataclass(frozen=True)
class Coerced:
    """The result of :func:`coerce_frame`: a float DataFrame and the cells that were not plain numbers."""

    data: pd.DataFrame
    notes: tuple[CellNote, ...]

    @property
    def rejected(self) -> tuple[CellNote, ...]:
        return tuple(n for n in self.notes if n.action == "rejected")

    @property
    def coerced(self) -> tuple[CellNote, ...]:
        return tuple(n for n in self.notes if n.action == "coerced")


def coerce_frame(df: pd.DataFrame) -> Coerced:
    """Coerce every cell of ``df`` with :func:`coerce_cell`; columns already numeric are passed through.

    Rejected cells become NaN in ``data`` and are listed in ``notes`` (so a caller can report them
    all at once, with its own cell addresses); nothing raises.
    """
    plain = _coerce_plain_frame(df)
    if plain is not None:
        return plain
    out = {}
    notes: list[CellNote] = []
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s.dtype):
            s = s.astype(object)
        if pd.api.types.is_numeric_dtype(s.dtype):
            values = s.to_numpy(dtype=float, copy=True)
            bad = np.abs(values) > MAX_MAGNITUDE
            for i in np.flatnonzero(bad):
                reason = "an infinite value is not a number" if np.isinf(values[i]) else _TOO_LARGE
                notes.append(CellNote(df.index[i], col, values[i], math.nan, "rejected", reason))
            values[bad] = np.nan
            out[col] = values
            continue
        cells = s.to_numpy(dtype=object)
        fast = _plain_numbers(cells)
        if fast is not None:
            values, bad = fast
            notes.extend(_rejected_number(df.index[i], col, cells[i]) for i in np.flatnonzero(bad))
            values[bad] = np.nan
            out[col] = values
            continue
        values = np.empty(len(s), dtype=float)
        for i, v in enumerate(s.tolist()):
            x, action, reason = coerce_cell(v)
            values[i] = x
            if action == "coerced" or action == "rejected" or (action == "missing" and v is not None
                                                               and not (isinstance(v, float) and math.isnan(v))):
                notes.append(CellNote(df.index[i], col, v, x, action, reason))
        out[col] = values
    data = pd.DataFrame(out, index=df.index, columns=df.columns)
    return Coerced(data, tuple(notes))


#: What :func:`pandas.api.types.infer_dtype` calls cells that are all Python ints and floats (blanks skipped).
_NUMBER_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "empty"})


def _plain_numbers(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Object cells holding only ints, floats and blanks (None/NaN) as floats, in one vectorised step.

    Returns ``(values, out_of_range)`` — the cells beyond :data:`MAX_MAGNITUDE` or infinite still need
    rejecting — or None when a cell holds anything else (text, booleans, dates, …), which
    :func:`coerce_cell` then handles cell by cell. This is the common case of a range sent by Excel.
    """
    if pd.api.types.infer_dtype(cells.ravel(), skipna=True) not in _NUMBER_KINDS:
        return None
    return _number_floats(cells)


def _number_floats(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_plain_numbers` of cells already known to hold only numbers and blanks (their
    ``infer_dtype`` is one of ``_NUMBER_KINDS``)."""
    try:
        try:
            values = cells.astype(float)
        except TypeError:  # a None among the numbers: a blank cell
            values = np.where(pd.isna(cells), np.nan, cells).astype(float)
    except (TypeError, ValueError, OverflowError):  # e.g. an int beyond the float range
        return None
    with np.errstate(invalid="ignore"):
        return values, np.abs(values) > MAX_MAGNITUDE


def _rejected_number(row: object, column: object, value: object) -> CellNote:
    reason = "an infinite value is not a number" if math.isinf(float(value)) else _TOO_LARGE
    return CellNote(row, column, value, math.nan, "rejected", reason)


def _coerce_plain_frame(df: pd.DataFrame) -> Coerced | None:
    """:func:`coerce_frame` of an all-object frame of plain numbers in one step, or None if it is not one."""
    if not len(df.columns) or not all(t == object for t in df.dtypes):
        return None
    cells = df.to_numpy(dtype=object)
    fast = _plain_numbers(cells)
    if fast is None:
        return None
    values, bad = fast
    # Column by column, row by row: the order in which coerce_frame lists its notes.
    notes = tuple(_rejected_number(df.index[i], df.columns[j], cells[i, j]) for j, i in np.argwhere(bad.T))
    values[bad] = np.nan
    return Coerced(pd.DataFrame(values, index=df.index, columns=df.columns, copy=False), notes)


def check_labels(df: pd.DataFrame, what: str = "column") -> None:
    """Every column needs a name, and a name used once: messages and results are keyed by it."""
    for j, c in enumerate(df.columns):
        if c is None or (isinstance(c, float) and math.isnan(c)) or str(c).strip() == "":
            raise DataError(f"{what} number {j + 1} has no name")
    if df.columns.has_duplicates:
        raise DataError(f"{what} {df.columns[df.columns.duplicated()][0]} appears more than once")


def as_numeric(df: pd.DataFrame, *, what: str = "column") -> pd.DataFrame:
    """Return ``df`` as floats, raising :class:`DataError` at the first value that is not a number.

    ``what`` names the kind of column in the message ("indicator", "variable"). Columns must have
    distinct, non-empty names.
    """
    check_labels(df, what)
    if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in df.dtypes):
        data = df.astype(float)
        values = data.to_numpy()
        big = np.abs(values) > MAX_MAGNITUDE
        if big.any():
            i, j = np.argwhere(big)[0]
            reason = "an infinite value is not a number" if np.isinf(values[i, j]) else _TOO_LARGE
            raise DataError(f"{what} {df.columns[j]}, row {row_label(df.index[i])}: {reason}")
        return data
    result = coerce_frame(df)
    if result.rejected:
        n = result.rejected[0]
        raise DataError(f"{what} {n.column}, row {row_label(n.row)}: {n.reason} ({n.original!r})")
    return result.data


_BENEFIT = {"+", "1", "+1", "benefit", "positive", "pos", "正向", "正", "效益型", "max"}
_COST = {"-", "−", "–", "-1", "−1", "cost", "negative", "neg", "负向", "负", "逆向", "成本型", "min"}


def parse_direction(value: object, indicator: object = "?") -> int:
    """Map a direction as users type it to +1 (benefit) or -1 (cost).

    Accepts ``+``/``-`` (also the Unicode minus), ``1``/``-1``, ``benefit``/``cost``,
    ``positive``/``negative`` and ``正向``/``负向``.

    >>> parse_direction("−"), parse_direction("正向"), parse_direction(1)
    (-1, 1, 1)
    """
    if isinstance(value, bool | np.bool_):
        pass
    elif isinstance(value, Real):  # compared as is: float() of a 400-digit int would overflow
        if value == 1:
            return 1
        if value == -1:
            return -1
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().lower()
        if text in _BENEFIT:
            return 1
        if text in _COST:
            return -1
    raise DirectionError(f"indicator {indicator}: direction {value!r} is neither + (benefit) nor − (cost)")


def parse_directions(directions: Sequence | Mapping | pd.Series, columns: Sequence) -> np.ndarray:
    """Directions aligned with ``columns`` as an array of +1/-1.

    ``directions`` is a sequence in column order, or a mapping (or Series) from indicator to direction.
    """
    columns = list(columns)
    if isinstance(directions, str):
        directions = list(directions) if len(directions) == len(columns) and set(directions) <= set("+-−") \
            else [directions]
    if isinstance(directions, Mapping | pd.Series):
        missing = [c for c in columns if c not in directions]
        if missing:
            raise DirectionError(f"indicator {missing[0]} has no direction")
        return np.array([parse_direction(directions[c], c) for c in columns], dtype=float)
    directions = list(directions)
    if len(directions) != len(columns):
        raise DirectionError(f"{len(directions)} directions given for {len(columns)} indicators")
    return np.array([parse_direction(d, c) for d, c in zip(directions, columns)], dtype=float)


@dataclass(frozen=True)
class ImputeResult:
    """Imputed data and the list of cells that were filled (row, column, value)."""

    data: pd.DataFrame
    cells: pd.DataFrame
    method: str

    @property
    def n_imputed(self) -> int:
        return len(self.cells)


IMPUTE_METHODS = REGISTRY["impute"].choices


def impute(df: pd.DataFrame, method: str = "mean", *, what: str = "column") -> ImputeResult:
    """Fill missing values column by column and report which cells were filled.

    ``method="mean"`` (the paper's choice) fills with the column mean of the observed values;
    ``"linear"`` interpolates linearly along the row labels when they are numbers (years: a gap
    between 2010 and 2015 is filled at 2011 with a fifth of the way), else along the rows, and fills a
    leading or trailing gap with the nearest observed value; ``"none"`` fills nothing and raises if a value is
    missing.

    >>> r = impute(pd.DataFrame({"A1": [1.0, None, 3.0]}, index=[2010, 2011, 2012]))
    >>> r.data["A1"].tolist(), r.cells.to_dict("records")
    ([1.0, 2.0, 3.0], [{'row': 2011, 'column': 'A1', 'value': 2.0}])
    """
    method = REGISTRY["impute"].choice(method, noun="imputation")
    data = as_numeric(df, what=what)
    mask = data.isna()
    empty = mask.all(axis=0).to_numpy()  # vectorised: a loop over 100,000 columns took minutes
    if len(data) and empty.any():
        raise DataError(f"{what} {data.columns[int(np.argmax(empty))]} has no values at all: it cannot be imputed")
    if method == "none":
        if mask.to_numpy().any():
            i, j = np.argwhere(mask.to_numpy())[0]
            raise DataError(f"{what} {data.columns[j]}, row {row_label(data.index[i])} is missing "
                            "and imputation is off")
        filled = data
    elif method == "mean":
        # = data.fillna(data.mean()), without fillna's column-by-column inserts (quadratic in the columns)
        values = data.to_numpy(dtype=float, copy=True)
        rows, cols = np.nonzero(mask.to_numpy())
        values[rows, cols] = data.mean().to_numpy()[cols]
        filled = pd.DataFrame(values, index=data.index, columns=data.columns)
    else:
        # Along the years (the row labels) when they are numbers: a gap between 2010 and 2015 is filled at
        # 2011 with a fifth of the way, not the midpoint of the neighbouring rows.
        along = "index" if len(data) and all(isinstance(v, Real) and not isinstance(v, bool)
                                             for v in data.index) else "linear"
        filled = data.interpolate(method=along, limit_direction="both", axis=0)
    rows, cols = np.nonzero(mask.to_numpy())  # row by row, as np.argwhere
    if len(rows):
        cells = pd.DataFrame({"row": data.index[rows].tolist(), "column": data.columns[cols].tolist(),
                              "value": filled.to_numpy(dtype=float)[rows, cols]}, columns=["row", "column", "value"])
    else:
        cells = pd.DataFrame([], columns=["row", "column", "value"])
    return ImputeResult(filled, cells, method)


TRANSFORMS = ("ln", "none")


def transform(df: pd.DataFrame, transforms: Mapping[str, str]) -> pd.DataFrame:
    """Apply a per-variable transform ("ln" or "none"); variables not named are left as they are.

    >>> transform(pd.DataFrame({"Port": [math.e, 1.0]}), {"Port": "ln"})["Port"].tolist()
    [1.0, 0.0]
    """
    out = as_numeric(df, what="variable")
    for var, how in transforms.items():
        how = (how or "none").strip().lower()
        if how not in TRANSFORMS:
            raise SettingsError(f"variable {var}: transform {how!r} is not one of ln, none")
        if var not in out.columns:
            raise DataError(f"variable {var} has a transform but no data")
        if how == "ln":
            col = out[var]
            bad = col <= 0
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise TransformError(f"variable {var}, row {row_label(out.index[i])}: value {col.iloc[i]:g} "
                                     "is not positive, so ln is undefined")
            out[var] = np.log(col)
    return out
