"""The ``language`` setting (issue 13, item 2): in ``zh`` every table title, header, row label and note of the
results workbook, the terminal, the ribbon's sheets and the Word/LaTeX files is in Chinese, the user's own
labels (variables, indicators, dimensions, the index label) are never translated, and an unknown language is
refused at its Settings cell.

The reference is the glossary itself (:mod:`dnqp.engine.glossary`, hand-written): a zh run must leave no English
glossary label in place, and its labels must be the glossary's Chinese forms."""

from __future__ import annotations

import dataclasses
import io
import re

import openpyxl
import pytest
from rich.console import Console

import dnqp
from dnqp.cli import main
from dnqp.engine.glossary import GLOSSARY, PATTERNS
from dnqp.engine.sample import DIMENSION_LABELS, load_sample
from dnqp.terminal import print_study
from dnqp.workbook.blocks import result_blocks, user_labels
from dnqp.workbook.manuscript import manuscript_tables

from .xlbook import xw  # noqa: F401 - a fixture

#: English labels the glossary changes (VIF, 1/VIF, Prob > F read the same in both languages).
ENGLISH = {en for en, zh in GLOSSARY.items() if en != zh}
_PATTERN = [re.compile("^" + re.escape(en).replace(r"\{0\}", ".+").replace(r"\{1\}", ".+") + "$") for en, _ in PATTERNS]
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _study(**settings):
    s = load_sample()
    return dnqp.run_study(s["indicators"], s["data"], s["variables"], s["model"], settings or None,
                          dimension_labels=DIMENSION_LABELS)


def _english_left(text, keep) -> bool:
    """Whether ``text`` (a label) is an English glossary label or pattern that a zh run should have translated."""
    if not isinstance(text, str) or text.strip() in keep:
        return False
    t = text.strip()
    return t in ENGLISH or any(p.match(t) for p in _PATTERN)


def _labels(blocks):
    """Every title, header cell, row label (first column) and note of the blocks; the Log's warnings are
    messages, not labels."""
    for b in blocks:
        yield b.title
        yield from (c for row in b.header for c in row)
        if b.key != "log_warnings":
            yield from (row[0] for row in b.body if row)
        yield from b.notes


@pytest.fixture(scope="module")
def zh():
    return _study(language="zh")


def test_zh_blocks_have_chinese_labels_throughout(zh):
    keep = user_labels(zh)
    sheets = result_blocks(zh)
    labels = [x for bs in sheets.values() for x in _labels(bs) if x is not None]
    assert not [x for x in labels if _english_left(x, keep)]
    for b in (b for bs in sheets.values() for b in bs):
        assert _CJK.search(b.title), b.title
        assert all(_CJK.search(n) for n in b.notes), b.notes
    base = sheets["Baseline"][0]
    assert base.title == "表6  基准回归：lnUpgrade"
    assert base.header[0] == ["lnUpgrade", "系数", "标准误", "t值", "P值", "[95%置信", "区间]", "显著性"]
    assert sheets["Descriptives"][0].header[0] == ["变量", "样本量", "均值", "标准差", "最小值", "最大值"]
    assert [r[0] for r in sheets["Baseline"][1].body][0] == "观测值"
    assert sheets["Heterogeneity"][0].notes[0].startswith("第(k)列以列标题所示的分项指数替代DNQP；括号内为t值")
    # the user's labels are untouched: variables, indicator codes and names, dimensions, sub-indices
    en = result_blocks(_study())
    assert [r[0] for r in sheets["Descriptives"][0].body] == [r[0] for r in en["Descriptives"][0].body]
    assert [r[:3] for r in sheets["Weights"][0].body] == [r[:3] for r in en["Weights"][0].body]
    assert sheets["Index"][0].header[0][1:] == en["Index"][0].header[0][1:]
    # the numbers and their formats do not change with the language (the Log lists the setting itself)
    for name in (n for n in sheets if n != "Log"):
        for a, b in zip(sheets[name], en[name]):
            assert [r[1:] for r in a.body] == [r[1:] for r in b.body] and a.formats == b.formats


def _panel(language: str):
    """The shipped panel sample (templates/dnqp_panel_sample.xlsx) with every companion measure, in ``language``."""
    from dnqp.workbook.reader import read_workbook

    from .conftest import ROOT

    inputs = read_workbook(ROOT / "templates" / "dnqp_panel_sample.xlsx")
    settings = dataclasses.replace(inputs.settings, language=language, permutation_reps=19, companions="all")
    inputs = dataclasses.replace(inputs, settings=settings)
    return inputs, inputs.run()


@pytest.fixture(scope="module")
def panel_runs():
    return {lang: _panel(lang) for lang in ("en", "zh")}


def test_zh_panel_and_companion_blocks_have_chinese_labels_throughout(panel_runs):
    inputs, zh = panel_runs["zh"]
    keep = user_labels(zh)
    sheets = result_blocks(zh, inputs)
    assert {"TOPSIS", "Coupling", "Obstacle", "Grey relation", "Dagum Gini", "Theil", "Kernel density",
            "Groups"} <= set(sheets)
    labels = [x for name, bs in sheets.items() if name != "Log" for x in _labels(bs) if x is not None]
    assert not [x for x in labels if _english_left(x, keep)]
    for b in (b for name, bs in sheets.items() if name != "Log" for b in bs):
        assert _CJK.search(b.title), b.title
        assert all(_CJK.search(n) for n in b.notes), b.notes
    base = next(b for b in sheets["Baseline"] if b.key == "panel_baseline")
    assert base.title == "表6  面板基准回归：lnUpgrade"
    rows = [r[0] for r in base.body]
    assert {"地区固定效应", "年份固定效应", "组内R²", "聚类数"} <= set(rows)
    assert sheets["Index"][0].header[0][0] == "地区"
    assert [b.title for b in sheets["Dagum Gini"]][0] == "DNQP的Dagum基尼系数分解"
    assert sheets["Theil"][0].title == "DNQP的泰尔指数"
    assert sheets["Coupling"][0].title == "耦合协调度"
    assert "超变密度" in sheets["Dagum Gini"][0].notes[0]
    # the user's labels stay: regions, groups; the numbers and their formats do not change with the language
    en = result_blocks(panel_runs["en"][1], panel_runs["en"][0])
    assert [r[0] for r in sheets["Index"][0].body] == [r[0] for r in en["Index"][0].body]
    groups = next(b for b in sheets["Index"] if b.key == "group_means")
    assert [r[0] for r in groups.body] == ["East", "Central", "West", "Northeast"]
    for name in (n for n in sheets if n != "Log"):
        for a, b in zip(sheets[name], en[name], strict=True):
            assert [r[1:] for r in a.body] == [r[1:] for r in b.body] and a.formats == b.formats, name


def test_en_is_the_default_and_unchanged():
    en = _study()
    assert en.settings.language == "en"
    tables = lambda sheets: {k: v for k, v in sheets.items() if k != "Log"}  # noqa: E731 (the Log shows the setting)
    assert result_blocks(en) == result_blocks(_study(language="en"))
    assert tables(result_blocks(en)) == tables(result_blocks(_study(language="zh"), language="en"))
    assert result_blocks(en)["Baseline"][0].header[0][1:3] == ["Coef.", "Std. Err."]


def test_a_user_label_that_is_a_glossary_word_is_not_translated():
    r = _study(language="zh", index_label="Index")  # "Index" is a glossary entry (指数)
    sheets = result_blocks(r)
    assert [row[0] for row in sheets["Descriptives"][0].body][1] == "Index"
    assert sheets["Index"][0].header[0][:2] == ["年份", "Index"]
    assert sheets["Index"][0].title == "表3  Index指数及分项指数"
    assert sheets["Heterogeneity"][0].notes[0].startswith("第(k)列以列标题所示的分项指数替代Index；")


def test_terminal_in_chinese(zh):
    out = io.StringIO()
    print_study(zh, Console(file=out, width=250))
    text = out.getvalue()
    for zh_label in ("表1  指标体系与熵值法权重", "标准差", "观测值", "括号内为t值", "常数项"):
        assert zh_label in text
    for en_label in ("Table ", "Std. Dev.", "Observations", "t statistics", "_cons", "Coef."):
        assert en_label not in text


def test_word_and_latex_follow_the_setting(zh):
    tables = manuscript_tables(zh, language="zh")
    keep = user_labels(zh)
    for t in tables:
        assert t.caption.startswith("表")
        cells = [t.title, *(c for row in t.header for c in row), *(row[0] for row in t.body), *t.notes]
        assert not [c for c in cells if _english_left(c, keep)]


def _set(path, name, value):
    wb = openpyxl.load_workbook(path)
    ws = wb["Settings"]
    row = next(r for r in range(1, 40) if ws.cell(r, 1).value == name)
    ws.cell(row, 2).value = value
    wb.save(path)
    return row


def test_results_workbook_in_chinese_through_the_cli(sample_xlsx, tmp_path, capsys):
    _set(sample_xlsx, "language", "中文")
    out = tmp_path / "r.xlsx"
    assert main(["run", str(sample_xlsx), "-o", str(out), "--docx", str(tmp_path / "r.docx")]) == 0
    stdout = capsys.readouterr().out
    assert "表6  基准回归：lnUpgrade" in stdout and "Std. Dev." not in stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Weights", "Index"]  # sheet names stay English: formulas and the add-in name them
    keep = user_labels(_study(language="zh"))
    found = [(ws.title, c.coordinate, c.value) for ws in wb.worksheets if ws.title != "Log"
             for row in ws.iter_rows() for c in row if _english_left(c.value, keep)]
    assert not found
    assert wb["Descriptives"]["A1"].value == "表4  描述性统计"
    import docx

    text = "\n".join(p.text for p in docx.Document(tmp_path / "r.docx").paragraphs)
    assert "表6  基准回归：lnUpgrade" in text and "Table 6" not in text


@pytest.mark.parametrize("typed", ["fr", "Deutsch"])
def test_an_unknown_language_is_refused_at_its_cell(sample_xlsx, tmp_path, capsys, typed):
    row = _set(sample_xlsx, "language", typed)
    assert main(["check", str(sample_xlsx)]) == 2
    err = capsys.readouterr().err
    assert f"Settings!B{row}" in err and repr(typed) in err and "en, zh" in err
    assert len([line for line in err.splitlines() if "language" in line]) == 1


def test_ribbon_sheets_in_chinese(xw):
    from dnqp.workbook.template import template_grids

    from .test_server import book_payload
    from .xlbook import call

    grids = template_grids(sample=True)
    row = next(r for r in grids["Settings"] if r and r[0] == "language")
    row[1] = "zh"
    actions = call(xw, "run_analysis", book_payload(grids))
    grids = [a["values"] for a in actions if a["func"] == "setValues"]
    assert grids[-1][0][0] == "所用设置"  # the Log: setting values and read-as words are values, not labels
    values = [v for g in grids[:-1] for r in g for v in r]
    assert "表6  基准回归：lnUpgrade" in values and "标准误" in values
    assert not [v for v in values if _english_left(v, user_labels(_study(language="zh")))]


def test_the_docs_show_the_glossary():
    """docs/language.md holds the glossary as the code generates it (tools/glossary_page.py rewrites it)."""
    import importlib.util
    from pathlib import Path

    from dnqp.engine.glossary import glossary_markdown

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("glossary_page", root / "tools" / "glossary_page.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    page = (root / "docs" / "language.md").read_text(encoding="utf-8")
    assert tool.page_text(page) == page, "docs/language.md is stale: run tools/glossary_page.py"
    assert glossary_markdown() in page and "| Std. Dev. | 标准差 |" in page
    assert "| Baseline regression: {0} | 基准回归：{0} |" in page


def test_results_workbook_charts_in_chinese(tmp_path):
    """The native charts' titles, axes and series names follow the language; the constant stays out of the
    coefficient chart in zh as in en (its row is 常数项 there)."""
    import zipfile

    from dnqp.workbook.xlsx import write_results

    texts = {}
    for lang in ("en", "zh"):
        out = write_results(_study(language=lang), tmp_path / f"{lang}.xlsx")
        with zipfile.ZipFile(out) as z:
            texts[lang] = "".join(z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/charts/"))
    for zh_text in ("各维度指标权重", "熵值法权重", "DNQP指数及分项指数，2010–2024", "系数及其95%置信区间（lnUpgrade）",
                    "95%置信下限", "得分", "年份"):
        assert zh_text in texts["zh"]
    for en_text in ("Indicator weights by dimension", "Entropy weight", "Lower 95% bound", "Score"):
        assert en_text in texts["en"] and en_text not in texts["zh"]
    ranges = lambda t: re.findall(r"<c:f>('Baseline'![^<]+)</c:f>", t)  # noqa: E731
    assert ranges(texts["zh"]) == ranges(texts["en"]) and ranges(texts["en"])  # same rows: _cons left out


def test_panel_and_companion_charts_in_chinese(panel_runs, tmp_path):
    """The group-means chart and the companion charts (TOPSIS, coupling D, kernel densities) follow the language."""
    import zipfile

    from dnqp.workbook.xlsx import write_results

    texts = {}
    for lang, (inputs, result) in panel_runs.items():
        out = write_results(result, tmp_path / f"{lang}.xlsx", inputs)
        with zipfile.ZipFile(out) as z:
            texts[lang] = "".join(z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/charts/"))
    for zh_text in ("各地区分组指数均值，2012–2023", "指数均值", "耦合协调度D及其等级", "各年份地区核密度分布", "贴近度 C",
                    "密度"):
        assert zh_text in texts["zh"]
    for en_text in ("Mean index by region group", "Coupling coordination degree D and its grades",
                    "Kernel density across regions, by year", "Closeness C"):
        assert en_text in texts["en"] and en_text not in texts["zh"]
