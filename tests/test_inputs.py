"""The pure reader: template grids → the engine's inputs, and every problem named by its cell."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from dnqp.workbook import schema
from dnqp.workbook.grid import InputError, UncomputedFormula, parse_grids, settings_from_table
from dnqp.engine.sample import DIMENSION_LABELS, load_sample
from dnqp.engine.study import Settings
from dnqp.workbook.template import template_grids


def _problems(grids) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_grids(grids)
    return [str(p) for p in info.value.problems]


def test_sample_grids_give_the_sample_inputs():
    inputs = parse_grids(template_grids(sample=True))
    s = load_sample()
    pd.testing.assert_frame_equal(inputs.data, s["data"].astype(float), check_names=False)
    pd.testing.assert_frame_equal(inputs.variables, s["variables"].astype(float), check_names=False)
    assert list(inputs.indicators["Code"]) == list(s["indicators"]["Code"])
    assert inputs.dimension_labels == DIMENSION_LABELS
    assert inputs.settings == Settings()  # the defaults reproduce the paper
    assert [r.cell for r in inputs.reports] == ["Data!C5", "Data!I9"]  # the two NA cells of the sample
    assert inputs.address("Data", 2013, "A2") == "Data!C5"


def test_settings_defaults_are_the_engine_defaults():
    assert settings_from_table({}) == Settings()
    s = settings_from_table({"cov": "hc1", "stars": "0.05; 0.01; 0.001", "maxlags": 2, "shift": "0.01"})
    assert (s.cov, s.stars, s.maxlags, s.shift) == ("HC1", (0.05, 0.01, 0.001), 2, 0.01)


def test_method_oracle_through_the_workbook_reader():
    """docs/method.md §2's hand-checked 5×4 example, typed into a template, gives its weights and scores."""
    g = template_grids()
    g["Indicators"] = [["Code", "Indicator", "Dimension", "Unit", "Source", "Direction", None, None, "Dimension",
                        "Label"],
                       ["X1", "x1", "P", "", "", "+", None, None, "P", "Pa"],
                       ["X2", "x2", "P", "", "", "正向", None, None, "Q", "Qa"],
                       ["X3", "x3", "Q", "", "", "−", None, None, None, None],
                       ["X4", "x4", "Q", "", "", "benefit", None, None, None, None]]
    g["Data"] = [["Year", "X1", "X2", "X3", "X4"], [2001, 120, 3.2, 45, 0.8], [2002, 95, 4.1, 38, 1.2],
                 [2003, 150, 2.7, 52, 0.6], [2004, 110, 3.9, 41, 1.0], [2005, 80, 3.5, 60, 0.9]]
    g["Variables"] = [["Year", "Y", "Z"], [2001, 1.0, 2.0], [2002, 2.5, 1.0], [2003, 2.0, 4.0], [2004, 3.5, 3.0],
                      [2005, 3.0, 7.0]]
    g["Model"] = [["Variable", "Role", "Transform", "Label", "Description"], ["Y", "dependent", "none", "", ""],
                  ["Z", "control", "none", "", ""]]
    result = parse_grids(g).run()
    np.testing.assert_allclose(result.entropy.entropy, [0.778169, 0.819373, 0.824870, 0.813654], atol=5e-7)
    np.testing.assert_allclose(result.weights["Weight w"], [0.290380, 0.236443, 0.229248, 0.243930], atol=5e-7)
    np.testing.assert_allclose(result.index["DNQP"], [0.487990, 0.771844, 0.373743, 0.687720, 0.257075], atol=5e-7)
    assert list(result.index.columns) == ["DNQP", "Pa", "Qa"]


@pytest.mark.parametrize("sheet, cell, value, expected", [
    ("Data", "C7", "12%", "Data!C7 (indicator A2, 2015): '12%' is not a number"),
    ("Data", "A8", None, "Data!A8: the year is blank"),
    ("Data", "A8", "2016a", "Data!A8: the year '2016a' is not a whole number"),
    ("Indicators", "F3", "up", "Indicators!F3 (indicator A2): direction 'up'"),
    ("Model", "B3", "regressor", "Model!B3 (variable Port): role 'regressor'"),
    ("Settings", "B2", "zscore", "Settings!B2: setting standardize = 'zscore' is not one of"),
    ("Variables", "C4", -5, "Variables!C4 (variable Port, 2012): -5 is not positive, so ln is undefined"),
    ("Data", "B3", UncomputedFormula("=B2*2"), "Data!B3: the formula =B2*2 has no saved value"),
])
def test_bad_cells_are_named(sheet, cell, value, expected):
    g = copy.deepcopy(template_grids(sample=True))
    col, row = ord(cell[0]) - ord("A"), int(cell[1:]) - 1
    g[sheet][row][col] = value
    problems = _problems(g)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_collected_at_once():
    g = copy.deepcopy(template_grids(sample=True))
    g["Data"][2][1] = "abc"
    g["Data"][3][2] = "#DIV/0!"
    g["Model"][1][1] = "control"  # no dependent variable left
    problems = _problems(g)
    assert problems[0].startswith("Data!B3") and problems[1].startswith("Data!C4")
    assert any("exactly one variable as dependent" in p for p in problems)
    assert "the Excel error #DIV/0!" in problems[1]


def test_constant_indicator_and_year_mismatch():
    g = copy.deepcopy(template_grids(sample=True))
    for row in g["Data"][1:]:
        row[3] = 5  # B1 constant
    g["Variables"] = g["Variables"][:-1]  # 2024 only in Data
    problems = _problems(g)
    assert any(p.startswith("Data!D2:D16 (indicator B1): the value is 5 in every year") for p in problems)
    assert any(p.startswith("Data!A16: the year 2024 is in Data but not in Variables") for p in problems)
    g["Settings"].append(["constant", "drop", None, None])  # dropping it is a choice, not an error
    g["Variables"] = template_grids(sample=True)["Variables"]
    result = parse_grids(g).run()
    assert "B1" not in result.weights.index and any("B1" in w for w in result.warnings)


def test_blank_template_reports_empty_columns():
    problems = _problems(template_grids())
    assert problems[0] == "Data!B2:B16 (indicator A1): the column has no values at all"
    assert len(problems) == len(load_sample()["indicators"]) + len(load_sample()["model"])


def test_missing_sheet_and_table_end_at_first_blank_row():
    g = copy.deepcopy(template_grids(sample=True))
    del g["Model"]
    assert _problems(g) == ["Model!A1: the sheet Model is missing"]
    g = copy.deepcopy(template_grids(sample=True))
    g["Data"].insert(6, [None] * len(g["Data"][0]))  # a blank row ends the table: 2015–2024 are not read
    assert any("the year 2015 is in Variables but not in Data" in p for p in _problems(g))
    assert schema.DIMENSIONS.anchor == "I1"
