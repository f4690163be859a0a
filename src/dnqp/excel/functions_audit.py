"""The worksheet function ``DNQP_AUDIT(table)``: :func:`dnqp.engine.audit.audit_table` on a range.

Kept in its own module; :mod:`dnqp.excel.functions` lists it in the catalogue (``__all__`` and ``SEPARATE``,
loaded on first use), which is how ``dnqp.udfs``, the VBA wrappers and ``dnqp serve`` see it.

Excel sends numbers without their number format, so a cell showing 0.0140 arrives as 0.014: the audit
reads a number at the digits its shortest form shows, which is the default (padded) reading of printed
trailing zeros anyway. Stars typed after a coefficient make it text ("1.6890**") and are read as printed.
"""

from __future__ import annotations

import xlwings as xw

from . import convert as excel
from .functions import _args, _cell_errors
from ..engine.audit import audit_table

__all__ = ["DNQP_AUDIT"]

_DOC = {
    "table": "The published table as printed: a header row (term, Coef., Std. Err., t, P>|t|), the terms, then "
             "Observations, R-squared, F rows (or one column per model with t in parentheses below each "
             "coefficient).",
    "strict": "FALSE (default): trailing zeros may be padding (0.0140 may be 0.014); TRUE: every digit counts.",
    "stat": "In a one-column-per-model table, what the parentheses hold: t (default) or se.",
}


@xw.func
@_args(strict=_DOC["strict"], stat=_DOC["stat"])
@xw.arg("table", ndim=2, doc=_DOC["table"])
@_cell_errors
def DNQP_AUDIT(table, strict=False, stat="t"):  # noqa: N802
    """Errata check of a published regression table: one line per t, p, star or F inconsistent beyond rounding."""
    result = audit_table(excel.grid(table), padded=not excel.flag(strict, False, "strict"),
                         stat=excel.choice(stat, "t").lower())
    return [[line] for line in result.lines()]
