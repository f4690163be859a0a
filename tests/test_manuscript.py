"""The Word and LaTeX manuscripts: three-line tables, fonts, numbered captions, decimals as in the xlsx,
Chinese labels; the .docx converted to PDF by LibreOffice; the glossary; Excel number formats as text."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dnqp.cli import main
from dnqp.engine.glossary import GLOSSARY, check_language, translate, translate_block
from dnqp.errors import DataError, SettingsError
from dnqp.workbook.blocks import result_blocks
from dnqp.workbook.numfmt import decimals_of, format_value

docx = pytest.importorskip("docx")
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402


@pytest.fixture(scope="module")
def written(tmp_path_factory, _sample_master):
    """dnqp run --docx --latex on the sample workbook, in English and (by the renderer) in Chinese."""
    folder = tmp_path_factory.mktemp("manuscript")
    book = Path(shutil.copy(_sample_master, folder / "sample.xlsx"))
    assert main(["run", "-q", str(book), "--docx", "--latex"]) == 0
    from dnqp.workbook.docx import write_docx
    from dnqp.workbook.xlsx import read_workbook

    inputs = read_workbook(book)
    zh = write_docx(inputs.run(), folder / "zh.docx", inputs, language="zh")
    return {"xlsx": folder / "sample_results.xlsx", "docx": folder / "sample_results.docx",
            "tex": folder / "sample_results.tex", "zh": zh}


def _border(cell, side):
    tcpr = cell._tc.tcPr
    borders = tcpr.find(qn("w:tcBorders")) if tcpr is not None else None
    el = borders.find(qn(f"w:{side}")) if borders is not None else None
    return None if el is None else (el.get(qn("w:val")), el.get(qn("w:sz")))


def _header_rows(table):
    """The header rows: those down to the first row with a 0.75 pt bottom rule."""
    for i, row in enumerate(table.rows):
        if _border(row.cells[0], "bottom") == ("single", "6"):
            return i + 1
    raise AssertionError("no rule under the header")


def test_every_table_is_three_line(written):
    doc = docx.Document(written["docx"])
    assert len(doc.tables) == 7
    for table in doc.tables:
        _assert_three_line(table)


def _assert_three_line(table):
    """A 1.5 pt top rule, a 0.75 pt rule under the header, a 1.5 pt bottom rule, no other rule."""
    rows = table.rows
    nh = _header_rows(table)
    for i, row in enumerate(rows):
        for cell in row.cells:
            top, bottom = _border(cell, "top"), _border(cell, "bottom")
            assert top == (("single", "12") if i == 0 else ("nil", None))
            want = ("single", "6") if i == nh - 1 else ("single", "12") if i == len(rows) - 1 else ("nil", None)
            assert bottom == want, (i, want, bottom)
            for side in ("left", "right", "insideV"):  # no vertical rules
                assert _border(cell, side) == ("nil", None)
    tbl = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(el.get(qn("w:val")) == "nil" for el in tbl)


def test_numbered_captions_above_tables_and_notes_below(written):
    doc = docx.Document(written["docx"])
    body = doc.element.body
    captions, notes = [], []
    for tbl in body.iterchildren(qn("w:tbl")):
        prev, nxt = tbl.getprevious(), tbl.getnext()
        captions.append("".join(t.text for t in prev.iter(qn("w:t"))))
        notes.append("".join(t.text for t in nxt.iter(qn("w:t"))))
    assert [re.match(r"Table (\d+)  ", c).group(1) for c in captions] == [str(i) for i in range(1, 8)]
    assert captions[3] == "Table 4  Descriptive statistics"
    assert captions[5] == "Table 6  Baseline regression: lnUpgrade"
    assert notes[5].startswith("Note: Classical (OLS) standard errors; * p<0.10, ** p<0.05, *** p<0.01")
    figures = [p.text for p in doc.paragraphs if p.text.startswith("Figure ")]
    assert figures == ["Figure 1  Index and sub-indices by year", "Figure 2  Weights by dimension",
                       "Figure 3  Coefficients of lnUpgrade with 95% confidence intervals"]
    assert len(doc.inline_shapes) == 3


def test_fonts_times_new_roman_and_simsun(written):
    for key in ("docx", "zh"):
        doc = docx.Document(written[key])
        runs = [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
        runs += [r for p in doc.paragraphs for r in p.runs if r.text]
        assert runs
        for r in runs:
            fonts = r._element.rPr.find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia")) == "SimSun" and fonts.get(qn("w:ascii")) == "Times New Roman"


def _xlsx_rows(path, sheet):
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    return {str(row[0].value): row for row in ws.iter_rows() if row[0].value is not None}


@pytest.mark.parametrize("sheet, table", [("Descriptives", 3), ("VIF", 4), ("Baseline", 5)])
def test_numbers_right_aligned_with_the_xlsx_decimals(written, sheet, table):
    """Each number of the Word table shows the value and decimals of the same cell of the results workbook
    (read back with openpyxl: value and number format)."""
    xrows = _xlsx_rows(written["xlsx"], sheet)
    t = docx.Document(written["docx"]).tables[table]
    checked = 0
    for row in t.rows[1:]:
        label = row.cells[0].text
        if label not in xrows:
            continue
        for cell, xcell in zip(row.cells[1:], xrows[label][1:]):
            if not isinstance(xcell.value, int | float):
                continue
            text = cell.text
            dec = decimals_of(xcell.number_format)
            m = re.fullmatch(r"\(?(-?\d+)(?:\.(\d+))?\)?\**", text)
            assert m, text
            assert len(m.group(2) or "") == dec, (label, text, xcell.number_format)
            assert float(text.strip("()*")) == pytest.approx(round(xcell.value, dec), abs=10 ** -dec)
            assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
            checked += 1
        assert row.cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert checked >= 10


def test_chinese_labels_and_user_labels_untouched(written):
    doc = docx.Document(written["zh"])
    desc = doc.tables[3]
    assert [c.text for c in desc.rows[0].cells] == ["变量", "样本量", "均值", "标准差", "最小值", "最大值"]
    assert [r.cells[0].text for r in desc.rows[1:]][:3] == ["lnUpgrade", "DNQP", "lnPort"]
    base = doc.tables[5]
    assert [c.text for c in base.rows[0].cells][:3] == ["lnUpgrade", "系数", "标准误"]
    labels = [r.cells[0].text for r in base.rows]
    assert "观测值" in labels and "常数项" in labels
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].startswith("表1  指标体系与熵值法权重")
    assert any(t.startswith("注：经典（OLS）标准误") for t in texts)
    assert any(t.startswith("注：") and "括号内为t值" in t for t in texts)
    assert any(t.startswith("图1  ") for t in texts)


def test_docx_onto_an_open_or_locked_file_is_one_line_exit_2(tmp_path, sample_xlsx, capsys, monkeypatch):
    out = tmp_path / "paper.docx"
    (tmp_path / "~$per.docx").write_bytes(b"owner")  # Word's owner file while paper.docx is open
    assert main(["run", "-q", str(sample_xlsx), "-o", str(tmp_path / "r.xlsx"), "--docx", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "open in Word" in err
    (tmp_path / "~$per.docx").unlink()
    import os

    real = os.replace

    def locked(src, dst):
        if str(dst).endswith(".docx"):
            raise PermissionError(13, "Permission denied")
        return real(src, dst)

    out.write_bytes(b"old")
    monkeypatch.setattr(os, "replace", locked)
    assert main(["run", "-q", str(sample_xlsx), "-o", str(tmp_path / "r.xlsx"), "--docx", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be replaced" in err
    assert out.read_bytes() == b"old" and not list(tmp_path.glob("*.dnqp-partial"))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_docx_to_pdf(written, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(written["zh"])], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "zh.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")],
                       check=True, timeout=120)
        assert list(tmp_path.glob("p-*.png"))


def test_latex_booktabs_structure(written):
    tex = written["tex"].read_text(encoding="utf-8")
    tables = tex.split(r"\begin{table}")[1:]
    assert len(tables) == 7
    for t in tables:
        assert t.count(r"\toprule") == t.count(r"\midrule") == t.count(r"\bottomrule") == 1
        spec = re.search(r"\\begin\{tabular\}\{([lr]+)\}", t).group(1)
        body = t.split(r"\toprule")[1].split(r"\bottomrule")[0].replace(r"\midrule", "")
        for line in filter(None, (x.strip() for x in body.splitlines())):
            assert line.endswith(r"\\") and len(re.findall(r"(?<!\\)&", line)) == len(spec) - 1, line
    assert r"\_cons & 14." in tex and "P\\textgreater{}\\textbar{}t\\textbar{}" in tex
    assert r"\item Classical (OLS) standard errors" in tex


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed")
def test_latex_compiles(written, sample_study, tmp_path):
    from dnqp.workbook.latex import latex_tables

    (tmp_path / "t.tex").write_text(latex_tables(sample_study, standalone=True), encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "t.tex"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)


def test_renderers_import_their_libraries_lazily():
    code = ("import sys, dnqp.workbook.docx, dnqp.workbook.latex, dnqp.workbook.figures, dnqp.cli; "
            "print(any(m.split('.')[0] in ('docx', 'matplotlib') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# ------------------------------------------------------------------------------------------- glossary
def test_glossary_has_the_issue_examples():
    pairs = {"Variable": "变量", "Obs": "样本量", "Mean": "均值", "Std. Dev.": "标准差", "Min": "最小值",
             "Max": "最大值", "Coef.": "系数", "Std. Err.": "标准误", "Observations": "观测值",
             "Region FE": "地区固定效应", "Year FE": "年份固定效应", "t statistics in parentheses": "括号内为t值"}
    assert {k: GLOSSARY[k] for k in pairs} == pairs


def test_every_fixed_label_of_the_results_has_a_chinese_form(sample_study):
    """Titles, headers and notes of every manuscript table come out in Chinese: no English word is left but
    the user's labels (variables, dimensions, indicators), the statistics' symbols and the software names."""
    from dnqp.workbook.manuscript import manuscript_blocks

    user = set(sample_study.analysis_data.columns) | set(sample_study.index.columns) \
        | set(sample_study.weights["Dimension"]) | set(sample_study.weights["Indicator"]) \
        | set(sample_study.weights.index) | set(sample_study.dimension_weights["Label"])
    allowed = {"VIF", "1/VIF", "OLS", "Prob", "F", "R²", "e", "d", "w", "Model", "Newey–West", "HAC", "DNQP"}
    for b in manuscript_blocks(sample_study):
        t = translate_block(b, "zh")
        texts = [t.title, *[str(c) for r in t.header for c in r if c], *t.notes,
                 *[str(r[0]) for r in t.body if r and isinstance(r[0], str)]]
        for text in texts:
            if text in user or re.fullmatch(r"\(\d+\) \w+|F\(\d+, \d+\)", text):
                continue
            words = [w for w in re.findall(r"[A-Za-z][A-Za-z.\-–]+", text) if w not in allowed and w not in user]
            words = [w for w in words if not re.fullmatch(r"p|ln\w+|n|k|min|max", w)]
            assert not words, (text, words)


def test_translate_never_touches_user_labels():
    b = result_blocks.__globals__["Block"]("x", "Descriptive statistics", [["Variable", "Mean"]],
                                           [["lnPort", 1.0], ["Mean", 2.0], ["Sub-index", 3.0]], [], ["my own note"])
    t = translate_block(b, "zh")
    assert t.header == [["变量", "均值"]] and [r[0] for r in t.body] == ["lnPort", "均值", "分项指数"]
    assert t.notes == ["my own note"] and b.header == [["Variable", "Mean"]]  # the original is unchanged
    assert translate("DNQP") == "DNQP" and translate(3.5) == 3.5


def test_unknown_language_names_the_cell():
    with pytest.raises(SettingsError, match=r"Settings!C20: language 'fr' is not one of en, zh"):
        check_language("fr", "Settings!C20")
    with pytest.raises(SettingsError):
        from dnqp.workbook.docx import write_docx

        write_docx(None, "x.docx", language="de")
    with pytest.raises(DataError, match="must end in .docx"):
        write_docx(None, "x.doc")


# ------------------------------------------------------------------------------------- number formats
@pytest.mark.parametrize("value, fmt, shown", [  # as Excel 365 displays them (hand-checked)
    (1.689, '0.0000"**"', "1.6890**"), (-15.32064, '0.0000"*"', "-15.3206*"), (2.9, '"("0.00")";"(-"0.00")"', "(2.90)"),
    (-0.3218, '"("0.00")";"(-"0.00")"', "(-0.32)"), (0.0, '"("0.00")";"(-"0.00")"', "(0.00)"), (15, "0", "15"),
    (0.12273, "0.000000", "0.122730"), (0.5, "#.00", ".50"), (1234567.891, "#,##0.00", "1,234,567.89"),
    (0.256, "0.0%", "25.6%"), (15.8857, "0.######", "15.8857"), (0.1, None, "0.1"), (15.0, "General", "15"),
    ("DNQP", "0.00", "DNQP"), (None, "0.00", ""),
])
def test_excel_number_formats_as_text(value, fmt, shown):
    assert format_value(value, fmt) == shown


def test_a_negative_number_that_rounds_to_zero_has_no_minus():
    """A manuscript convention (Excel would show -0.0000)."""
    assert format_value(-0.00004, "0.0000") == "0.0000" and format_value(-0.004, '0.00"*"') == "0.00*"


def test_ribbon_word_action_writes_beside_the_saved_workbook(sample_xlsx, monkeypatch):
    import xlwings as xw

    from dnqp.excel import ribbon
    from dnqp.workbook.xlsx import read_grids

    monkeypatch.setattr(ribbon, "read_grids", lambda book: read_grids(book.fullname))

    class Book:  # what the action uses of an xlwings Book: its saved path (and its sheets, read above)
        fullname = str(sample_xlsx)

    out = ribbon.ACTIONS["export_word"](Book())
    assert out == sample_xlsx.with_name("sample_results.docx")
    assert len(docx.Document(out).tables) == 7

    class Unsaved:
        fullname = "Book1"

    with pytest.raises(xw.XlwingsError, match="save the workbook in a folder first"):
        ribbon.ACTIONS["export_word"](Unsaved())


def test_the_manuscript_baseline_table_passes_the_audit(sample_study):
    """dnqp's own printed baseline (statsmodels-grade numbers, rounded by the xlsx formats) is consistent."""
    from dnqp.engine.audit import audit_table
    from dnqp.workbook.manuscript import manuscript_tables

    base = next(t for t in manuscript_tables(sample_study) if t.key == "baseline")
    rows = [base.header[0][:5] + base.header[0][7:], *[r[:5] + r[7:] for r in base.body]]  # with its Sig. stars
    rows = [[c.replace("F(6, 8)", "F") for c in r] for r in rows if r[0] not in ("Prob > F", "Root MSE")]
    r = audit_table(rows)
    assert r.consistent and r.df_resid == 8 and r.checks >= 20, r.lines()


# ------------------------------------------------------------------------------------- panel studies (issue 11)

#: The panel sample's manuscript tables, in a paper's order (its index by region and year has 12 year columns,
#: so it is printed itself, not the group means; ranks and the long listing stay in the workbook).
PANEL_TABLES = ["Indicator system and entropy weights", "Dimension weights", "DNQP index by region and year",
                "Descriptive statistics", "Multicollinearity test (VIF)", "Baseline panel regression: lnUpgrade",
                "Heterogeneity: lnUpgrade on each sub-index", "Heterogeneity by region group: lnUpgrade",
                "Tests of coefficient equality between region groups"]


@pytest.fixture(scope="module")
def panel_written(tmp_path_factory):
    """dnqp run --docx --latex on the shipped panel sample; and, by the renderer, the same study with every
    companion measure in Chinese."""
    import dataclasses

    from dnqp.workbook.docx import write_docx
    from dnqp.workbook.xlsx import read_workbook

    from .conftest import ROOT

    folder = tmp_path_factory.mktemp("panel_manuscript")
    book = Path(shutil.copy(ROOT / "templates" / "dnqp_panel_sample.xlsx", folder / "panel.xlsx"))
    assert main(["run", "-q", str(book), "--docx", "--latex"]) == 0
    inputs = read_workbook(book)
    settings = dataclasses.replace(inputs.settings, language="zh", permutation_reps=19, companions="all")
    inputs = dataclasses.replace(inputs, settings=settings)
    zh = write_docx(inputs.run(), folder / "zh.docx", inputs)
    return {"docx": folder / "panel_results.docx", "tex": folder / "panel_results.tex", "zh": zh}


def _captions(doc, prefix):
    return [p.text for p in doc.paragraphs if p.text.startswith(prefix)]


def test_panel_docx_has_the_papers_tables_in_three_lines_and_its_figures(panel_written):
    doc = docx.Document(panel_written["docx"])
    assert _captions(doc, "Table ") == [f"Table {i + 1}  {t}" for i, t in enumerate(PANEL_TABLES)]
    assert len(doc.tables) == len(PANEL_TABLES)
    for table in doc.tables:
        _assert_three_line(table)
    base = doc.tables[5]
    labels = [row.cells[0].text for row in base.rows]
    assert {"Region FE", "Year FE", "Within R-squared", "Clusters", "Observations"} <= set(labels)
    assert [c.text for c in doc.tables[2].rows[0].cells][:3] == ["Region", "2012", "2013"]
    assert _captions(doc, "Figure ") == ["Figure 1  Mean DNQP index by region group and year",
                                         "Figure 2  Weights by dimension"]
    assert len(doc.inline_shapes) == 2
    # the region × year index (12 year columns of numbers) is wider than a portrait page: landscape pages of
    # its own, the next table back on portrait
    from docx.enum.section import WD_ORIENT

    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert doc.sections[1].page_width > doc.sections[1].page_height
    assert len(docx.Document(panel_written["zh"]).sections) >= 3


def test_a_time_series_manuscript_stays_on_one_portrait_section(written):
    from docx.enum.section import WD_ORIENT

    assert [s.orientation for s in docx.Document(written["docx"]).sections] == [WD_ORIENT.PORTRAIT]


def test_panel_docx_in_chinese_with_companion_tables_and_kernel_densities(panel_written):
    doc = docx.Document(panel_written["zh"])
    tables = _captions(doc, "表")
    assert tables[:9] == ["表1  指标体系与熵值法权重", "表2  维度权重", "表3  各地区各年份DNQP指数", "表4  描述性统计",
                          "表5  多重共线性检验（VIF）", "表6  面板基准回归：lnUpgrade",
                          "表7  异质性分析：lnUpgrade对各分项指数的回归", "表8  地区分组异质性分析：lnUpgrade",
                          "表9  组间系数差异检验"]
    for zh in ("TOPSIS贴近度", "耦合协调度", "DNQP的Dagum基尼系数分解", "DNQP的泰尔指数", "与lnUpgrade的灰色关联度"):
        assert any(t.endswith(zh) for t in tables), zh
    assert len(doc.tables) == len(tables)
    for table in doc.tables:
        _assert_three_line(table)
    labels = {row.cells[0].text for row in doc.tables[5].rows}
    assert {"地区固定效应", "年份固定效应", "组内R²", "聚类数"} <= labels
    assert _captions(doc, "图") == ["图1  各地区分组各年份DNQP指数均值", "图2  各年份DNQP的地区核密度分布", "图3  各维度权重"]
    assert len(doc.inline_shapes) == 3


def test_panel_latex_has_the_tables(panel_written):
    tex = panel_written["tex"].read_text(encoding="utf-8")
    tables = tex.split(r"\begin{table}")[1:]
    assert len(tables) == len(PANEL_TABLES)
    for t, title in zip(tables, PANEL_TABLES, strict=True):
        assert title.replace("_", r"\_") in t
        assert t.count(r"\toprule") == t.count(r"\midrule") == t.count(r"\bottomrule") == 1
    assert "Region FE" in tables[5] and "Within R-squared" in tables[5]


def test_a_wide_panel_prints_its_group_means_instead():
    """More than MAX_YEAR_COLUMNS years: the region × year table stays in the workbook, the group × year means
    go into the manuscript."""
    from dnqp.workbook.blocks import Block
    from dnqp.workbook.manuscript import MAX_YEAR_COLUMNS, _manuscript_selection

    def table(key, years):
        return Block(key, key, [["Region", *map(str, range(2000, 2000 + years))]], [["A", *[0.1] * years]])

    for years, kept in ((MAX_YEAR_COLUMNS, "panel_index"), (MAX_YEAR_COLUMNS + 1, "group_means")):
        blocks = [table("panel_index", years), table("group_means", years), table("panel_ranks", years)]
        assert [b.key for b in _manuscript_selection(blocks)] == [kept]
