"""The companion measures' worksheet functions (issue 12): CRITIC weights, TOPSIS, coupling coordination, the
obstacle degree, grey relational analysis, Dagum's Gini and Theil's index.

Kept in their own module; :mod:`dnqp.excel.functions` lists them in the catalogue (``__all__``), which is how
``dnqp.udfs``, the add-in's VBA wrappers and ``dnqp serve`` (``=DNQP.TOPSIS(...)``) see them. Each is a thin
shell over :mod:`dnqp.engine.companion`, with the conventions of the other functions: ranges start with a
header row unless ``header`` is FALSE, a leading Year column labels the rows, and a bad argument is one line
in the cell.
"""

from __future__ import annotations

import pandas as pd
import xlwings as xw

from . import convert as excel
from ..engine.companion import (coupling_coordination, critic_weights, dagum_gini, grey_relation, obstacle_degree,
                                theil_index, topsis)
from ..engine.companion.weights import WEIGHT_METHODS
from ..engine.settings import REGISTRY
from ..errors import DataError
from .functions import DOC, _args, _cell_errors

__all__ = ["CRITIC_WEIGHTS", "TOPSIS", "COUPLING", "OBSTACLE", "GREY_RELATION", "DAGUM_GINI", "THEIL"]

_DOC = {
    "correlation": "CRITIC's conflict term: pearson (1 − r, Diakoulaki et al. 1995; default) or absolute (1 − |r|).",
    "weights": "The weights: a method (" + ", ".join(WEIGHT_METHODS) + "; default entropy) or one weight per "
               "indicator, in column order.",
    "normalise": REGISTRY["topsis_normalise"].doc,
    "U": "The systems' scores, one column per system (at least 2), header row of names first; each in [0, 1] "
         "unless scaling rescales them.",
    "alpha": REGISTRY["coupling_alpha"].doc,
    "variant": REGISTRY["coupling_variant"].doc,
    "scaling": REGISTRY["coupling_scaling"].doc,
    "top": "How many of the largest obstacles each row lists (3).",
    "reference": "The reference series (e.g. the outcome): one column, header first.",
    "series": "The comparison series (indicators or sub-indices), one column each, header row first.",
    "rho": REGISTRY["grey_rho"].doc,
    "grey_normalise": REGISTRY["grey_normalise"].doc,
    "values": "The index: one column (one value per region), or Region | Year | value columns for a panel (one "
              "result per year); header row first.",
    "groups": "The group of each row of values (e.g. East, Central, West), one column, header first.",
    "obstacle_dimensions": "Optional: the dimension of each indicator, in column order; adds each dimension's "
                           "obstacle degree (the sum over its indicators).",
}
#: The arguments' documentation joins the catalogue's (:data:`dnqp.excel.functions.DOC`); GREY_RELATION's
#: normalise and OBSTACLE's dimensions mean something else than the arguments of the same name.
DOC.update({k: v for k, v in _DOC.items() if k not in ("grey_normalise", "obstacle_dimensions")})
def _data_dirs(data, directions, header: bool) -> tuple[pd.DataFrame, list]:
    df = excel.frame(data, header=header)
    return df, excel.labels(directions, df.shape[1], header=header, what="directions")


def _weights(weights, columns: pd.Index, header: bool):
    """A method name (blank: entropy) or one weight per indicator."""
    if excel.is_blank(weights):
        return "entropy"
    rows = excel.grid(weights)
    if len(rows) == 1 and len(rows[0]) == 1 and isinstance(rows[0][0], str):
        method = rows[0][0].strip().lower()
        if method not in WEIGHT_METHODS:
            raise DataError(f"weights {rows[0][0]!r} is not one of {', '.join(WEIGHT_METHODS)} (or one weight per "
                            "indicator)")
        return method
    return excel.labels(weights, len(columns), header=header, what="weights")


def _column(value, header: bool, what: str) -> pd.Series:
    df = excel.frame(value, header=header, what=what)
    if df.shape[1] != 1:
        raise DataError(f"the {what} must be one column, got {df.shape[1]}")
    return df.iloc[:, 0]


def _values(values, header: bool) -> pd.Series:
    """One column by row, or Region | Year | value: a (Region, Year)-indexed Series."""
    df = excel.frame(values, header=header, what="values", row_labels=False)
    if df.shape[1] == 1:
        return df.iloc[:, 0]
    if df.shape[1] != 3:
        raise DataError(f"the values must be one column, or Region | Year | value columns, got {df.shape[1]} columns")
    index = pd.MultiIndex.from_arrays([df.iloc[:, 0].astype(str), df.iloc[:, 1]], names=["Region", "Year"])
    if index.has_duplicates:
        region, year = index[index.duplicated()][0]
        raise DataError(f"region {region} has year {year} twice in the values")
    return pd.Series(df.iloc[:, 2].to_numpy(), index=index, name=df.columns[2])


def _groups(groups, n: int, header: bool) -> list | None:
    if excel.is_blank(groups) or not excel.grid(groups):
        return None
    rows = excel.grid(groups)
    items = [r[0] for r in rows] if all(len(r) == 1 for r in rows) else None
    if items is None:
        raise DataError(f"the groups must be one column, got {len(rows)}×{len(rows[0])} cells")
    if header and len(items) == n + 1:
        items = items[1:]
    if len(items) != n:
        raise DataError(f"{len(items)} groups given for {n} rows of values")
    return items


@xw.func
@_args("data", "directions", "correlation", "standardize", "shift", "header")
@_cell_errors
def CRITIC_WEIGHTS(data, directions, correlation="pearson", standardize="minmax", shift=0.0, header=True):  # noqa: N802
    """CRITIC weights: Indicator | σ | Conflict | Information C | Weight w (C = σ·Σ(1 − r), σ with n − 1)."""
    h = excel.flag(header, True)
    df, dirs = _data_dirs(data, directions, h)
    result = critic_weights(df, dirs, correlation=excel.choice(correlation, "pearson").lower(),
                            standardize=excel.choice(standardize, "minmax"), shift=excel.number(shift, 0.0, "shift"))
    return excel.table_cells(result.table())


@xw.func
@_args("data", "directions", "weights", "normalise", "header")
@_cell_errors
def TOPSIS(data, directions, weights=None, normalise="minmax", header=True):  # noqa: N802
    """Entropy-TOPSIS: Row | D+ | D- | Closeness C | Rank (C = D⁻/(D⁺ + D⁻), rank 1 = closest to the ideal)."""
    h = excel.flag(header, True)
    df, dirs = _data_dirs(data, directions, h)
    w = _weights(weights, df.columns, h)
    result = topsis(df, dirs, w, normalise=excel.choice(normalise, "minmax").lower())
    return excel.table_cells(result.table(), corner=df.index.name or "Row")


@xw.func
@_args("U", "alpha", "variant", "scaling", "header")
@_cell_errors
def COUPLING(U, alpha=None, variant="classic", scaling="none", header=True):  # noqa: N802
    """Coupling coordination: Row | U… | C | T | D | Level | Grade | 等级 | Lagging (D = √(C·T), ten grades)."""
    h = excel.flag(header, True)
    df = excel.frame(U, header=h, what="scores U", prefix="U")
    a = None
    if not excel.is_blank(alpha) and excel.grid(alpha):
        text = excel.grid(alpha)
        if len(text) == 1 and len(text[0]) == 1 and isinstance(text[0][0], str) and text[0][0].strip().lower() == "equal":
            a = None
        else:
            a = excel.labels(alpha, df.shape[1], header=h, what="α")
    result = coupling_coordination(df, a, variant=excel.choice(variant, "classic").lower(),
                                   scaling=excel.choice(scaling, "none").lower())
    table = result.table()
    for col in ("Grade", "等级", "Lagging"):
        table[col] = table[col].astype(str)
    return excel.table_cells(table, corner=df.index.name or "Row")


@xw.func
@_args("data", "directions", "weights", "top", "header", dimensions=_DOC["obstacle_dimensions"])
@_cell_errors
def OBSTACLE(data, directions, dimensions=None, weights=None, top=3, header=True):  # noqa: N802
    """Obstacle degree: Row | Obstacle 1 | O 1 | … the largest obstacles, then one column per dimension if given."""
    h = excel.flag(header, True)
    df, dirs = _data_dirs(data, directions, h)
    dims = None
    if not excel.is_blank(dimensions) and excel.grid(dimensions):
        dims = excel.labels(dimensions, df.shape[1], header=h, what="dimensions")
    k = excel.number(top, 3, "top")
    if not float(k).is_integer():
        raise DataError(f"top must be a whole number, got {top!r}")
    result = obstacle_degree(df, dirs, _weights(weights, df.columns, h), dims, top=int(min(k, df.shape[1] + 1)))
    out = result.table()
    if result.dimensions is not None:
        out = out.join(result.dimensions.rename(columns=lambda d: f"Dimension {d}"))
    return excel.table_cells(out, corner=df.index.name or "Row")


@xw.func
@_args("reference", "series", "rho", "header", normalise=_DOC["grey_normalise"])
@_cell_errors
def GREY_RELATION(reference, series, rho=0.5, normalise="initial", header=True):  # noqa: N802
    """Grey relational degree of each series to the reference: Series | Grey relational degree | Rank."""
    h = excel.flag(header, True)
    y = _column(reference, h, "reference")
    x = excel.frame(series, header=h, what="series")
    parts = excel.aligned([y.to_frame(), x], ["reference", "series"])
    result = grey_relation(parts[0].iloc[:, 0], parts[1], rho=excel.number(rho, 0.5, "rho"),
                           normalise=excel.choice(normalise, "initial").lower())
    return excel.table_cells(result.table())


def _inequality(values, groups, header, func, need_groups: bool):
    h = excel.flag(header, True)
    v = _values(values, h)
    g = _groups(groups, len(v), h)
    if g is None and need_groups:
        raise DataError("the groups range is empty: Dagum's Gini decomposition needs the group of every row")
    return excel.table_cells(func(v, g).table())


@xw.func
@_args("values", "groups", "header")
@_cell_errors
def DAGUM_GINI(values, groups, header=True):  # noqa: N802
    """Dagum's Gini by group: Year | G | G_w | G_nb | G_t | G_w % | G_nb % | G_t % (G = G_w + G_nb + G_t)."""
    return _inequality(values, groups, header, dagum_gini, True)


@xw.func
@_args("values", "groups", "header")
@_cell_errors
def THEIL(values, groups=None, header=True):  # noqa: N802
    """Theil's T: Year | T, and with groups T_w | T_b | T_w % | T_b % (T = T_w + T_b)."""
    return _inequality(values, groups, header, theil_index, False)

