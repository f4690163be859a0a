"""The settings registry is the one declaration of every setting: the template, the Settings class, the
cell reader and the worksheet functions' docs all agree with it."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from dnqp import Settings, SettingsError
from dnqp.engine.settings import GROUPS, KINDS, REGISTRY, Setting, from_cells, settings_for
from dnqp.excel.functions import DOC

from .conftest import ROOT


@pytest.mark.parametrize("name, applies", [("dnqp_template.xlsx", "all"), ("dnqp_sample.xlsx", "all"),
                                           ("dnqp_panel_template.xlsx", "panel"), ("dnqp_panel_sample.xlsx", "panel")])
def test_template_settings_rows_equal_the_registry(name, applies):
    wb = openpyxl.load_workbook(ROOT / "templates" / name)
    ws = wb["Settings"]
    rows = [[c.value for c in r[:4]] for r in ws.iter_rows(min_row=2) if r[0].value is not None]
    wanted = settings_for(applies)
    assert [r[0] for r in rows] == [s.name for s in wanted]
    if applies == "all":  # the panel-only settings appear in the panel template only
        assert not any(s.applies == "panel" for s in wanted)
    else:
        assert {"panel_entropy", "effects", "cluster", "panel_convention", "group_test", "permutation_reps",
                "permutation_seed", "interact", "group_variable"} <= {r[0] for r in rows}
    for (cell_name, value, typed, description), s in zip(rows, wanted):
        assert value == s.default, cell_name
        assert description == s.en, cell_name
        if s.choices:
            assert typed == " | ".join(s.choices)
        assert s.read(value) == s.read(None)  # the template's value reads as the default
    # every list-validated cell offers exactly the registry's choices (hidden columns L…)
    lists = {ws.cell(1, c).value: [ws.cell(r, c).value for r in range(2, ws.max_row + 1) if ws.cell(r, c).value]
             for c in range(12, ws.max_column + 1) if ws.cell(1, c).value}
    assert lists == {s.name: list(s.choices) for s in wanted if s.choices}
    validated = {r.coord: v for v in ws.data_validations.dataValidation for r in v.sqref.ranges}
    for i, s in enumerate(wanted, start=2):
        v = validated.get(f"B{i}")
        kind = None if v is None else v.type
        assert kind == {"choice": "list", "levels": "list", "number": "decimal", "lags": "whole",
                        "text": None, "count": "whole"}[s.kind], s.name


def test_settings_class_comes_from_the_registry():
    names = [f.name for f in dataclasses.fields(Settings)]
    assert names == list(dict.fromkeys(s.attribute for s in REGISTRY.values()))
    default = Settings()
    assert default.standardize == "minmax" and default.shift == 0.0 and default.interval == (0.0, 1.0)
    assert default.stars == (0.10, 0.05, 0.01) and default.maxlags is None and default.index_label == "DNQP"
    for s in REGISTRY.values():
        assert s.group in GROUPS and s.kind in KINDS and s.en and s.zh, s.name
        value = getattr(default, s.attribute)
        assert (value[s.part] if s.part is not None else value) == s.read(None)


@pytest.mark.parametrize("name, bad", [("standardize", "zscore"), ("impute", "spline"), ("cov", "white"),
                                       ("convention", "local"), ("constant", "keep")])
def test_bad_choice_messages_name_the_setting(name, bad):
    with pytest.raises(SettingsError, match=rf"^setting {name} = '{bad}' is not one of "
                       + ", ".join(REGISTRY[name].choices)):
        Settings(**{name: bad})
    with pytest.raises(SettingsError, match=rf"^setting {name} = '{bad}' is not one of"):
        from_cells({name: bad})


@pytest.mark.parametrize("pairs, field, expected", [
    ({"cov": "hc1"}, "cov", "HC1"), ({"cov": "robust"}, "cov", "HC1"), ({"impute": " Linear "}, "impute", "linear"),
    ({"shift": "0.01"}, "shift", 0.01), ({"shift": None}, "shift", 0.0), ({"maxlags": 2.0}, "maxlags", 2),
    ({"maxlags": None}, "maxlags", None), ({"interval_a": 1, "interval_b": "2"}, "interval", (1.0, 2.0)),
    ({"stars": "0.05; 0.01 0.001"}, "stars", (0.05, 0.01, 0.001)), ({"index_label": " DQP "}, "index_label", "DQP"),
])
def test_cells_are_read_by_their_kind(pairs, field, expected):
    assert getattr(from_cells(pairs), field) == expected


@pytest.mark.parametrize("pairs, message", [
    ({"shift": "abc"}, "setting shift = 'abc' is not a number"),
    ({"maxlags": 1.5}, "setting maxlags = 1.5 is not a whole number of lags (or blank)"),
    ({"maxlags": -1}, "setting maxlags = -1 is not a whole number of lags (or blank)"),
    ({"stars": "a, b"}, "star thresholds 'a, b' are not numbers such as 0.10, 0.05, 0.01"),
    ({"stars": "0.01, 0.05"}, "star thresholds must be between 0 and 1, largest first"),
])
def test_cell_errors_name_the_setting(pairs, message):
    with pytest.raises(SettingsError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        from_cells(pairs)


def test_function_docs_of_setting_arguments_come_from_the_registry():
    for s in REGISTRY.values():
        if s.doc:
            assert DOC[s.name] == s.doc
    assert DOC["method"] == REGISTRY["impute"].doc


def test_a_bad_declaration_is_refused():
    with pytest.raises(ValueError, match="kind"):
        Setting("x", "colour", None, "en", "zh")
    with pytest.raises(ValueError, match="group"):
        Setting("x", "text", "a", "en", "zh", group="misc")
