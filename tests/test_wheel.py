"""The built wheel holds the package, its data and its web assets, and no benchmark or load-test code.

The wheel is built from a copy of the project's files (``pyproject.toml``, ``README.md``, ``src/``), so
the build leaves nothing in the working tree, with ``python -m build --wheel --no-isolation`` (``build``
and ``setuptools`` are in the dev extra): no network is needed. It takes about 5–10 s.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "dnqp"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("build")
    project = tmp_path_factory.mktemp("project")
    for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "src", project / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    out = project / "dist"
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
                          cwd=project, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (wheel,) = out.glob("dnqp-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel_files(wheel) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


def _package_files(pattern: str) -> set[str]:
    """Files of src/dnqp matching ``pattern``, as paths inside the wheel."""
    return {str(p.relative_to(SRC.parent).as_posix()) for p in SRC.glob(pattern) if p.is_file()}


def test_the_wheel_holds_every_module_of_the_package(wheel_files):
    modules = _package_files("**/*.py")
    assert {"dnqp/__init__.py", "dnqp/engine/entropy.py", "dnqp/udfs.py"} <= modules
    assert modules - set(wheel_files) == set()


def test_the_wheel_holds_the_data_and_the_web_assets(wheel_files):
    data, web = _package_files("engine/data/*.csv"), _package_files("excel/web/*")
    assert data and web  # the patterns match files: the sample's CSVs, the manifest and the task pane
    assert data - set(wheel_files) == set()
    assert web - set(wheel_files) == set()


def test_the_wheel_holds_no_benchmark_load_test_or_test_code(wheel_files):
    stray = [f for f in wheel_files if not f.startswith(("dnqp/", "dnqp-"))]
    assert stray == []
    code = [f for f in wheel_files if any(w in f.lower() for w in ("bench", "loadtest", "load_test", "tests/"))]
    assert code == []


def test_the_wheel_declares_the_command_line(wheel, wheel_files):
    (entry_points,) = [f for f in wheel_files if f.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read(entry_points).decode()
    assert "dnqp = dnqp.cli:main" in text
