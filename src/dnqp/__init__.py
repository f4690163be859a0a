"""dnqp — entropy-weight composite indices and Stata-grade regression tables.

The engine is pure (DataFrames in, frozen results out). Excel formulas (:mod:`dnqp.udfs`), ribbon
scripts, the ``dnqp`` command line and the server are thin shells over it.

Examples
--------
>>> import dnqp
>>> sorted(n for n in dnqp.__all__ if not n[0].isupper())[:4]
['as_numeric', 'coerce_cell', 'coerce_frame', 'describe']
"""

import importlib

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

#: Where each engine name lives: imported on first use (``dnqp.run_study``), so ``import dnqp`` (and the
#: worksheet functions, and ``dnqp run`` before it starts reading the workbook) does not wait for pandas.
_LAZY = {
    "EntropyResult": "engine.entropy", "entropy_weights": "engine.entropy",
    "ImputeResult": "engine.prepare", "as_numeric": "engine.prepare", "coerce_cell": "engine.prepare",
    "coerce_frame": "engine.prepare", "impute": "engine.prepare", "parse_directions": "engine.prepare",
    "transform": "engine.prepare",
    "OLSResult": "engine.regression", "describe": "engine.regression", "ols": "engine.regression",
    "stars": "engine.regression", "vif": "engine.regression",
    "model_table": "engine.tables",
    "Settings": "engine.study", "StudyResult": "engine.study", "run_study": "engine.study",
    "panel_entropy": "engine.panel",
    "panel_ols": "engine.panel_regression",
    "PanelStudyResult": "engine.panel_study", "run_panel_study": "engine.panel_study",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'dnqp' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
