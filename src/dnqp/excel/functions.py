"""dnqp's Excel worksheet functions: one module for desktop Excel, Excel on Mac/web, and plain Python.

* Desktop Excel (Windows, classic xlwings): the add-in's config lists ``UDF Modules = dnqp.udfs``;
  ``dnqp addin build`` writes their VBA wrappers into ``dnqp.xlam`` (and ``addin/dnqp_udfs.bas``) from
  ``__all__``: a new function needs a rebuild.
* Excel on Mac/web/Windows through xlwings Server (Office.js): ``dnqp serve`` exposes this module
  under the namespace ``DNQP`` (``=DNQP.ENTROPY_WEIGHTS(...)``).
* Plain Python: the functions take the values Excel sends (2-D lists, None for blanks) and return
  2-D lists, so ``ENTROPY_WEIGHTS(rows, ["+", "+", "-", "+"])`` works anywhere.

Each function is a thin shell: :mod:`dnqp.excel.convert` translates Excel-shaped values, the engine computes,
and a :class:`~dnqp.errors.DnqpError` becomes an :class:`xlwings.XlwingsError` with the engine's
one-line message (``#VALUE!`` plus the message on Office.js, the message in the cell on desktop).
Ranges include a header row of labels unless ``header`` is FALSE; a leading column headed *Year*
holds the row labels. Missing values: blank, ``NA`` or ``#N/A`` (on Office.js, desktop Excel sends
blank cells as 0, so type ``NA`` or ``#N/A`` there). Results are never rounded; NaN becomes "".
"""

from __future__ import annotations

import functools

import pandas as pd
import xlwings as xw

from .. import __version__
from . import convert as excel
from ..engine.entropy import entropy_weights as _entropy_weights
from ..errors import DataError, DnqpError, SettingsError, internal_message
from ..engine.prepare import impute as _impute
from ..engine.settings import REGISTRY
from ..engine.regression import OLSResult, describe as _describe, ols as _ols, vif as _vif
from ..engine.tables import CORE_ROW, build_model_table

__all__ = [
    "ENTROPY_WEIGHTS",
    "ENTROPY_STANDARDIZE",
    "ENTROPY_SCORES",
    "DNQP_OLS",
    "DNQP_STAT",
    "DNQP_VIF",
    "DNQP_DESCRIBE",
    "DNQP_IMPUTE",
    "DNQP_TABLE",
    "DNQP_XTREG",
    "DNQP_VERSION",
    "DNQP_AUDIT",
]

# Argument documentation, shared by the functions that take the same argument; an argument that is also a
# setting is documented by the settings registry.
DOC = {
    **{s.name: s.doc for s in REGISTRY.values() if s.doc},
    "method": REGISTRY["impute"].doc,
    "data": "Indicator values: one row per year, one column per indicator, header row of codes first "
            "(an optional leading Year column labels the rows).",
    "directions": "One direction per indicator, in column order: + or −, 1 or -1, benefit or cost, 正向 or 负向.",
    "header": "TRUE (default) if the ranges start with a header row of labels; FALSE if they hold values only.",
    "y": "The dependent variable: one column, header first.",
    "X": "The regressors: one column each, header row of names first (a constant is added).",
    "dimensions": "Optional: the dimension of each indicator, in column order; adds one sub-index column "
                  "per dimension.",
    "stat": "r2, adj_r2, f, f_p, n, rmse, or coef:NAME, se:NAME, t:NAME, p:NAME for a regressor NAME "
            "(_cons for the constant).",
    "variables": "Variables: one column each, header row of names first (an optional leading Year column "
                 "labels the rows).",
    "gaps": "Values with gaps (blank, NA or #N/A): one column per variable, header row first.",
    "cores": "The core regressors, one column each (e.g. the sub-indices): one model per column.",
    "controls": "The control variables, one column each, in every model (blank: none).",
    "core_label": f"Row label of the core regressor when there are several (default {CORE_ROW}).",
    # Panels (dnqp.excel.functions_panel): one row per region-year.
    "region": "The region of each row: one column, header first, the rows of the data (optional in ENTROPY_*, "
              "DNQP_TABLE: the rows are then region-years).",
    "year": "The year of each row: one column, header first, the rows of y.",
    "panel_entropy": "With a region range: global (default; min, max and k = 1/ln(N·T) over all region-years, "
                     "scores comparable across years) or by_year (weights within each year).",
    "effects": "With region and year: twoway (region and year fixed effects, default), region, or none.",
    "cluster": "With region and year: standard errors clustered by region (default) or none (then cov chooses).",
    "panel_cov": "Without clusters: nonrobust (default) or robust (under region effects, Stata's robust: "
                 "clustered by region).",
    "command": "The Stata command reproduced: reghdfe (default: singleton regions dropped) or xtreg (kept).",
}


#: Longest message shown in a cell's tooltip; a longer one (a 40 MB cell quoted back) is cut.
MAX_MESSAGE = 300


def _one_line(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 1] + "…"


def _cell_errors(func):
    """Turn the engine's one-line errors into the error xlwings shows in the cell (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DnqpError as err:
            raise xw.XlwingsError(_one_line(str(err))) from None
        except (xw.XlwingsError, KeyboardInterrupt):
            raise
        except Exception as err:  # noqa: BLE001 - a bug: still one line in the cell, never a traceback
            raise xw.XlwingsError(_one_line(internal_message(err))) from None

    return wrapper


#: Arguments that are ranges: they always arrive as 2-D lists (a 1×1 range too).
RANGES = frozenset({"data", "directions", "dimensions", "y", "X", "cores", "controls", "region", "year",
                    # the companion measures' (functions_companion)
                    "U", "reference", "series", "values", "groups", "weights", "alpha"})


def _args(*names, **docs):
    """``@xw.arg`` for every argument: its documentation (from :data:`DOC` unless given) and, for a
    range, ``ndim=2``."""

    def decorate(func):
        for name in (*names, *docs):
            options = {"ndim": 2} if name in RANGES else {}
            func = xw.arg(name, doc=docs.get(name, DOC.get(name)), **options)(func)
        return func

    return decorate


def _given(value) -> bool:
    """Whether an optional range argument was given (an omitted one may arrive as None or as a blank cell)."""
    return not excel.is_blank(value) and bool(excel.grid(value))


def _data(data, header, what="data"):
    return excel.frame(data, header=excel.flag(header, True), what=what)


def _has_rows(df: pd.DataFrame) -> bool:
    """Whether the range had a Year column (the row labels are then part of the result)."""
    return df.index.name is not None


def _entropy(data, directions, shift, standardize, header):
    h = excel.flag(header, True)
    df = excel.frame(data, header=h)
    dirs = excel.labels(directions, df.shape[1], header=h, what="directions")
    result = _entropy_weights(df, dirs, standardize=excel.choice(standardize, "minmax"),
                              shift=excel.number(shift, 0.0, "shift"))
    return df, result


#: Most regressor columns one call takes (the cost of VIF and of the table grows with their cube): a
#: worksheet function must answer in seconds, and a study has a handful.
MAX_REGRESSORS = 100
#: Most models (core regressors) side by side in one DNQP_TABLE.
MAX_MODELS = 20


def _regressors(X, header: bool, what: str = "regressors") -> pd.DataFrame:
    Xf = excel.frame(X, header=header, what=what)
    if Xf.shape[1] > MAX_REGRESSORS:
        raise DataError(f"the {what} range has {Xf.shape[1]} columns: at most {MAX_REGRESSORS} in one call")
    return Xf


def _y_X(y, X, header):
    h = excel.flag(header, True)
    ys = excel.frame(y, header=h, what="dependent variable", prefix="y")
    if ys.shape[1] != 1:
        raise DataError(f"the dependent variable must be one column, got {ys.shape[1]}")
    return ys.iloc[:, 0], _regressors(X, h)


def _lags(maxlags):
    lags = excel.number(maxlags, None, "maxlags")
    if lags is not None and not float(lags).is_integer():
        raise SettingsError(f"maxlags must be a whole number, got {maxlags!r}")
    return None if lags is None else int(lags)


def _fit(y, X, cov, maxlags, header) -> OLSResult:
    ys, Xf = _y_X(y, X, header)
    return _ols(ys, Xf, cov=excel.choice(cov, "nonrobust"), maxlags=_lags(maxlags))


@xw.func
@_args("data", "directions", "shift", "standardize", "header", "region", "panel_entropy")
@_cell_errors
def ENTROPY_WEIGHTS(data, directions, shift=0.0, standardize="minmax", header=True, region=None,  # noqa: N802
                    panel_entropy="global"):
    """Entropy weights: Indicator | Entropy e | Divergence d | Weight w, one row per indicator (a panel by year: Year × indicator)."""
    if _given(region):
        return _panel.panel_weights(data, directions, region, shift, standardize, header, panel_entropy)
    _, result = _entropy(data, directions, shift, standardize, header)
    return excel.table_cells(result.table())


@xw.func
@_args("data", "directions", "shift", "standardize", "header", "region", "panel_entropy")
@_cell_errors
def ENTROPY_STANDARDIZE(data, directions, shift=0.0, standardize="minmax", header=True, region=None,  # noqa: N802
                        panel_entropy="global"):
    """The standardised matrix z of the entropy method (cost indicators reversed), in the shape of data."""
    if _given(region):
        return _panel.panel_standardize(data, directions, region, shift, standardize, header, panel_entropy)
    df, result = _entropy(data, directions, shift, standardize, header)
    return excel.table_cells(result.standardized, index=_has_rows(df), header=excel.flag(header, True))


@xw.func
@_args("data", "directions", "dimensions", "shift", "convention", "header", "region", "panel_entropy")
@_cell_errors
def ENTROPY_SCORES(data, directions, dimensions=None, shift=0.0, convention="global", header=True,  # noqa: N802
                   region=None, panel_entropy="global"):
    """Composite index per row (S = Σ w·z), plus one sub-index column per dimension when dimensions are given."""
    if _given(region):
        return _panel.panel_scores(data, directions, region, dimensions, shift, convention, header, panel_entropy)
    h = excel.flag(header, True)
    df, result = _entropy(data, directions, shift, None, h)
    out = result.scores.rename("Index").to_frame()
    if not excel.is_blank(dimensions) and excel.grid(dimensions):
        dims = excel.labels(dimensions, df.shape[1], header=h, what="dimensions")
        if "Index" in [str(d) for d in dims]:
            raise DataError("a dimension is named Index, like the composite index's column: rename the dimension")
        out = out.join(result.subindices(dims, excel.choice(convention, "global")))
    return excel.table_cells(out, index=_has_rows(df), header=h)


@xw.func
@_args("y", "X", "cov", "maxlags", "header")
@_cell_errors
def DNQP_OLS(y, X, cov="nonrobust", maxlags=None, header=True):  # noqa: N802
    """OLS in Stata regress layout: Coef., Std. Err., t, P>|t|, 95% CI, stars; then N, R², adj. R², F, Prob > F, Root MSE."""
    fit = _fit(y, X, cov, maxlags, header)
    rows = excel.table_cells(fit.table())
    width = len(rows[0])
    for label, value in fit.stats().items():
        rows.append(excel.cells([[label, int(value) if label == "Observations" else value]])[0]
                    + [""] * (width - 2))
    return rows


_STATS = {"r2": "rsquared", "adj_r2": "rsquared_adj", "f": "fvalue", "f_p": "f_pvalue", "n": "nobs",
          "rmse": "rmse"}
_TERM_STATS = {"coef": "params", "se": "bse", "t": "tvalues", "p": "pvalues"}


@xw.func
@_args("y", "X", "stat", "cov", "maxlags", "header")
@_cell_errors
def DNQP_STAT(y, X, stat, cov="nonrobust", maxlags=None, header=True):  # noqa: N802
    """One number of an OLS fit: R², F, its p-value, N, Root MSE, or a coefficient, standard error, t or p."""
    key = excel.choice(stat, "")
    kind, _, term = key.partition(":")
    kind = kind.strip().lower()
    if kind not in _STATS and not (kind in _TERM_STATS and term.strip()):
        raise SettingsError(f"stat {key!r} is not one of {', '.join(_STATS)}, coef:NAME, se:NAME, t:NAME, p:NAME")
    fit = _fit(y, X, cov, maxlags, header)
    if kind in _STATS:
        return excel.cell(getattr(fit, _STATS[kind]))
    series = getattr(fit, _TERM_STATS[kind])
    term = term.strip()
    if term not in series.index:
        raise DataError(f"the model has no term {term} (terms: {', '.join(map(str, series.index))})")
    return excel.cell(series[term])


@xw.func
@_args("X", "header")
@_cell_errors
def DNQP_VIF(X, header=True):  # noqa: N802
    """Variance inflation factors as Stata's estat vif: Variable | VIF | 1/VIF, largest first, then Mean VIF."""
    return excel.table_cells(_vif(_regressors(X, excel.flag(header, True))))


@xw.func
@_args("header", data=DOC["variables"])
@_cell_errors
def DNQP_DESCRIBE(data, header=True):  # noqa: N802
    """Descriptive statistics as Stata's summarize: Variable | Obs | Mean | Std. Dev. | Min | Max."""
    return excel.table_cells(_describe(_data(data, header)))


@xw.func
@_args("method", "header", data=DOC["gaps"])
@_cell_errors
def DNQP_IMPUTE(data, method="mean", header=True):  # noqa: N802
    """The data with every missing value filled (mean or linear), in the shape of data."""
    df = _data(data, header)
    result = _impute(df, excel.choice(method, "mean"))
    return excel.table_cells(result.data, index=_has_rows(df), header=excel.flag(header, True))


@xw.func
@_args("y", "cores", "controls", "cov", "core_label", "header", "region", "year", "effects", "cluster")
@_cell_errors
def DNQP_TABLE(y, cores, controls=None, cov="nonrobust", core_label=CORE_ROW, header=True, region=None,  # noqa: N802
               year=None, effects="twoway", cluster="region"):
    """Models side by side, esttab style: one column per core regressor with the same controls (with region and year: fixed effects)."""
    if _given(region) or _given(year):
        if not (_given(region) and _given(year)):
            raise SettingsError("a fixed-effects table needs both region and year ranges")
        return _panel.panel_table(y, cores, controls, cov, core_label, header, region, year, effects, cluster)
    h = excel.flag(header, True)
    ys, core_frame = _y_X(y, cores, h)
    if core_frame.shape[1] > MAX_MODELS:
        raise DataError(f"{core_frame.shape[1]} core regressors make as many models: at most {MAX_MODELS} in one table")
    parts = [core_frame]
    if not excel.is_blank(controls) and excel.grid(controls):
        parts.append(_regressors(controls, h, "controls"))
    parts = excel.aligned(parts, ["cores", "controls"])
    cov = excel.choice(cov, "nonrobust")
    fits = [_ols(ys, pd.concat([parts[0][[c]], *parts[1:]], axis=1), cov=cov) for c in core_frame.columns]
    names = list(core_frame.columns)
    rename = {c: excel.choice(core_label, CORE_ROW) for c in names} if len(names) > 1 else {}
    table = build_model_table(fits, labels=names, rename=rename)
    return excel.model_table_cells(table.frame(), corner=ys.name, note=f"t statistics in parentheses; "
                                   f"{table.legend}; {table.cov_label} standard errors")


@xw.func
@_cell_errors
def DNQP_VERSION():  # noqa: N802
    """The version of dnqp that computes these formulas."""
    return __version__


#: Functions kept in their own modules (they use the helpers above) → their module, listed in the catalogue
#: (``__all__``) and loaded on first use (PEP 562), so either module may be imported first.
SEPARATE = {"DNQP_AUDIT": "functions_audit"}


def __getattr__(name: str):
    if name in SEPARATE:
        import importlib

        return getattr(importlib.import_module(f".{SEPARATE[name]}", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *SEPARATE])


from . import functions_panel as _panel  # noqa: E402 - it builds on the helpers above
from .functions_panel import DNQP_XTREG  # noqa: E402,F401
# The companion measures (issue 12) live in their own module; the catalogue lists them.
from .functions_companion import *  # noqa: E402,F401,F403
from .functions_companion import __all__ as _COMPANION  # noqa: E402

__all__ += _COMPANION
