"""The documentation site builds with ``mkdocs build --strict``: no broken link, anchor or API reference.

mkdocs.yml turns on link and anchor validation, and mkdocstrings renders every module of ``dnqp.engine``
from its docstrings, so a renamed heading, a page missing from the nav, a link to a file that is not in
docs/ or a docstring reference that does not resolve fails here. ``make install`` installs the ``docs``
extra; without mkdocs (a bare ``pip install -e .[dev]``) the test is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _build(config: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
                           "--site-dir", str(site)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def test_the_site_builds_strictly(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocstrings_handlers.python")
    proc = _build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr[-4000:]
    for page in ("method", "template", "functions", "cli-server", "differences", "getting-started", "api"):
        assert (tmp_path / "site" / page / "index.html").exists(), page
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert 'id="dnqp.engine.entropy.entropy_weights"' in api and 'id="dnqp.engine.regression.ols"' in api


def test_a_broken_link_fails_the_build(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocstrings_handlers.python")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n[the method](method.md#no-such-heading)\n", encoding="utf-8")
    (docs / "method.md").write_text("# The method\n", encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:")[0]
    config = config.replace("paths: [src]", f"paths: [{ROOT / 'src'}]")
    (tmp_path / "mkdocs.yml").write_text(config + "\nnav:\n  - Home: index.md\n  - Method: method.md\n",
                                         encoding="utf-8")
    proc = _build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert "no-such-heading" in proc.stderr
