"""Text the user typed is written back as text, never as a formula: results workbooks and the ribbon's actions.

The labels below would each be a formula if typed into Excel (``=``, ``+``, ``-``, ``@``), or (``…!A1``)
a cell reference if used as a chart title by XlsxWriter.
"""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from dnqp.workbook.template import template_grids

from .xlbook import xw  # noqa: F401 - a fixture
from .test_workbook import _run

EVIL = {  # (sheet, row, column) of the sample's grids (0-based) → what the user typed there
    ("Indicators", 1, 1): '=HYPERLINK("http://x","y")',   # indicator names
    ("Indicators", 2, 1): "+1+1",
    ("Indicators", 3, 1): "-2+3",
    ("Indicators", 4, 1): "@SUM(A1)",
    ("Indicators", 5, 1): "=1+1",
    ("Indicators", 6, 0): "=C1",                          # an indicator code (and its Data column header)
    ("Data", 0, 6): "=C1",
    ("Indicators", 1, 2): "=SUM(1,2)",                    # a dimension name, in both tables
    ("Indicators", 2, 2): "=SUM(1,2)",
    ("Indicators", 1, 8): "=SUM(1,2)",
    ("Indicators", 1, 9): "-Infra",                       # its sub-index label
    ("Model", 1, 3): "=lnUp!A1",                          # variable labels (the dependent's titles a chart)
    ("Model", 2, 3): "+lnPort",
    ("Model", 3, 3): "@Struc",
    ("Settings", 11, 1): "=Idx!B2",                       # the index label (titles the index chart)
    ("Data", 2, 7): "+6,991,586",                         # a text number: its typed text goes to the Log
}
LABELS = sorted(set(EVIL.values()))


def _grids():
    grids = template_grids(sample=True)
    for (sheet, r, c), v in EVIL.items():
        grids[sheet][r][c] = v
    return grids


@pytest.fixture
def evil_xlsx(sample_xlsx):
    wb = openpyxl.load_workbook(sample_xlsx)
    for (sheet, r, c), v in EVIL.items():
        cell = wb[sheet].cell(r + 1, c + 1)
        cell.value = v
        cell.data_type = "s"  # typed as text (Excel would show the formula text, as with a leading ')
    wb.save(sample_xlsx)
    return sample_xlsx


def test_results_workbook_writes_labels_as_text(evil_xlsx, tmp_path, capsys):
    out = tmp_path / "r.xlsx"
    code, _, err = _run(["run", "-q", str(evil_xlsx), "-o", str(out)], capsys)
    assert code == 0, err
    wb = openpyxl.load_workbook(out)
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and any(label in cell.value for label in LABELS):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    found.setdefault(next(lab for lab in LABELS if lab in cell.value), []).append(ws.title)
    assert set(found) == set(LABELS), set(LABELS) - set(found)
    assert {"Weights", "Index", "Baseline", "Heterogeneity", "Log"} <= {s for v in found.values() for s in v}
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode() and "<f " not in z.read(name).decode(), name
        charts = {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")}
    titles = [re.search(r"<c:title>.*?</c:title>", xml, re.S).group(0) for xml in charts.values()]
    index_title = next(t for t in titles if "index and sub-indices" in t)
    coef_title = next(t for t in titles if "Coefficients" in t)
    for title, label in ((index_title, "=Idx!"), (coef_title, "=lnUp!")):
        assert "<c:rich>" in title and "<c:f>" not in title and label in title  # text, not a cell reference


def test_ribbon_actions_send_labels_as_text(xw):
    """xlwings' setValues becomes Office.js ``range.values = …`` (COM ``Range.Value`` on the desktop), which
    parses text like typing does: every string that would not stay text carries Excel's ' prefix."""
    from dnqp.excel import ribbon as scripts

    from .test_server import book_payload

    book = xw.Book(json=book_payload(_grids()))
    scripts.ACTIONS["run_analysis"](book)
    values = [v for a in book.json()["actions"] if a["func"] == "setValues" for row in a["values"] for v in row]
    strings = [v for v in values if isinstance(v, str) and v]
    assert not [s for s in strings if s[0] in "=+-@"]  # nothing Excel would take for a formula
    as_excel_stores = {s[1:] if s.startswith("'") else s for s in strings}
    for label in LABELS:
        assert any(label in s for s in as_excel_stores), label
    assert "'-Infra" in strings and "'+6,991,586" in strings and "'=lnUp!A1" in strings
    assert scripts.MARKER in strings and "Weights" not in {s[1:] for s in strings if s.startswith("'")}


@pytest.mark.parametrize("text, sent", [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("'quoted", "''quoted"), ("1,234.5", "'1,234.5"), ("12%", "'12%"), ("#N/A", "'#N/A"), ("TRUE", "'TRUE"),
    ("(1) Infra", "'(1) Infra"), ("2015-03-01", "'2015-03-01"), (" lead", "' lead"),
    ("Weights", "Weights"), ("lnPort", "lnPort"), ("正向", "正向"), ("", ""), (None, None), (1.5, 1.5), (True, True),
])
def test_literal(text, sent):
    from dnqp.excel.ribbon import literal

    assert literal(text) == sent
