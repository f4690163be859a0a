"""The pure Excel-shape translation layer (no xlwings)."""

import math
import sys

import numpy as np
import pandas as pd
import pytest

from dnqp.excel import convert as excel
from dnqp.errors import DataError, SettingsError


def test_grid_shapes_and_trimming():
    assert excel.grid(5) == [[5]]
    assert excel.grid(None) == []
    assert excel.grid([1, 2]) == [[1, 2]]
    assert excel.grid([[1, None], [None, None], [None, ""]]) == [[1]]
    assert excel.grid([[1], [2, 3]]) == [[1, None], [2, 3]]
    assert excel.grid(np.array([[1.0, 2.0]])) == [[1.0, 2.0]]
    with pytest.raises(DataError, match="mixes rows and single cells"):
        excel.grid([[1], 2])


def test_frame_header_years_and_errors():
    df = excel.frame([["Year", "a", "b"], [2010.0, 1, "NA"], [2011, 2, 3]])
    assert list(df.columns) == ["a", "b"] and list(df.index) == [2010, 2011] and df.index.name == "Year"
    df = excel.frame([[1, 2], [3, 4]], header=False)
    assert list(df.columns) == ["x1", "x2"] and list(df.index) == [1, 2]
    for rows, message in [
        ([["a", "a"], [1, 2]], "the label a appears twice in the header of the data range"),
        ([["a", "b"]], "the data range has a header but no rows of values"),
        ([["Year", "a"], [2010, 1], [None, 2]], "row 2 of the data range has no Year"),
        ([["Year", "a"], [2010, 1], [2010, 2]], "Year 2010 appears twice in the data range"),
        ([], "the data range is empty"),
    ]:
        with pytest.raises(DataError) as info:
            excel.frame(rows)
        assert str(info.value) == message


def test_labels_flag_number_choice():
    assert excel.labels([["+", "-"]], 2) == ["+", "-"]
    assert excel.labels([["Direction", "+", "-"]], 2) == ["+", "-"]
    assert excel.labels([["Direction", "+", "-"]], 3, header=True) == ["Direction", "+", "-"]
    with pytest.raises(DataError, match="must be one row or one column, got 2×2 cells"):
        excel.labels([["+", "-"], ["+", "-"]], 2)
    assert excel.flag(None, True) is True and excel.flag(False, True) is False
    assert excel.flag("FALSE", True) is False and excel.flag(1.0, False) is True
    with pytest.raises(SettingsError, match="header must be TRUE or FALSE, got 'maybe'"):
        excel.flag("maybe", True)
    assert excel.number("", 0.0, "shift") == 0.0 and excel.number("0.01", 0.0, "shift") == 0.01
    with pytest.raises(SettingsError, match="shift must be a number"):
        excel.number("abc", 0.0, "shift")
    assert excel.choice("  HC1 ", "nonrobust") == "HC1" and excel.choice(None, "mean") == "mean"


def test_cells_never_hold_nan_or_inf():
    out = excel.cells([[float("nan"), float("inf"), -np.inf, None, pd.NA, np.float64(1.5), np.int64(2), True]])
    assert out == [["", "", "", "", "", 1.5, 2, True]]
    assert type(out[0][5]) is float and type(out[0][6]) is int
    df = pd.DataFrame({"w": [0.25, math.nan]}, index=pd.Index([2010.0, 2011.0], name="Year"))
    assert excel.table_cells(df) == [["Year", "w"], [2010, 0.25], [2011, ""]]
    assert excel.table_cells(df, index=False, header=False) == [[0.25], [""]]


def test_aligned():
    a = excel.frame([["Year", "a"], [2010, 1], [2011, 2]])
    b = excel.frame([["b"], [3], [4]])
    assert list(excel.aligned([a, b], ["x", "y"])[1].index) == [2010, 2011]
    with pytest.raises(DataError, match="the y range has 1 rows but the x range has 2"):
        excel.aligned([a, b.iloc[:1]], ["x", "y"])


def test_excel_module_does_not_import_xlwings():
    import subprocess

    code = "import sys, dnqp.excel.convert; print('xlwings' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
