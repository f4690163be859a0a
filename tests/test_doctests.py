"""The examples in the docstrings of the engine and the workbook room are executed and must hold.

Every module under ``dnqp.engine`` and ``dnqp.workbook`` whose source holds an example (``>>>``) is run, so a
new module's examples are covered without being listed here.
"""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import dnqp


def _modules_with_examples() -> list[str]:
    names = ["dnqp"]
    for pkg in ("dnqp.engine", "dnqp.workbook"):
        package = importlib.import_module(pkg)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{pkg}."):
            spec = importlib.util.find_spec(info.name)
            if spec and spec.origin and ">>>" in Path(spec.origin).read_text(encoding="utf-8"):
                names.append(info.name)
    return names


MODULES = _modules_with_examples()


def test_the_examples_are_found():
    assert {"dnqp.engine.entropy", "dnqp.engine.settings", "dnqp.engine.panel", "dnqp.workbook.numfmt"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
