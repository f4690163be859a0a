"""The rooms' import rule: the engine loads no workbook, Excel, server or terminal library and imports no other room.

Run in fresh interpreters (as tests/test_perf.py does), because this test session has imported everything.
Two checks: what importing each module actually loads (``sys.modules``), and what each module's source
imports (its ``import`` statements, read with :mod:`ast`, relative ones resolved), so that an import inside a
function, which loading the module does not run, is caught too.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import dnqp

PACKAGE = Path(dnqp.__file__).resolve().parent

#: What the engine must not load: the file libraries, Excel, the server, the terminal, and (eagerly) statsmodels.
NOT_IN_ENGINE = ("openpyxl", "xlsxwriter", "xlwings", "starlette", "uvicorn", "rich", "statsmodels")
#: What the workbook room must not load.
NOT_IN_WORKBOOK = ("xlwings",)
#: The rooms each room may not import from.
FORBIDDEN_IMPORTS = {
    "dnqp.engine": ("dnqp.workbook", "dnqp.excel", "dnqp.cli", "dnqp.cli_excel", "dnqp.terminal", "dnqp.udfs"),
    "dnqp.workbook": ("dnqp.excel", "dnqp.cli", "dnqp.cli_excel", "dnqp.udfs"),
}


def modules(package: str) -> list[str]:
    """``package`` and every module below it, found on disk (a new module is checked without editing this test)."""
    path = PACKAGE.joinpath(*package.split(".")[1:])
    return [package] + sorted(m.name for m in pkgutil.walk_packages([str(path)], prefix=package + "."))


def loaded_by(names: list[str], libraries: tuple[str, ...]) -> dict[str, list[str]]:
    """Module → the ``libraries`` that importing it loaded, importing ``names`` in turn in one fresh interpreter.

    A library loaded by none of them is loaded by no one of them alone, so one interpreter answers for all;
    a library that is loaded is charged to the first module whose import loaded it.
    """
    code = ("import sys, json, importlib\n"
            f"libs, out = set({list(libraries)!r}), {{}}\n"
            f"for name in {names!r}:\n"
            "    before = {m.split('.')[0] for m in sys.modules} & libs\n"
            "    importlib.import_module(name)\n"
            "    new = ({m.split('.')[0] for m in sys.modules} & libs) - before\n"
            "    if new:\n"
            "        out[name] = sorted(new)\n"
            "print(json.dumps(out))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, f"importing {names} failed:\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_engine_loads_no_file_excel_server_or_terminal_library():
    names = ["dnqp", *modules("dnqp.engine")]
    assert len(names) > 5  # the package, the engine and its modules were found
    assert loaded_by(names, NOT_IN_ENGINE) == {}


def test_the_workbook_room_loads_no_xlwings():
    names = modules("dnqp.workbook")
    assert "dnqp.workbook.xlsx" in names
    assert loaded_by(names, NOT_IN_WORKBOOK) == {}


#: What ``dnqp run`` must not wait for before it starts parsing the workbook (python-calamine, in a thread).
HEAVY = ("numpy", "pandas", "scipy", "openpyxl", "xlsxwriter", "linearmodels", "statsmodels")


def test_the_run_starts_reading_before_the_heavy_libraries_load():
    """``import dnqp`` and what ``dnqp run`` imports to start reading (the file checks, the sheet values, the
    results mark) load none of the heavy libraries, so their import overlaps the parse."""
    first = ["dnqp", "dnqp.cli", "dnqp.engine.cells", "dnqp.workbook.schema", "dnqp.workbook.sheetvalues",
             "dnqp.workbook.marks", "dnqp.workbook.atomic"]
    assert loaded_by(first, HEAVY) == {}
    assert loaded_by(["dnqp.workbook.sheetvalues", "dnqp.workbook.reader"], HEAVY)["dnqp.workbook.reader"]


def test_every_public_name_of_the_package_resolves():
    """``dnqp`` loads its engine names on first use: each one in ``__all__`` is there, and ``dir()`` lists it."""
    code = ("import dnqp, json; print(json.dumps([n for n in dnqp.__all__ if getattr(dnqp, n, None) is None] "
            "+ [n for n in dnqp.__all__ if n not in dir(dnqp)]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
    assert dnqp.run_study.__module__ == "dnqp.engine.study"


def test_the_subprocess_check_sees_a_library_that_is_loaded():
    assert loaded_by(["dnqp.engine", "dnqp.excel.functions"], NOT_IN_ENGINE) == {"dnqp.excel.functions": ["xlwings"]}


def imported_modules(source: str, module: str, is_package: bool = False) -> list[str]:
    """Every module that the source of ``module`` imports, with relative imports made absolute.

    ``from .. import workbook`` yields ``dnqp.workbook`` (a name imported from a package may be a module);
    ``importlib.import_module("dnqp.excel")`` with a literal name counts too.
    """
    package = module if is_package else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append(target)
            out += [f"{target}.{alias.name}" for alias in node.names if alias.name != "*"]
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            out.append(node.args[0].value)
    return out


def _breaks(imported: str, forbidden: tuple[str, ...]) -> bool:
    return any(imported == f or imported.startswith(f + ".") for f in forbidden)


def _sources(package: str):
    folder = PACKAGE.joinpath(*package.split(".")[1:])
    for path in sorted(folder.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        yield path, ".".join(parts), is_package


@pytest.mark.parametrize("room", sorted(FORBIDDEN_IMPORTS))
def test_no_room_imports_a_room_above_it(room):
    found = []
    for path, module, is_package in _sources(room):
        for imported in imported_modules(path.read_text(encoding="utf-8"), module, is_package):
            if _breaks(imported, FORBIDDEN_IMPORTS[room]):
                found.append(f"{path.relative_to(PACKAGE.parent)} imports {imported}")
    assert found == []


def test_the_source_check_resolves_every_form_of_import():
    source = ("import os\nfrom . import prepare\nfrom .. import workbook\nfrom ..excel import convert\n"
              "from ..cli import main\nimport dnqp.workbook.xlsx\n"
              "def f():\n    from ...dnqp import x\n    import importlib; importlib.import_module('dnqp.excel.server')\n")
    found = [m for m in imported_modules(source, "dnqp.engine.entropy")
             if _breaks(m, FORBIDDEN_IMPORTS["dnqp.engine"])]
    assert found == ["dnqp.workbook", "dnqp.excel", "dnqp.excel.convert", "dnqp.cli", "dnqp.cli.main",
                     "dnqp.workbook.xlsx", "dnqp.excel.server"]
    assert "dnqp.engine.prepare" in imported_modules(source, "dnqp.engine.entropy")
    assert "dnqp.engine.regression" in imported_modules("from .regression import ols", "dnqp.engine", True)
