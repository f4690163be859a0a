"""Cell coercion, directions, imputation and transforms."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from dnqp import DataError, SettingsError, TransformError, impute, transform
from dnqp.engine.prepare import as_numeric, coerce_cell, coerce_frame, parse_direction


@pytest.mark.parametrize("value,expected,action", [
    (3, 3.0, "number"), (2.5, 2.5, "number"), (" 1,234.5 ", 1234.5, "coerced"), ("１２３", 123.0, "coerced"),
    ("−4.5", -4.5, "coerced"), ("1e3", 1000.0, "coerced"), ("12,345,678", 12345678.0, "coerced"),
])
def test_numbers_and_unambiguous_text_numbers(value, expected, action):
    x, act, _ = coerce_cell(value)
    assert (x, act) == (expected, action)


@pytest.mark.parametrize("value", [None, float("nan"), "", "  ", "NA", "n/a", "#N/A", "—", "-", ".."])
def test_missing_markers(value):
    x, act, _ = coerce_cell(value)
    assert math.isnan(x) and act == "missing"


@pytest.mark.parametrize("value,reason", [
    ("12%", "percentage"), (True, "TRUE/FALSE"), (dt.date(2020, 1, 1), "date"), ("abc", "text"),
    ("#DIV/0!", "Excel error"), ("1,23", "text"), (float("inf"), "infinite"),
])
def test_rejected_values(value, reason):
    x, act, why = coerce_cell(value)
    assert math.isnan(x) and act == "rejected" and reason in why


def test_coerce_frame_lists_every_changed_cell():
    df = pd.DataFrame({"a": [1.0, 2.0], "b": ["3", "NA"], "c": ["x", 4]}, index=[2010, 2011])
    r = coerce_frame(df)
    assert r.data["b"].tolist()[0] == 3.0 and math.isnan(r.data["b"].tolist()[1])
    assert [(n.row, n.column, n.action) for n in r.notes] == [
        (2010, "b", "coerced"), (2011, "b", "missing"), (2010, "c", "rejected")]
    with pytest.raises(DataError, match=r"variable c, row 2010: text is not a number \('x'\)"):
        as_numeric(df, what="variable")
    assert df["b"].tolist() == ["3", "NA"]  # input untouched


def test_parse_direction_spellings():
    for v in ["+", "1", 1, 1.0, "benefit", "Positive", "正向", "正"]:
        assert parse_direction(v) == 1
    for v in ["-", "−", -1, "-1", "cost", "NEGATIVE", "负向", "负"]:
        assert parse_direction(v) == -1


def test_mean_imputation_reports_cells():
    df = pd.DataFrame({"A1": [1.0, np.nan, 5.0, 6.0], "B1": [2.0, 2.0, np.nan, 4.0]},
                      index=[2010, 2011, 2012, 2013])
    r = impute(df, "mean")
    assert r.data.loc[2011, "A1"] == 4.0
    assert r.data.loc[2012, "B1"] == pytest.approx(8 / 3)
    assert r.cells.to_dict("records") == [
        {"row": 2011, "column": "A1", "value": 4.0},
        {"row": 2012, "column": "B1", "value": pytest.approx(8 / 3)},
    ]
    assert r.n_imputed == 2 and r.method == "mean"
    assert df.isna().sum().sum() == 2  # input untouched


def test_linear_imputation_interpolates_and_holds_the_ends():
    df = pd.DataFrame({"x": [np.nan, 2.0, np.nan, np.nan, 8.0, np.nan]}, index=range(2010, 2016))
    r = impute(df, "linear")
    assert r.data["x"].tolist() == [2.0, 2.0, 4.0, 6.0, 8.0, 8.0]
    assert list(r.cells["row"]) == [2010, 2012, 2013, 2015]


def test_imputation_errors():
    with pytest.raises(DataError, match="column x has no values at all"):
        impute(pd.DataFrame({"x": [np.nan, np.nan]}), "mean")
    with pytest.raises(DataError, match="column x, row 1 is missing and imputation is off"):
        impute(pd.DataFrame({"x": [1.0, np.nan]}), "none")
    with pytest.raises(SettingsError):
        impute(pd.DataFrame({"x": [1.0]}), "median")


def test_transform_ln_and_errors():
    df = pd.DataFrame({"Port": [1.0, math.e], "Struc": [44.0, 45.0]}, index=[2010, 2011])
    out = transform(df, {"Port": "ln", "Struc": "none"})
    assert out["Port"].tolist() == [0.0, 1.0] and out["Struc"].tolist() == [44.0, 45.0]
    bad = df.assign(Port=[3.0, 0.0])
    with pytest.raises(TransformError, match=r"variable Port, row 2011: value 0 is not positive, so ln is undefined"):
        transform(bad, {"Port": "ln"})
    with pytest.raises(SettingsError):
        transform(df, {"Port": "log10"})
