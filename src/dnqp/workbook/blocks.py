"""The results of a study as sheets of tables (pure): what every result sheet shows, cell by cell.

:func:`result_blocks` lays each sheet out as a list of :class:`Block` (a titled three-line table:
title, header rows, body, notes, with an Excel number format for every body cell);
:func:`result_sheets` flattens them to plain values, sheet name → 2-D list (first row and column = A1).
Numbers stay numbers: stars and parentheses are number formats, not text. The writers
(:mod:`dnqp.workbook.xlsx`, the Excel add-in) only place and style these blocks.
"""

from __future__ import annotations

import math
import platform
import sys
from dataclasses import dataclass, field
from importlib import metadata

import numpy as np

from ..engine.glossary import check_language, translate_block
from ..engine.tables import ModelTable, TableRow, star_legend, title
from ..engine.study import StudyResult
from ..engine.settings import REGISTRY

__all__ = ["Block", "RESULT_SHEETS", "result_blocks", "result_sheets", "sheet_cells", "place", "star_format",
           "PAREN_FORMAT", "paren_format", "user_labels", "in_language"]

#: The result sheets, in order (the add-in writes them with :data:`dnqp.workbook.schema.RESULT_PREFIX`).
RESULT_SHEETS = ("Weights", "Index", "Descriptives", "VIF", "Baseline", "Heterogeneity", "Log")

def paren_format(decimals: int = 2) -> str:
    """A number format that shows a t statistic in parentheses, the sign inside: (2.90), (-0.32)."""
    digits = "0." + "0" * decimals if decimals else "0"
    return f'"("{digits}")";"(-"{digits}")"'


PAREN_FORMAT = paren_format(2)
_PACKAGES = ("dnqp", "numpy", "pandas", "scipy", "statsmodels", "openpyxl", "xlsxwriter")


def star_format(n: int, decimals: int = 4) -> str:
    """A number format that shows ``n`` significance stars after the number: 1.6890**."""
    digits = "0." + "0" * decimals if decimals else "0"
    return f'{digits}"{"*" * n}"' if n else digits


@dataclass(frozen=True)
class Block:
    """A titled table. ``formats`` gives an Excel number format per body cell (None: General/text)."""

    key: str
    title: str
    header: list[list]
    body: list[list]
    formats: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max(max(map(len, self.header), default=0), max(map(len, self.body), default=0)) \
            if (self.header or self.body) else 1

    @property
    def height(self) -> int:
        """Rows taken: title, header, body, notes."""
        return 1 + len(self.header) + len(self.body) + len(self.notes)

    def rows(self) -> list[list]:
        w = self.width
        pad = lambda r: list(r) + [None] * (w - len(r))  # noqa: E731
        return ([pad([self.title])] + [pad(r) for r in self.header] + [pad(r) for r in self.body]
                + [pad([n]) for n in self.notes])


def place(blocks: list[Block], gap: int = 1) -> list[tuple[int, Block]]:
    """The first row (0-based) of every block when they are stacked with ``gap`` blank rows between."""
    out, r = [], 0
    for b in blocks:
        out.append((r, b))
        r += b.height + gap
    return out


def _val(x):
    """A cell value: NaN/None → None, numpy scalars → Python numbers."""
    if x is None:
        return None
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _frame_rows(df):
    """The rows of ``df`` as lists, with the values ``df.iterrows()`` gives (in one step for plain dtypes)."""
    if _plain_dtypes(df):
        return df.to_numpy().tolist()  # the common dtype iterrows upcasts each row to; numbers as Python's
    return ([row[c] for c in df.columns] for _, row in df.iterrows())


def _plain_dtypes(df) -> bool:
    return all(isinstance(t, np.dtype) and t.kind in "biufO" for t in df.dtypes)


def _finite_list(a: np.ndarray) -> list:
    """A numeric array as Python numbers, NaN and ±inf as None (what :func:`_val` makes of them)."""
    out = a.tolist()
    if a.dtype.kind == "f":
        for i in np.flatnonzero(~np.isfinite(a)).tolist():
            out[i] = None
    return out


def _frame_cells(df) -> list[list]:
    """The body cells of ``df``, column by column (without the index), as :func:`_frame_block` shows them:
    ``_val(v)``, an empty string blank. Numeric columns in one step each; the values are those of
    :func:`_frame_rows` (the frame's common dtype), cell by cell only for text columns."""
    if not _plain_dtypes(df) or not len(df.columns):
        rows = [[_val(v) if v != "" else None for v in values] for values in _frame_rows(df)]
        return [[r[j] for r in rows] for j in range(len(df.columns))] if rows else [[] for _ in df.columns]
    arr = df.to_numpy()
    cols = []
    for j, t in enumerate(df.dtypes):
        if arr.dtype.kind in "biuf":  # every column in the common numeric dtype
            cols.append(_finite_list(arr[:, j]))
        elif t.kind in "biuf":  # an object frame: this column's own values, as Python numbers
            cols.append(_finite_list(df.iloc[:, j].to_numpy()))
        else:
            cols.append([_val(v) if v != "" else None for v in arr[:, j].tolist()])
    return cols


def _frame_block(key, title, df, index_header, formats: dict, notes=(), index_values=None) -> Block:
    index_values = list(df.index) if index_values is None else index_values
    fmt_row = [None] + [formats.get(c) for c in df.columns]
    labels = (index_values if set(map(type, index_values)) <= {str, int, bool}  # what _val leaves as they are
              else [_val(x) for x in index_values])
    body = [[label, *values] for label, *values in zip(labels, *_frame_cells(df))] if len(df.columns) \
        else [[label] for label in labels[:len(df)]]
    fmts = [fmt_row[:] for _ in body]
    return Block(key, title, [[index_header, *[str(c) for c in df.columns]]], body, fmts, list(notes))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def indicator_weight_rows(w) -> tuple[list[list], list[list]]:
    """The indicator-system table's body and formats (a dimension named once, then e, d, w), shared by the
    time-series and the panel Weights sheets."""
    body, fmts, prev = [], [], None
    for code, row in w.iterrows():
        dim = row["Dimension"]
        body.append([dim if dim != prev else None, code, row["Indicator"], row["Direction"],
                     _val(row["Entropy e"]), _val(row["Divergence d"]), _val(row["Weight w"])])
        fmts.append([None, None, None, None, "0.0000", "0.0000", "0.0000"])
        prev = dim
    return body, fmts


def _weights_blocks(r: StudyResult) -> list[Block]:
    s = r.settings
    body, fmts = indicator_weight_rows(r.weights)
    how = {"minmax": "min–max", "interval": f"interval {s.interval}", "none": "none"}[s.standardize]
    notes = [f"Entropy weight method; standardisation {how}, shift {s.shift:g}; w = d / Σ d over indicators.",
             *[f"Dropped: {d}" for d in r.entropy.dropped]]
    weights = Block("weights", title("weights"),
                    [["Dimension", "Code", "Indicator", "Direction", "Entropy e", "Divergence d", "Weight w"]],
                    body, fmts, notes)
    dw = r.dimension_weights
    dims = _frame_block("dimension_weights", title("dimension_weights"), dw[["Label", "Indicators", "Weight"]],
                        "Dimension", {"Indicators": "0", "Weight": "0.0000"},
                        notes=["Sum of the weights of each dimension's indicators."])
    dims.header[0][1] = "Sub-index"
    return [weights, dims]


def _index_block(r: StudyResult) -> Block:
    s = r.settings
    conv = ("global weights, so they add up to the index" if s.convention == "global"
            else "weights renormalised within each dimension")
    fmts = {c: "0.0000" for c in r.index.columns}
    return _frame_block("index", title("index", index_label=s.index_label), r.index, "Year", fmts,
                        notes=[f"Sub-indices: {conv}."], index_values=[int(y) for y in r.index.index])


def _descriptives_block(r: StudyResult) -> Block:
    fmts = {"Obs": "0", "Mean": "0.000", "Std. Dev.": "0.000", "Min": "0.000", "Max": "0.000"}
    return _frame_block("descriptives", title("descriptives"), r.descriptives, "Variable", fmts,
                        notes=["Std. Dev. with n − 1; variables after their Model transform."])


def _vif_block(r: StudyResult) -> Block:
    b = _frame_block("vif", title("vif"), r.vif, "Variable",
                     {"VIF": "0.00", "1/VIF": "0.000000"},
                     notes=["Centred VIF from auxiliary regressions with a constant; rule of thumb: VIF < 10."])
    return b


def _baseline_blocks(r: StudyResult) -> list[Block]:
    s, b = r.settings, r.baseline
    tab = b.table(levels=s.stars)
    fmts = {"Coef.": "0.0000", "Std. Err.": "0.0000", "t": "0.00", "P>|t|": "0.000",
            tab.columns[4]: "0.0000", tab.columns[5]: "0.0000"}
    coef = _frame_block("baseline", title("baseline", depvar=b.depvar), tab, b.depvar, fmts,
                        notes=[f"{_sentence(b.cov_label)} standard errors; {star_legend(s.stars)}."])
    stats = [["Observations", b.nobs, "0"], ["R-squared", _val(b.rsquared), "0.0000"],
             ["Adj R-squared", _val(b.rsquared_adj), "0.0000"],
             [f"F({int(b.df_model)}, {int(b.df_resid)})", _val(b.fvalue), "0.00"],
             ["Prob > F", _val(b.f_pvalue), "0.0000"], ["Root MSE", _val(b.rmse), "0.00000"]]
    block = Block("baseline_stats", "Model statistics", [["Statistic", "Value"]],
                  [[k, v] for k, v, _ in stats], [[None, f] for *_, f in stats])
    return [coef, block]


def _model_table_block(key: str, title: str, t: ModelTable, notes: list[str]) -> Block:
    """An esttab-style :class:`~dnqp.engine.tables.ModelTable` as numbers with number formats: stars
    and parentheses are formats, so every cell stays a number."""
    n = len(t.columns)
    head = [[None, *t.columns], [t.depvar, *[None] * n]]
    body = [[row.label, *[_val(v) for v in row.values]] for row in t.rows]
    fmts = [[None, *[_row_format(row, j) for j in range(n)]] for row in t.rows]
    return Block(key, title, head, body, fmts, notes)


def _row_format(row: TableRow, j: int) -> str:
    if row.kind == "coef":
        return star_format(row.stars[j], row.decimals)
    if row.kind in ("t", "se"):
        return paren_format(row.decimals)
    return "0." + "0" * row.decimals if row.decimals else "0"


def _heterogeneity_block(r: StudyResult) -> Block:
    s, t = r.settings, r.heterogeneity_model
    return _model_table_block("heterogeneity", title("heterogeneity", depvar=r.dependent), t,
                              [f"Column (k) replaces {s.index_label} by the sub-index named in its header; t "
                               f"statistics in parentheses ({t.cov_label} standard errors); {t.legend}."])


def _versions() -> list[list]:
    rows = [["python", platform.python_version()]]
    for pkg in _PACKAGES:
        try:
            rows.append([pkg, metadata.version(pkg)])
        except metadata.PackageNotFoundError:
            rows.append([pkg, "not installed"])
    return rows


def _log_blocks(r: StudyResult, inputs) -> list[Block]:
    panel_only = {s.attribute for s in REGISTRY.values() if s.applies == "panel"}  # not used by a time series
    settings = [[k, v if isinstance(v, int | float | str) or v is None else str(v)]
                for k, v in r.settings.describe().items() if k not in panel_only]
    blocks = [Block("log_settings", "Settings used", [["Setting", "Value"]], settings),
              Block("log_versions", "Package versions", [["Package", "Version"]], _versions(),
                    notes=[f"platform {sys.platform}"])]
    imputed = []
    for _, c in r.imputed.iterrows():
        cell = inputs.address(c["table"], c["row"], c["column"]) if inputs is not None else ""
        imputed.append([cell or None, c["table"], _val(c["row"]), c["column"], _val(c["value"])])
    blocks.append(Block("log_imputed", f"Imputed cells ({r.settings.impute})",
                        [["Cell", "Table", "Year", "Column", "Imputed value"]],
                        imputed or [["none", None, None, None, None]],
                        [[None, None, "0", None, "0.######"]] * max(len(imputed), 1)))
    reports = list(inputs.reports) if inputs is not None else []
    blocks.append(Block("log_cells", "Cells read from text", [["Cell", "Column", "Year", "Typed", "Read as"]],
                        [[c.cell, c.column, _val(c.row), str(c.typed), _val(c.value) if c.action == "coerced"
                          else "missing"] for c in reports] or [["none", None, None, None, None]]))
    blocks.append(Block("log_warnings", "Warnings", [["Note"]], [[w] for w in r.warnings] or [["none"]]))
    return blocks


def result_blocks(result: StudyResult, inputs=None, language: str | None = None) -> dict[str, list[Block]]:
    """Every result sheet as its list of blocks (see :data:`RESULT_SHEETS`).

    ``inputs`` (a :class:`dnqp.workbook.grid.StudyInputs`) adds cell addresses and the cells read from text to
    the Log. A panel study's result gets the panel sheets (:mod:`dnqp.workbook.panel_blocks`), and the
    companion sheets (:mod:`dnqp.workbook.companion_blocks`) come before the Log. ``language`` (default: the
    ``language`` setting) gives every title, header, row label and note in English or Chinese
    (:func:`dnqp.engine.glossary.translate_block`); the user's labels (:func:`user_labels`) and the sheet names
    stay as they are.
    """
    from .companion_blocks import companion_blocks

    if not isinstance(result, StudyResult):
        from .panel_blocks import panel_result_blocks

        return in_language(panel_result_blocks(result, inputs), result, language)
    sheets = {
        "Weights": _weights_blocks(result),
        "Index": [_index_block(result)],
        "Descriptives": [_descriptives_block(result)],
        "VIF": [_vif_block(result)],
        "Baseline": _baseline_blocks(result),
        "Heterogeneity": [_heterogeneity_block(result)],
        **companion_blocks(result),
        "Log": _log_blocks(result, inputs),
    }
    return in_language(sheets, result, language)


# -- the language of the labels: one place for every renderer (workbook, ribbon, terminal, Word, LaTeX) --

def user_labels(result) -> frozenset[str]:
    """The user's own labels in a result, never translated: indicator codes and names, dimension labels,
    the index and sub-index labels, the variables and regressors, a panel's regions and groups. A result without one of these tables (a
    panel or companion study's) gives the labels of those it has."""
    labels = {result.settings.index_label, getattr(getattr(result, "baseline", None), "depvar", None)}
    frames = {"weights": ("index", "Indicator", "Dimension"), "dimension_weights": ("index", "Label"),
              "index": ("columns",), "analysis_data": ("columns",), "descriptives": ("index",)}
    for name, parts in frames.items():
        df = getattr(result, name, None)
        for part in parts if df is not None else ():
            values = getattr(df, part) if part in ("index", "columns") else df.get(part, ())
            labels.update(str(v) for v in values if isinstance(v, str))
    params = getattr(getattr(result, "baseline", None), "params", None)
    if params is not None:
        labels.update(str(v) for v in params.index if isinstance(v, str) and v != "_cons")
    rows = getattr(getattr(result, "index", None), "index", None)
    if getattr(rows, "nlevels", 1) == 2:  # a panel: its regions and region groups are the user's too
        labels.update(str(v) for v in rows.get_level_values(0).unique())
        means = getattr(getattr(result, "index_tables", None), "group_means", None)
        labels.update(str(v) for v in (means.index if means is not None else ()))
    labels.discard(None)
    return frozenset(labels)


def in_language(sheets: dict[str, list[Block]], result, language: str | None = None) -> dict[str, list[Block]]:
    """``sheets`` with every block's fixed labels in ``language`` (default: the ``language`` setting)."""
    language = check_language(language or getattr(result.settings, "language", "en"))
    if language == "en":
        return sheets
    keep = user_labels(result)
    return {name: [translate_block(b, language, keep) for b in blocks] for name, blocks in sheets.items()}


def sheet_cells(blocks: list[Block]) -> tuple[list[list], list[tuple[int, int, str]]]:
    """One sheet's blocks as values and number formats: the 2-D list of values (first row and column =
    A1; blocks stacked with one blank row between them, every row as long as the widest block) and
    ``(row, column, number format)`` for every body cell that has a format (0-based, in that grid)."""
    width = max(b.width for b in blocks)
    rows: list[list] = []
    formats: list[tuple[int, int, str]] = []
    for start, b in place(blocks):
        rows += [[None] * width] * (start - len(rows))
        rows += [r + [None] * (width - len(r)) for r in b.rows()]
        first = start + 1 + len(b.header)
        formats += [(first + i, j, f) for i, frow in enumerate(b.formats) for j, f in enumerate(frow) if f]
    return rows, formats


def result_sheets(result: StudyResult, inputs=None) -> dict[str, list[list]]:
    """The values of every result sheet: sheet name → 2-D list, first row and column = A1.

    Blocks are stacked with one blank row between them; every row of a sheet has the same length.
    Their number formats (stars, parentheses, decimals) are :func:`sheet_cells`' second part.
    """
    return {name: sheet_cells(blocks)[0] for name, blocks in result_blocks(result, inputs).items()}
