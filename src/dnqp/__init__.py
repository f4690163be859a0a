"""dnqp — entropy-weight composite indices and Stata-grade regression tables.

The engine is pure (DataFrames in, frozen results out). Excel formulas (:mod:`dnqp.udfs`), ribbon
scripts, the ``dnqp`` command line and the server are thin shells over it.

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

__version__ = "0.1.0"


def main() -> None:
    """The desktop ribbon's *Run analysis* button (``RunPython "import dnqp;dnqp.main()"`` in dnqp.xlam).

    Runs :func:`dnqp.excel.ribbon.run_analysis` on the calling workbook; a problem is shown in a message box
    as one line. xlwings is imported here, not when ``dnqp`` is imported.
    """
    import xlwings as xw

    from .excel.ribbon import ACTIONS

    book = xw.Book.caller()
    try:
        ACTIONS["run_analysis"](book)
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
    "parse_directions",
    "run_study",
    "stars",
    "transform",
    "vif",
]
