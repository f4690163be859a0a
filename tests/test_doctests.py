"""The examples in the engine's docstrings are executed and must hold."""

import doctest
import importlib

import pytest

ENGINE_MODULES = ["dnqp", "dnqp.engine.entropy", "dnqp.engine.prepare", "dnqp.engine.regression", "dnqp.engine.study",
                  "dnqp.engine.audit", "dnqp.engine.glossary", "dnqp.workbook.numfmt", "dnqp.workbook.manuscript",
                  "dnqp.workbook.latex", "dnqp.workbook.figures",
                  "dnqp.engine.settings", "dnqp.engine.cells", "dnqp.engine.tables", "dnqp.engine.checks",
                  "dnqp.engine.panel", "dnqp.engine.panel_regression", "dnqp.engine.panel_groups",
                  "dnqp.engine.panel_sample"]


@pytest.mark.parametrize("name", ENGINE_MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
