"""The panel reader's fast path (whole columns at once) and its careful path (cell by cell) give the same
inputs and the same problems, notes and cell addresses (issue 11, item 8: the parse of a 56,000-row panel).

Each case is read twice: as it is (the fast path where it can prove its preconditions, the careful path
where it cannot), and with ``dnqp.workbook.grid._FAST`` off (the careful path alone). Hypothesis draws the
damage: blanks, text numbers, missing markers, duplicates, missing regions and region-years, single-year
regions, odd keys and types, notes below the table, formulas without a saved value.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dnqp.workbook import grid, panel_grid
from dnqp.workbook.grid import InputError, UncomputedFormula, parse_grids, scan_table

from .test_panel_study import _generated, _setting


def _read(grids, fast: bool):
    """What parse_grids makes of (a copy of) ``grids``: the inputs as comparable values, or the problems."""
    saved = grid._FAST
    grid._FAST = fast
    try:
        inputs = parse_grids(copy.deepcopy(grids))
    except InputError as err:
        return "problems", [str(p) for p in err.problems]
    finally:
        grid._FAST = saved
    frames = {name: getattr(inputs, name) for name in ("indicators", "data", "variables", "model", "regions")}
    rest = {
        "reports": [(r.cell, r.table, r.row, r.column, repr(r.typed), repr(r.value), r.action, str(r))
                    for r in inputs.reports],
        "cells": sorted(dict(inputs.cells).items(), key=repr),
        "notes": list(inputs.notes), "design": inputs.design, "settings": inputs.settings,
        "labels": inputs.dimension_labels, "setting_cells": dict(inputs.setting_cells),
        "addresses": [inputs.address(t, k, c) for t, k, c in list(inputs.cells)[:5]],
    }
    return "inputs", (frames, rest)


def _same(grids) -> None:
    fast, careful = _read(grids, True), _read(grids, False)
    assert fast[0] == careful[0], (fast, careful)
    if fast[0] == "problems":
        assert fast[1] == careful[1]
        return
    (f_frames, f_rest), (c_frames, c_rest) = fast[1], careful[1]
    assert f_rest == c_rest
    for name, frame in f_frames.items():
        other = c_frames[name]
        if frame is None or other is None:
            assert frame is None and other is None, name
            continue
        pd.testing.assert_frame_equal(frame, other, check_exact=True)
        if isinstance(frame.index, pd.MultiIndex):
            for a, b in zip(frame.index.levels, other.index.levels):
                assert a.dtype == b.dtype and a.equals(b)
            for a, b in zip(frame.index.codes, other.index.codes):
                assert np.array_equal(a, b)


def _row_of(grids, sheet, i):
    return 1 + i % (len(grids[sheet]) - 1)


def _put(rows, r, j, value) -> None:
    """rows[r][j] = value, on a row that an earlier step may have cut short or made a tuple."""
    row = rows[r]
    if isinstance(row, tuple) or len(row) <= j:
        rows[r] = row = list(row) + [None] * (j + 1 - len(row))
    row[j] = value


# Each step damages the grids in one way a workbook can be damaged.
_VALUES = st.sampled_from([None, "", "  ", math.nan, "12.5", " 1,234 ", "NA", "#N/A", "12%", "abc", "−3", 7,
                           np.float64(2.5), True, pd.NA, 1e200, math.inf, -1.0, 0.0, UncomputedFormula("=A1")])
_REGIONS = st.sampled_from([None, " ", "R01", " R01 ", "r01", "Ｒ01", "R99", 2014, "2014", 3.5, True, "NA"])
_YEARS = st.sampled_from([None, 2014, 2014.0, "2014", 2014.5, 0, -0.0, 999, 10000, True, np.int64(2015), math.nan,
                          "x", 2011])


@st.composite
def _damage(draw):
    kind = draw(st.sampled_from(["value", "region", "year", "duplicate", "drop", "drop_region", "blank_row",
                                 "note", "ln", "column", "region_column", "short_row", "tuple_row"]))
    return kind, draw(st.sampled_from(["Data", "Variables"])), draw(st.integers(0, 10_000)), draw(
        st.integers(2, 20)), draw(_VALUES), draw(_REGIONS), draw(_YEARS)


def _apply(grids, step) -> None:
    kind, sheet, i, j, value, region, year = step
    rows = grids[sheet]
    if len(rows) < 2 or len(grids["Variables"]) < 2:  # no body row left to damage
        return
    r = _row_of(grids, sheet, i)
    width = len(rows[0])
    j = 2 + j % (width - 2)
    if kind == "value":
        _put(rows, r, j, value)
    elif kind == "region":
        _put(rows, r, 0, region)
    elif kind == "year":
        _put(rows, r, 1, year)
    elif kind == "duplicate":
        rows.append(list(rows[r]))
    elif kind == "drop" and len(rows) > 2:
        del rows[r]
    elif kind == "drop_region":
        gone = rows[r][0] if rows[r] else None
        grids[sheet] = [row for k, row in enumerate(rows) if not k or not row or row[0] != gone]
    elif kind == "blank_row":
        rows.insert(r, [None] * width)
    elif kind == "note":
        rows.insert(r, ["Source: yearbook"] + [None] * (width - 1))
    elif kind == "ln":
        _put(grids["Variables"], _row_of(grids, "Variables", i), 2, -1.0 if i % 2 else 0.0)
    elif kind == "column":
        for k in range(1, len(rows)):
            _put(rows, k, j, None if i % 2 else "NA")
    elif kind == "region_column":
        name = rows[r][0]
        for k in range(1, len(rows)):
            if rows[k] and rows[k][0] == name:
                _put(rows, k, j, None)
    elif kind == "short_row":
        rows[r] = rows[r][:1 + i % 3]
    elif kind == "tuple_row":
        rows[r] = tuple(rows[r])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(_damage(), max_size=4), regions=st.integers(2, 12), years=st.integers(1, 5),
       impute=st.sampled_from(["linear", "none"]), seed=st.integers(0, 3))
def test_fast_and_careful_paths_agree(steps, regions, years, impute, seed):
    grids = _generated(seed=seed, regions=regions, years=range(2011, 2011 + years))
    _setting(grids, "impute", impute)
    for step in steps:
        _apply(grids, step)
    _same(grids)


@settings(max_examples=40, deadline=None)
@given(drop=st.sets(st.tuples(st.integers(0, 11), st.integers(2011, 2016)), max_size=30),
       shuffle=st.booleans(), case=st.booleans())
def test_unbalanced_panels_read_alike(drop, shuffle, case):
    """Absent region-years, single-year and missing regions, rows in another order, keys typed in another case."""
    grids = _generated(regions=12, years=range(2011, 2017), drop={(f"R{r:02d}", y) for r, y in drop})
    if shuffle:
        body = grids["Variables"][1:]
        grids["Variables"] = [grids["Variables"][0], *body[::-1]]
    if case:
        for row in grids["Data"][1::3]:
            row[0] = f" {row[0].lower()} "
    _same(grids)


def test_the_fast_path_reads_a_clean_panel(monkeypatch):
    """The comparison above is not vacuous: a clean panel goes the fast way through every step."""
    taken = []
    for name in ("_plain_keys", "_column_floats"):
        real = getattr(panel_grid, name)
        monkeypatch.setattr(panel_grid, name, lambda *a, _real=real, _name=name: taken.append(
            (_name, _real(*a) is not None)) or _real(*a))
    inputs = parse_grids(_generated())
    assert taken == [("_plain_keys", True), ("_column_floats", True)] * 2
    assert inputs.address("Data", ("R03", 2012), inputs.data.columns[0]) == "Data!C30"
    _same(_generated())


def test_reading_does_not_change_the_grids():
    """The tables' rows are the grids' own lists now: reading (and blanking a formula without a value) must
    leave them as they were."""
    grids = _generated()
    grids["Data"][4][3] = UncomputedFormula("=B2*2")
    before = copy.deepcopy(grids)
    with pytest.raises(InputError) as info:
        parse_grids(grids)
    assert str(info.value.problems[0]).startswith("Data!D5: the formula =B2*2 has no saved value")
    assert grids == before
    grids = _generated()
    before = copy.deepcopy(grids)
    parse_grids(grids)
    assert grids == before


_CELLS = st.sampled_from([None, "", " ", "x", "Year", 1.0, 2015.0, math.nan, 0, "NA"])


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.one_of(st.lists(_CELLS, max_size=5), st.lists(_CELLS, max_size=5).map(tuple)),
                     max_size=8),
       c0=st.integers(0, 1), ref=st.one_of(st.none(), st.tuples(st.integers(1, 6), st.integers(0, 3))))
def test_scan_table_fast_and_careful_agree(rows, c0, ref):
    """The table scanner on any small grid: header, body, skipped blank rows, the note below, the rows beyond."""
    grid_rows = [["Year", "A", "B", None], *rows]
    excel = (0, c0, ref[0], c0 + ref[1]) if ref is not None else None
    saved = grid._FAST
    try:
        grid._FAST = True
        fast = scan_table(grid_rows, 0, c0, excel)
        grid._FAST = False
        careful = scan_table(grid_rows, 0, c0, excel)
    finally:
        grid._FAST = saved
    assert repr(fast) == repr(careful)


def _time_series_outcome(grids, fast: bool):
    saved = grid._FAST
    grid._FAST = fast
    try:
        inputs = parse_grids(copy.deepcopy(grids))
    except InputError as err:
        return [str(p) for p in err.problems]
    finally:
        grid._FAST = saved
    return (inputs.indicators.to_dict("list"), inputs.data.to_dict("list"), list(inputs.data.index),
            inputs.variables.to_dict("list"), inputs.model.to_dict("list"), [str(r) for r in inputs.reports],
            dict(inputs.cells), inputs.notes, inputs.settings, inputs.dimension_labels)


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(["Data", "Variables"]), st.integers(0, 100), st.integers(0, 20),
                                st.one_of(_VALUES, _YEARS)), max_size=3),
       shape=st.sampled_from(["as is", "blank row", "note below", "short row"]))
def test_time_series_workbooks_read_alike(steps, shape):
    """The time-series path shares the table scan and the formula check: the same there too."""
    from dnqp.workbook.template import template_grids

    grids = copy.deepcopy(template_grids(sample=True))
    for sheet, i, j, value in steps:
        rows = grids[sheet]
        r = 1 + i % (len(rows) - 1)
        rows[r][j % len(rows[r])] = value
    rows = grids["Data"]
    if shape == "blank row":
        rows.insert(3, [None] * len(rows[0]))
    elif shape == "note below":
        rows.append(["Source: yearbook"])
    elif shape == "short row":
        rows[2] = rows[2][:1]
    fast, careful = _time_series_outcome(grids, True), _time_series_outcome(grids, False)
    assert repr(fast) == repr(careful)


@pytest.mark.parametrize("impute", ["linear", "none"])
def test_problems_and_reports_in_the_order_of_the_cells(impute):
    """Bad and text cells in several columns of several rows: listed row by row, then column by column, on both
    paths (the fast path reads such columns one at a time)."""
    grids = _generated()
    _setting(grids, "impute", impute)
    data, var = grids["Data"], grids["Variables"]
    data[2][6], data[3][3], data[3][5], data[5][2] = "12.5", " 1,234 ", "NA", "#N/A"
    var[4][5], var[6][2] = "3.25", "n/a"
    _same(grids)
    inputs = parse_grids(copy.deepcopy(grids)) if impute == "linear" else None
    if inputs is not None:
        assert [r.cell for r in inputs.reports][:4] == ["Data!G3", "Data!D4", "Data!F4", "Data!C6"]
    data[2][4], data[4][2], var[3][6] = "12%", True, "abc"
    _same(grids)
    problems = _read(grids, True)[1]
    cells = [p.split(" ")[0].rstrip(":") for p in problems]
    assert cells[:3] == ["Data!E3", "Data!C5", "Variables!G4"]
