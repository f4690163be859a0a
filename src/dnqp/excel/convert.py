"""Excel-shaped values ↔ engine values: the pure translation layer of the add-in.

Excel hands a function its ranges as 2-D lists (``None`` or ``""`` for a blank cell, ints, floats,
text, ``"#N/A"`` for an error cell on Office.js); a 1×1 range may arrive as a scalar and a one-row
range as a 1-D list. This module turns such values into DataFrames with labels, and engine results
back into 2-D lists that Excel can spill (no NaN, no inf: an empty string instead; nothing rounded).

It imports neither xlwings nor anything heavy, so it is unit-testable on any platform and reusable by
the UDFs (:mod:`dnqp.udfs`), the ribbon scripts and the server. Every error is a
:class:`~dnqp.errors.DnqpError` with a one-line message.
"""

from __future__ import annotations

import contextlib

import datetime as _dt
import math
from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np
import pandas as pd

from ..engine.cells import cell_text, is_blank
from ..errors import DataError, SettingsError

__all__ = [
    "YEAR_LABELS",
    "is_blank",
    "grid",
    "frame",
    "labels",
    "flag",
    "number",
    "choice",
    "cell",
    "cells",
    "table_cells",
    "model_table_cells",
    "aligned",
]

#: A leading column with one of these header labels holds the row labels (years), not data.
YEAR_LABELS = frozenset({"year", "years", "年", "年份", "年度"})


def grid(value: object) -> list[list]:
    """Any Excel-shaped value as a rectangular 2-D list, trailing blank rows and columns removed.

    A scalar becomes ``[[value]]``, a 1-D list one row (xlwings reads a one-row range so), a NumPy
    array or DataFrame its values. Ragged rows are padded with None.

    >>> grid(5), grid([1, 2]), grid([[1, None], [None, None]])
    ([[5]], [[1, 2]], [[1]])
    """
    if isinstance(value, pd.DataFrame):
        rows = [list(value.columns)] + value.to_numpy(dtype=object).tolist()
    elif isinstance(value, np.ndarray):
        rows = np.atleast_2d(value).tolist() if value.ndim <= 2 else None
        if rows is None:
            raise DataError(f"a range must be 2-dimensional, got {value.ndim} dimensions")
    elif isinstance(value, list | tuple):
        if not value:
            rows = []
        elif all(type(r) is list for r in value):
            rows = list(value)  # the rows themselves: nothing here changes them, so they are not copied
        elif all(isinstance(r, list | tuple) for r in value):
            rows = [list(r) for r in value]
        elif any(isinstance(r, list | tuple) for r in value):
            raise DataError("a range mixes rows and single cells")
        else:
            rows = [list(value)]
    else:
        rows = [[value]]
    lengths = [len(r) for r in rows]
    width = max(lengths, default=0)
    if lengths.count(width) != len(rows):
        rows = [r + [None] * (width - len(r)) for r in rows]
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    while rows and rows[0] and all(is_blank(r[-1]) for r in rows):
        rows = [r[:-1] for r in rows]
    return rows if rows and rows[0] else []


def frame(value: object, *, header: bool = True, what: str = "data", prefix: str = "x",
          row_labels: bool = True) -> pd.DataFrame:
    """An Excel range as a DataFrame of the cells as typed (the engine coerces and checks them).

    With ``header`` the first row holds the column labels (each must be present and unique);
    otherwise the columns are named ``x1, x2, …`` (``prefix``). With ``row_labels``, a leading column
    headed *Year* (or 年份) becomes the row index, so messages name the year; otherwise rows are
    numbered from 1 as in "row 3".

    >>> frame([["Year", "A1"], [2010, 1.5], [2011, "NA"]]).to_dict()
    {'A1': {2010: 1.5, 2011: 'NA'}}
    """
    rows = grid(value)
    if not rows:
        raise DataError(f"the {what} range is empty")
    if header:
        head = [None if is_blank(v) else cell_text(v) for v in rows[0]]
        body = rows[1:]
        for j, lab in enumerate(head):
            if lab is None:
                raise DataError(f"column {j + 1} of the {what} range has no label in its header row")
    else:
        head = [f"{prefix}{j + 1}" for j in range(len(rows[0]))]
        body = rows
    if not body:
        raise DataError(f"the {what} range has a header but no rows of values")
    index = pd.RangeIndex(1, len(body) + 1)
    cells = _cells_array(body, len(head))
    if header and row_labels and len(head) > 1 and head[0].lower() in YEAR_LABELS:
        index = _int_years(cells[:, 0], head[0]) if cells is not None else None
        if index is None:
            years = cells[:, 0].tolist() if cells is not None else [r[0] for r in body]
            blank = [i for i, y in enumerate(years) if is_blank(y)]
            if blank:
                raise DataError(f"row {blank[0] + 1} of the {what} range has no {head[0]}")
            index = pd.Index([_year(y) for y in years], name=head[0])
        if index.has_duplicates:
            raise DataError(f"{head[0]} {index[index.duplicated()][0]} appears twice in the {what} range")
        head = head[1:]
        if cells is not None:
            cells = cells[:, 1:]
        else:
            body = [r[1:] for r in body]
    dup = pd.Index(head)[pd.Index(head).duplicated()]
    if len(dup):
        raise DataError(f"the label {dup[0]} appears twice in the header of the {what} range")
    if cells is not None:
        if cells.size and pd.api.types.infer_dtype(cells.ravel(), skipna=False) in _NUMBERS:
            # Every cell a plain number (the usual range): one float matrix, which the engine takes as is.
            with contextlib.suppress(OverflowError):  # an integer beyond float: the engine names its cell
                return pd.DataFrame(cells.astype(float), index=index, columns=head, copy=False)
        return pd.DataFrame(cells, index=index, columns=head, dtype=object, copy=False)
    return pd.DataFrame(body, index=index, columns=head, dtype=object)


#: pandas' names for an array of Python ints and floats only (no bools, text or blanks).
_NUMBERS = frozenset({"floating", "integer", "mixed-integer-float"})


def _int_years(years: np.ndarray, name: str) -> pd.Index | None:
    """A year column of plain integers (no blanks) as an integer index in one step, else None."""
    if pd.api.types.infer_dtype(years, skipna=False) != "integer":
        return None
    try:
        return pd.Index(years.astype(np.int64), name=name)
    except OverflowError:
        return None


def _cells_array(body: list[list], width: int) -> np.ndarray | None:
    """The rows as one 2-D object array (the cells themselves, not converted), or None if NumPy would
    read a cell as a nested sequence (then the rows are used as they are)."""
    try:
        cells = np.array(body, dtype=object)
    except ValueError:
        return None
    return cells if cells.shape == (len(body), width) else None


def _year(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def labels(value: object, count: int, *, header: bool = True, what: str = "directions") -> list:
    """A one-row or one-column range of per-indicator values (directions, dimensions, ...).

    If the range is one cell longer than ``count`` and ``header`` is on, its first cell is the
    header and is skipped; blank cells inside the range are kept (the engine names them).
    Directions may also be typed in one cell, one sign per indicator.

    >>> labels([["Direction"], ["+"], ["-"]], 2), labels("+-", 2)
    (['+', '-'], ['+', '-'])
    """
    rows = grid(value)
    if not rows:
        raise DataError(f"the {what} range is empty")
    if len(rows) == 1 and len(rows[0]) == 1 and count > 1 and isinstance(rows[0][0], str) \
            and len(rows[0][0].strip()) == count and set(rows[0][0].strip()) <= set("+-−"):
        return list(rows[0][0].strip())  # directions typed in one cell: "++-+"
    if len(rows) == 1:
        items = rows[0]
    elif all(len(r) == 1 for r in rows):
        items = [r[0] for r in rows]
    else:
        raise DataError(f"the {what} must be one row or one column, got {len(rows)}×{len(rows[0])} cells")
    if header and len(items) == count + 1:
        items = items[1:]
    if len(items) != count:
        raise DataError(f"{len(items)} {what} given for {count} indicators")
    return items


def flag(value: object, default: bool, what: str = "header") -> bool:
    """An Excel logical argument: TRUE/FALSE, 1/0, or the text TRUE/FALSE (blank → ``default``)."""
    if is_blank(value):
        return default
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, Real) and value in (0, 1):  # no float(): an int of 400 digits would overflow
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
        return value.strip().lower() in ("true", "yes")
    raise SettingsError(f"{what} must be TRUE or FALSE, got {value!r}")


def number(value: object, default: float | None, what: str) -> float | None:
    """An optional numeric argument (blank → ``default``)."""
    if is_blank(value):
        return default
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real | str):
        raise SettingsError(f"{what} must be a number, got {value!r}")
    try:
        x = float(value)
    except ValueError:
        raise SettingsError(f"{what} must be a number, got {value!r}") from None
    except OverflowError:  # an int beyond the range of a float
        x = math.inf
    if not math.isfinite(x):
        raise SettingsError(f"{what} must be a finite number, got {value!r}")
    return x


def choice(value: object, default: str) -> str:
    """An optional text argument such as a method name (blank → ``default``), trimmed."""
    if is_blank(value):
        return default
    return str(value).strip()


def cell(value: object) -> object:
    """One result value as Excel can hold it: NaN, inf and None become "", NumPy scalars plain."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, Integral):
        # Excel holds numbers as doubles: a larger int becomes a float, or text beyond ±1.8e308.
        n = int(value)
        if abs(n) <= 2**53:
            return n
        try:
            return float(n)
        except OverflowError:
            return str(n)
    if isinstance(value, Real):
        x = float(value)
        return x if math.isfinite(x) else ""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, _dt.date | str):
        return value
    return str(value)


def cells(rows: Sequence[Sequence]) -> list[list]:
    """A 2-D list of results with every value passed through :func:`cell`."""
    return [[cell(v) for v in r] for r in rows]


def table_cells(df: pd.DataFrame, *, index: bool = True, header: bool = True, corner: object = None) -> list[list]:
    """A DataFrame as a 2-D list: the header row (if ``header``), then one row per row.

    With ``index`` the row labels form the first column, headed by ``corner`` (default: the index
    name). Integral float labels (2014.0) are shown as integers.

    >>> table_cells(pd.DataFrame({"w": [0.5, float("nan")]}, index=pd.Index(["A", "B"], name="Indicator")))
    [['Indicator', 'w'], ['A', 0.5], ['B', '']]
    """
    out: list[list] = []
    if header:
        head = [cell_text(c) for c in df.columns]
        if index:
            head = [corner if corner is not None else (df.index.name or "")] + head
        out.append(head)
    if len(df.columns) and all(t == np.float64 for t in df.dtypes):
        # All floats (the standardised matrix, an imputed range, …): converted in one step, and only the
        # non-finite cells, which Excel cannot hold, are visited one by one.
        numbers = df.to_numpy(dtype=float)
        first = 1 if index else 0
        grid_ = np.empty((numbers.shape[0], numbers.shape[1] + first), dtype=object)
        grid_[:, first:] = numbers  # Python floats
        bad = ~np.isfinite(numbers)
        if bad.any():
            grid_[:, first:][bad] = ""
        if index and pd.api.types.is_integer_dtype(df.index.dtype):
            grid_[:, 0] = df.index.to_numpy()  # Python ints
        elif index:
            grid_[:, 0] = [cell(_year(label)) for label in df.index]
        return cells(out) + grid_.tolist()
    values = df.to_numpy(dtype=object).tolist()
    for label, row in zip(df.index, values):
        out.append(([_year(label)] if index else []) + row)
    return cells(out)


def model_table_cells(table: pd.DataFrame, *, corner: object = "", note: str | None = None) -> list[list]:
    """An esttab-style table of :func:`dnqp.model_table` as a 2-D list.

    The first column names the term on its coefficient row (the row of t statistics or standard
    errors below it is unlabelled) and the statistics rows; ``note`` adds a last row, e.g. what the
    parentheses and stars mean.
    """
    out = [[corner if corner is not None else ""] + [str(c) for c in table.columns]]
    for (term, stat), row in zip(table.index, table.to_numpy(dtype=object).tolist()):
        out.append([term if stat in ("coef", "") else ""] + row)
    if note:
        out.append([note] + [""] * len(table.columns))
    return cells(out)


def aligned(frames: Sequence[pd.DataFrame], names: Sequence[str]) -> list[pd.DataFrame]:
    """Frames that describe the same rows, re-labelled with the first one's row labels.

    They must have as many rows each; if two carry years, the years must agree.
    """
    first = frames[0]
    out = [first]
    for df, name in zip(frames[1:], names[1:]):
        if len(df) != len(first):
            raise DataError(f"the {name} range has {len(df)} rows but the {names[0]} range has {len(first)}")
        if df.index.name is not None and first.index.name is not None and list(df.index) != list(first.index):
            bad = next(b for a, b in zip(first.index, df.index) if a != b)
            raise DataError(f"the {name} range has row {bad} where the {names[0]} range has another")
        out.append(df.set_axis(first.index, axis=0))
    return out
