"""Shared fixtures: the sample workbook written by the generator, and its study run by the engine."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

import dnqp
from dnqp.engine.sample import DIMENSION_LABELS, load_sample
from dnqp.workbook.xlsx import write_template

ROOT = Path(__file__).resolve().parents[1]
# Let tests import the reference module that sits beside them.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def sample_study():
    """The reference: dnqp.run_study on the shipped sample DataFrames (no workbook involved)."""
    s = load_sample()
    return dnqp.run_study(s["indicators"], s["data"], s["variables"], s["model"], dimension_labels=DIMENSION_LABELS)


@pytest.fixture(scope="session")
def _sample_master(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("master") / "sample.xlsx", sample=True)


@pytest.fixture
def sample_xlsx(_sample_master, tmp_path) -> Path:
    """A private copy of the sample workbook, free to edit."""
    return Path(shutil.copy(_sample_master, tmp_path / "sample.xlsx"))
