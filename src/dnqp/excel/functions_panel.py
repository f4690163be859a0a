"""The panel worksheet functions: entropy on region-years, ``DNQP_XTREG``, and ``DNQP_TABLE`` with fixed effects.

A panel range has one row per region-year. The entropy functions take it as the time-series ones do (a
leading Year column, then one column per indicator) plus a ``region`` range of the same rows; the regressions
take ``region`` and ``year`` ranges beside ``y`` and ``X``. Every range has its header row unless ``header``
is FALSE. :mod:`dnqp.excel.functions` lists ``DNQP_XTREG`` in the catalogue and sends the panel calls of
``ENTROPY_*`` and ``DNQP_TABLE`` here, so ``dnqp.udfs``, the VBA wrappers and ``dnqp serve`` (``DNQP.XTREG``
is ``=DNQP.DNQP_XTREG(...)``) all see them. The engine is :mod:`dnqp.engine.panel` and
:mod:`dnqp.engine.panel_regression` (linearmodels, imported on the first regression only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xlwings as xw

from . import convert as excel
from .functions import DOC, MAX_MODELS, MAX_REGRESSORS, _args, _cell_errors
from ..engine.panel import PANEL_ENTROPY, REGION, YEAR, panel_entropy, panel_frame
from ..engine.tables import CORE_ROW, star_legend
from ..errors import DataError, SettingsError

__all__ = ["DNQP_XTREG", "CLUSTER", "panel_weights", "panel_standardize", "panel_scores", "panel_table"]

#: ``cluster``: by region (the default of a panel), or none (then ``cov`` chooses).
CLUSTER = ("region", "none")

def _column(value, header: bool, what: str, n: int, what_rows: str) -> list:
    """A one-column range of labels (regions, years) with as many rows as the data."""
    df = excel.frame(value, header=header, what=what, prefix=what, row_labels=False)
    if df.shape[1] != 1:
        raise DataError(f"the {what} range must be one column, got {df.shape[1]}")
    if len(df) != n:
        raise DataError(f"the {what} range has {len(df)} rows but the {what_rows} range has {n}")
    values = df.iloc[:, 0].tolist()
    for i, v in enumerate(values):
        if excel.is_blank(v):
            raise DataError(f"row {i + 1} of the {what} range is empty")
    return values


def _index(regions: list, years: list) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([regions, years], names=[REGION, YEAR])


def _input_order(index: pd.MultiIndex) -> pd.MultiIndex:
    """The region-years as :func:`panel_frame` spells them (2014.0 → 2014), in the rows' own order (the
    engine sorts by region then year; the results are given back in the shape of the range)."""
    rows = pd.DataFrame({"row": np.arange(len(index), dtype=float)}, index=index)
    keyed = panel_frame(rows, what="row")
    return keyed.sort_values("row").index


def _panel_entropy(data, directions, region, shift, standardize, header, mode):
    h = excel.flag(header, True)
    df = excel.frame(data, header=h, row_labels=False)
    if df.shape[1] < 2 or (h and str(df.columns[0]).strip().lower() not in excel.YEAR_LABELS):
        raise DataError("with a region range, the data range starts with a Year column (header Year), then one "
                        "column per indicator")
    regions = _column(region, h, "region", len(df), "data")
    mode = excel.choice(mode, "global").lower()
    if mode not in PANEL_ENTROPY:
        raise SettingsError(f"panel_entropy {mode!r} is not one of {', '.join(PANEL_ENTROPY)}")
    x = df.iloc[:, 1:].set_axis(_index(regions, df.iloc[:, 0].tolist()), axis=0)
    dirs = excel.labels(directions, x.shape[1], header=h, what="directions")
    result = panel_entropy(x, dirs, mode=mode, impute="none", standardize=excel.choice(standardize, "minmax"),
                           shift=excel.number(shift, 0.0, "shift"))
    labels = (excel.frame(region, header=h, what="region", row_labels=False).columns[0] if h else REGION,
              df.columns[0] if h else YEAR)
    return result, _input_order(x.index), labels


def _long(frame: pd.DataFrame, order: pd.MultiIndex, labels, header: bool) -> list[list]:
    """Region, Year, then the columns, one row per region-year in the range's order."""
    out = frame.reindex(order)
    out.index = out.index.set_names(list(labels))
    return excel.table_cells(out.reset_index(), index=False, header=header)


def panel_weights(data, directions, region, shift, standardize, header, mode) -> list[list]:
    """``ENTROPY_WEIGHTS`` with a region range: the global table, or the Year × indicator weights."""
    result, _, _ = _panel_entropy(data, directions, region, shift, standardize, header, mode)
    return excel.table_cells(result.table())


def panel_standardize(data, directions, region, shift, standardize, header, mode) -> list[list]:
    """``ENTROPY_STANDARDIZE`` with a region range: Region, Year, then z of each indicator."""
    result, order, labels = _panel_entropy(data, directions, region, shift, standardize, header, mode)
    return _long(result.standardized, order, labels, excel.flag(header, True))


def panel_scores(data, directions, region, dimensions, shift, convention, header, mode) -> list[list]:
    """``ENTROPY_SCORES`` with a region range: Region, Year, Index, then one sub-index per dimension."""
    h = excel.flag(header, True)
    result, order, labels = _panel_entropy(data, directions, region, shift, None, h, mode)
    out = result.scores.rename("Index").to_frame()
    if not excel.is_blank(dimensions) and excel.grid(dimensions):
        dims = excel.labels(dimensions, len(result.directions), header=h, what="dimensions")
        if "Index" in [str(d) for d in dims]:
            raise DataError("a dimension is named Index, like the composite index's column: rename the dimension")
        out = out.join(result.subindices(dims, excel.choice(convention, "global")))
    return _long(out, order, labels, h)


def _frame(value, header: bool, what: str, prefix: str) -> pd.DataFrame:
    return excel.frame(value, header=header, what=what, prefix=prefix, row_labels=False)


def _panel_setup(y, region, year, effects, cluster, cov, header):
    """The dependent variable, region and year labels, and the engine's effects and covariance."""
    h = excel.flag(header, True)
    ys = _frame(y, h, "dependent variable", "y")
    if ys.shape[1] != 1:
        raise DataError(f"the dependent variable must be one column, got {ys.shape[1]}")
    regions = _column(region, h, "region", len(ys), "dependent variable")
    years = _column(year, h, "year", len(ys), "dependent variable")
    clus = excel.choice(cluster, "region").lower()
    if clus not in CLUSTER:
        raise SettingsError(f"cluster {cluster!r} is not one of {', '.join(CLUSTER)}")
    cov_key = "cluster" if clus == "region" else excel.choice(cov, "nonrobust").lower()
    if clus == "none" and cov_key == "cluster":
        raise SettingsError("cov cluster needs cluster region")
    return h, ys.iloc[:, 0], regions, years, excel.choice(effects, "twoway").lower(), cov_key


def _regressors(X, header: bool, what: str) -> pd.DataFrame:
    Xf = _frame(X, header, what, "x")
    if Xf.shape[1] > MAX_REGRESSORS:
        raise DataError(f"the {what} range has {Xf.shape[1]} columns: at most {MAX_REGRESSORS} in one call")
    return Xf


def _fit(ys, Xf, regions, years, effects, cov_key, command):
    from ..engine.panel_regression import PANEL_CONVENTIONS, panel_ols

    conv = excel.choice(command, "reghdfe").lower()
    if conv not in PANEL_CONVENTIONS:
        raise SettingsError(f"command {command!r} is not one of {', '.join(PANEL_CONVENTIONS)}")
    return panel_ols(ys, Xf, regions, years, effects=effects, cov=cov_key, convention=conv)


@xw.func
@_args("y", "X")
@_args("region", "year", "effects", "cluster", "command", "header", cov=DOC["panel_cov"])
@_cell_errors
def DNQP_XTREG(y, X, region, year, effects="twoway", cluster="region", cov="nonrobust", command="reghdfe",  # noqa: N802
               header=True):
    """Fixed-effects panel regression as Stata's reghdfe/xtreg: coefficient table, then N, regions, years, R², within R², F, FE and cluster lines."""
    h, ys, regions, years, effects, cov_key = _panel_setup(y, region, year, effects, cluster, cov, header)
    Xf = _regressors(X, h, "regressors")
    if len(Xf) != len(ys):
        raise DataError(f"the regressors range has {len(Xf)} rows but the dependent variable range has {len(ys)}")
    fit = _fit(ys, Xf.set_axis(ys.index, axis=0), regions, years, effects, cov_key, command)
    rows = excel.table_cells(fit.table())
    width = len(rows[0])

    def line(label, value):
        rows.append(excel.cells([[label, value]])[0] + [""] * (width - 2))

    for label, value in fit.stats().items():
        if label != "Clusters":
            line(label, int(value) if label in ("Observations", "Regions", "Years") else value)
    for label, value in fit.fe_rows().items():
        line(label, value)
    line("Std. Err.", fit.cov_label)
    line("As Stata", fit.stata)
    for note in fit.warnings:
        line("Note", note)
    return rows


def panel_table(y, cores, controls, cov, core_label, header, region, year, effects, cluster) -> list[list]:
    """``DNQP_TABLE`` with region and year ranges: one fixed-effects model per core regressor, esttab style,
    with the Within R-squared, Region FE, Year FE and Clusters rows."""
    from ..engine.panel_regression import panel_model_table

    h, ys, regions, years, effects, cov_key = _panel_setup(y, region, year, effects, cluster, cov, header)
    core_frame = _regressors(cores, h, "cores")
    if core_frame.shape[1] > MAX_MODELS:
        raise DataError(f"{core_frame.shape[1]} core regressors make as many models: at most {MAX_MODELS} in one table")
    if len(core_frame) != len(ys):
        raise DataError(f"the cores range has {len(core_frame)} rows but the dependent variable range has {len(ys)}")
    parts = [core_frame.set_axis(ys.index, axis=0)]
    if not excel.is_blank(controls) and excel.grid(controls):
        parts.append(_regressors(controls, h, "controls"))
    parts = excel.aligned(parts, ["cores", "controls"])
    fits = [_fit(ys, pd.concat([parts[0][[c]], *parts[1:]], axis=1), regions, years, effects, cov_key, None)
            for c in core_frame.columns]
    names = list(core_frame.columns)
    rename = {c: excel.choice(core_label, CORE_ROW) for c in names} if len(names) > 1 else {}
    table = panel_model_table(fits, labels=names, rename=rename)
    return excel.model_table_cells(table, corner=ys.name, note=f"t statistics in parentheses; {star_legend()}; "
                                   f"{fits[0].cov_label} standard errors")
