"""dnqp — entropy-weight composite indices and Stata-grade regression tables.

The engine is pure (DataFrames in, frozen results out). Excel formulas (:mod:`dnqp.udfs`), ribbon
scripts, the ``dnqp`` command line and the server are thin shells over it.

Examples
--------
>>> import dnqp
>>> sorted(n for n in dnqp.__all__ if not n[0].isupper())[:4]
['as_numeric', 'coerce_cell', 'coerce_frame', 'describe']
"""

from .engine.entropy import EntropyResult, entropy_weights
from .errors import (
    CollinearityError,
    ConstantIndicatorError,
    DataError,
    DirectionError,
    DnqpError,
    ModelError,
    SettingsError,
    TransformError,
)
from .engine.prepare import ImputeResult, as_numeric, coerce_cell, coerce_frame, impute, parse_directions, transform
from .engine.regression import OLSResult, describe, ols, stars, vif
from .engine.tables import model_table
from .engine.study import Settings, StudyResult, run_study
from .engine.panel import panel_entropy
from .engine.panel_regression import panel_ols
from .engine.panel_study import PanelStudyResult, run_panel_study

__version__ = "0.1.0"


def main(action: str = "run_analysis") -> None:
    """The desktop ribbon's buttons: ``RunPython "import dnqp;dnqp.main('validate_data')"`` in dnqp.xlam.

    Runs the ribbon action ``action`` (one of :data:`dnqp.excel.ribbon.__all__`: ``run_analysis``,
    ``validate_data``, ``clear_results``) on the calling workbook; a problem is shown in a message box as
    one line. xlwings is imported here, not when ``dnqp`` is imported.
    """
    import xlwings as xw

    from .excel import ribbon

    if action not in ribbon.__all__:
        raise DnqpError(f"unknown ribbon action {action!r}: use one of {', '.join(ribbon.__all__)}")
    book = xw.Book.caller()
    try:
        getattr(ribbon, action)(book)
    except xw.XlwingsError as err:
        book.app.alert(str(err), title="dnqp")


__all__ = [
    "CollinearityError",
    "ConstantIndicatorError",
    "DataError",
    "DirectionError",
    "DnqpError",
    "EntropyResult",
    "ImputeResult",
    "ModelError",
    "OLSResult",
    "PanelStudyResult",
    "Settings",
    "SettingsError",
    "StudyResult",
    "TransformError",
    "as_numeric",
    "coerce_cell",
    "coerce_frame",
    "describe",
    "entropy_weights",
    "impute",
    "main",
    "model_table",
    "ols",
    "panel_entropy",
    "panel_ols",
    "parse_directions",
    "run_panel_study",
    "run_study",
    "stars",
    "transform",
    "vif",
]
