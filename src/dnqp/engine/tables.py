"""The study's tables, built once as numbers: titles, the star legend and esttab-style model tables.

A :class:`ModelTable` holds one column per model and, for every row, the numbers, their star counts and
how many decimals they show; it computes nothing twice (Mean VIF included). The surfaces only render
it: :meth:`ModelTable.frame` as manuscript text (the terminal, :func:`model_table`, ``DNQP_TABLE``),
and :mod:`dnqp.workbook.blocks` as numbers with Excel number formats (the results workbook and the
ribbon's sheets). :func:`star_legend` is the one legend, built from the thresholds in force, and
:data:`TITLES` the one title of each table.

>>> star_legend((0.10, 0.05, 0.01)), star_legend((0.05, 0.01, 0.001))
('* p<0.10, ** p<0.05, *** p<0.01', '* p<0.05, ** p<0.01, *** p<0.001')
>>> title("heterogeneity", depvar="lnUpgrade")
'Table 7  Heterogeneity: lnUpgrade on each sub-index'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, ModelError, SettingsError
from .regression import CONS, STARS, OLSResult, star_count, vif

__all__ = ["CORE_ROW", "TITLES", "PANEL_TITLES", "title", "star_count", "star_legend", "TableRow", "ModelTable", "build_model_table",
           "model_table", "mean_vif"]

#: The row that holds each model's core regressor when the models differ in it (the heterogeneity table's
#: sub-index; ``DNQP_TABLE``'s default ``core_label``).
CORE_ROW = "Sub-index"
#: Every table's title, the same in the terminal, the results workbook and the ribbon's sheets.
TITLES = {
    "weights": "Table 1  Indicator system and entropy weights",
    "dimension_weights": "Table 2  Dimension weights",
    "index": "Table 3  {index_label} index and sub-indices by year",
    "descriptives": "Table 4  Descriptive statistics",
    "vif": "Table 5  Multicollinearity test (VIF)",
    "baseline": "Table 6  Baseline regression: {depvar}",
    "heterogeneity": "Table 7  Heterogeneity: {depvar} on each sub-index",
}
#: The titles of the tables only a panel study prints (it prints the time-series study's others too).
PANEL_TITLES = {
    "weights_by_year": "Table 1  Entropy weights by year",
    "dimension_weights_by_year": "Table 2  Dimension weights by year",
    "panel_index": "Table 3  {index_label} index by region and year",
    "group_means": "Table 3b  Mean {index_label} index by region group and year",
    "panel_ranks": "Table 3c  Rank of each region by year",
    "panel_index_long": "Table 3d  {index_label} index and sub-indices by region-year",
    "panel_baseline": "Table 6  Baseline panel regression: {depvar}",
    "group_heterogeneity": "Table 8  Heterogeneity by region group: {depvar}",
    "group_tests": "Table 9  Tests of coefficient equality between region groups",
}


def title(key: str, **names) -> str:
    """The title of table ``key`` (a key of :data:`TITLES` or :data:`PANEL_TITLES`), with its names filled in."""
    return (TITLES[key] if key in TITLES else PANEL_TITLES[key]).format(**names)


def _level(t: float) -> str:
    return f"{t:.2f}" if round(t, 2) == t else f"{t:g}"


def star_legend(levels: Sequence[float] = STARS) -> str:
    """What the stars mean: ``* p<0.10, ** p<0.05, *** p<0.01`` for the thresholds in force."""
    return ", ".join(f"{'*' * (i + 1)} p<{_level(t)}" for i, t in enumerate(levels))


@dataclass(frozen=True)
class TableRow:
    """One row of a model table: a label, one number per model (None: blank), their stars, decimals.

    ``kind`` is ``"coef"`` (a coefficient, with stars), ``"t"`` or ``"se"`` (in parentheses, under its
    coefficient; unlabelled in print) or ``"stat"`` (a model statistic such as Observations).
    """

    term: str
    kind: str
    values: tuple[float | None, ...]
    stars: tuple[int, ...]
    decimals: int

    @property
    def label(self) -> str | None:
        """The label printed in the first column (None under a coefficient)."""
        return None if self.kind in ("t", "se") else self.term

    def text(self, j: int) -> str:
        """Cell ``j`` as manuscript text: ``1.6890**``, ``(2.90)``, ``15``; "" when blank."""
        v = self.values[j]
        if v is None or not np.isfinite(v):
            return ""
        number = f"{v:.{self.decimals}f}"
        if self.kind in ("t", "se"):
            return f"({number})"
        return number + "*" * self.stars[j]


@dataclass(frozen=True)
class ModelTable:
    """An esttab-style table, one column per model: coefficients with stars over t statistics (or
    standard errors) in parentheses, then Observations, R-squared, F and Mean VIF."""

    columns: tuple[str, ...]
    depvar: str
    rows: tuple[TableRow, ...]
    levels: tuple[float, ...]
    stat: str
    cov_label: str

    @property
    def legend(self) -> str:
        return star_legend(self.levels)

    def frame(self) -> pd.DataFrame:
        """The table as manuscript text, rows a MultiIndex ``(term, "coef" | "t" | "se" | "")``."""
        index = pd.MultiIndex.from_tuples([(r.term, "" if r.kind == "stat" else r.kind) for r in self.rows],
                                          names=["term", "stat"])
        body = [[r.text(j) for j in range(len(self.columns))] for r in self.rows]
        return pd.DataFrame(body, index=index, columns=list(self.columns))


def mean_vif(result: OLSResult) -> float | None:
    """The mean VIF of a model's regressors (None when VIF is undefined, e.g. with one regressor)."""
    try:
        return float(vif(result.exog).loc["Mean VIF", "VIF"])
    except ModelError:
        return None


def _finite(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def build_model_table(
    results: Sequence[OLSResult],
    labels: Sequence[str] | None = None,
    *,
    levels: Sequence[float] = STARS,
    decimals: int = 4,
    stat_decimals: int = 2,
    stat: str = "t",
    rename: Mapping | None = None,
) -> ModelTable:
    """The numbers of an esttab-style table: see :class:`ModelTable`.

    ``rename`` maps term names to row labels (e.g. every model's core regressor to one row
    ``Sub-index``); a label that is also another term of the same model is refused, so two terms never
    share a row.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5]})
    >>> y = pd.Series([1.0, 3, 2, 5, 4, 7], name="y")
    >>> from dnqp.engine.regression import ols
    >>> t = build_model_table([ols(y, x)], ["m"])
    >>> [r.term for r in t.rows]
    ['a', 'a', 'b', 'b', '_cons', '_cons', 'Observations', 'R-squared', 'F', 'Mean VIF']
    >>> t.rows[0].text(0), t.rows[1].text(0), t.rows[-1].text(0)
    ('1.7708***', '(11.13)', '3.19')
    """
    results = list(results)
    if not results:
        raise ModelError("model_table needs at least one model")
    if stat not in ("t", "se"):
        raise SettingsError(f"stat {stat!r} is not one of t, se")
    labels = [r.depvar for r in results] if labels is None else list(labels)
    if len(labels) != len(results):
        raise DataError(f"{len(labels)} labels given for {len(results)} models")
    rename = dict(rename or {})
    levels = tuple(float(t) for t in levels)
    by_row = []  # per model: row label → term
    for r in results:
        rows: dict[str, str] = {}
        for t in r.params.index:
            label = rename.get(t, t)
            if label in rows:
                raise ModelError(f"the terms {rows[label]} and {t} of one model would share the row {label}: "
                                 "rename one of them")
            rows[label] = t
        by_row.append(rows)
    terms: list[str] = []
    for rows in by_row:
        terms += [label for label, t in rows.items() if t != CONS and label not in terms]
    if any(CONS in r.params.index for r in results):
        terms.append(CONS)

    out: list[TableRow] = []
    for term in terms:
        coefs, seconds, counts = [], [], []
        for r, rows in zip(results, by_row):
            t = rows.get(term)
            second = r.tvalues if stat == "t" else r.bse
            coefs.append(None if t is None else _finite(r.params[t]))
            seconds.append(None if t is None else _finite(second[t]))
            counts.append(0 if t is None else star_count(r.pvalues[t], levels))
        out.append(TableRow(term, "coef", tuple(coefs), tuple(counts), decimals))
        out.append(TableRow(term, stat, tuple(seconds), (0,) * len(results), stat_decimals))
    none = (0,) * len(results)
    out += [TableRow("Observations", "stat", tuple(r.nobs for r in results), none, 0),
            TableRow("R-squared", "stat", tuple(_finite(r.rsquared) for r in results), none, 4),
            TableRow("F", "stat", tuple(_finite(r.fvalue) for r in results), none, 2),
            TableRow("Mean VIF", "stat", tuple(mean_vif(r) for r in results), none, 2)]
    return ModelTable(tuple(f"({i + 1}) {lab}" for i, lab in enumerate(labels)), results[0].depvar, tuple(out),
                      levels, stat, results[0].cov_label)


def model_table(results: Sequence[OLSResult], labels: Sequence[str] | None = None, **options) -> pd.DataFrame:
    """An esttab-style table with one column per model, as manuscript text.

    Each term has two rows: the coefficient with its stars, then the t statistic (or the standard
    error, ``stat="se"``) in parentheses. Then Observations, R-squared, F and Mean VIF. The rows are a
    MultiIndex ``(term, "coef" | "t" | "se" | "")``. The options (``levels``, ``decimals``,
    ``stat_decimals``, ``stat``, ``rename``) are :func:`build_model_table`'s; this is its
    :meth:`ModelTable.frame`, and how the paper's Table 5 (heterogeneity) is printed.
    """
    return build_model_table(results, labels, **options).frame()
