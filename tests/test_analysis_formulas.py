"""The template's Analysis sheets, evaluated by an independent Excel formula engine (`formulas`).

The shipped sample template is evaluated by the `formulas` package with dnqp's worksheet functions
registered as its functions (under the desktop names and under the names Excel stores Office.js
custom functions by, ``_xldudf_DNQP_…``). Every cell of every Analysis block must equal what
``dnqp run`` writes for the same workbook (its results workbook), or, for the helper arrays that
``dnqp run`` does not write (transformed variables, y and X), what ``dnqp.run_study`` computes; once
with the sample's settings and once with cov, shift, convention and index_label changed in Settings.

`formulas` 1.3 parses dynamic arrays, spill references (``ANCHORARRAY``), XLOOKUP, FILTER, HSTACK…
but not structured references (``Data[#All]``): the test rewrites those to the A1 ranges of the
file's own Excel Table definitions before evaluation (:func:`resolve_structured_refs`), and fails on
any structured reference it does not know.
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from dnqp.excel import functions as udfs
from dnqp.workbook.formulas import ANALYSIS_SHEETS, FUNCTIONS, analysis_formulas, function_name
from dnqp.cli import main
from dnqp.workbook.blocks import PAREN_FORMAT
from dnqp.engine.regression import CONS
from dnqp.workbook.xlsx import read_grids, read_workbook

from .conftest import ROOT

formulas = pytest.importorskip("formulas")

SAMPLE = ROOT / "templates" / "dnqp_sample.xlsx"
RTOL = 1e-9
_STRUCTURED = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\[(#All|#Headers|[^\[\]#]+)\]")


# ------------------------------------------------------------------------------------------- the engine
def resolve_structured_refs(src: Path, dst: Path) -> int:
    """Copy ``src`` to ``dst`` with every structured reference in a formula replaced by its A1 range.

    Known forms: ``T[#All]`` (the whole table), ``T[#Headers]`` (its header row), ``T[Col]`` (a column's
    data rows). Returns how many references were replaced.
    """
    wb = openpyxl.load_workbook(src)
    tables = {}
    for ws in wb.worksheets:
        for table in ws.tables.values():
            name = table.name
            (c1, r1), (c2, r2) = (openpyxl.utils.cell.coordinate_from_string(x) for x in table.ref.split(":"))
            cols = [c.name for c in table.tableColumns]
            tables[name] = (ws.title, c1, r1, c2, r2, cols)
    count = 0

    def sub(m: re.Match) -> str:
        nonlocal count
        name, spec = m.group(1), m.group(2)
        if name not in tables:
            raise AssertionError(f"unknown table {name} in {m.group(0)}")
        sheet, c1, r1, c2, r2, cols = tables[name]
        count += 1
        if spec == "#All":
            return f"'{sheet}'!${c1}${r1}:${c2}${r2}"
        if spec == "#Headers":
            return f"'{sheet}'!${c1}${r1}:${c2}${r1}"
        if spec not in cols:
            raise AssertionError(f"table {name} has no column {spec}")
        col = openpyxl.utils.get_column_letter(openpyxl.utils.column_index_from_string(c1) + cols.index(spec))
        return f"'{sheet}'!${col}${r1 + 1}:${col}${r2}"

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8")
                text = re.sub(r"(<f\b[^>]*>)([^<]*)(</f>)",
                              lambda m: m.group(1) + _STRUCTURED.sub(sub, m.group(2)) + m.group(3), text)
                data = text.encode("utf-8")
            zout.writestr(item, data)
    return count


def _to_python(v):
    """A value of the `formulas` engine as xlwings hands it to a function."""
    import schedula as sh

    if v is sh.EMPTY or v is None:
        return None
    if isinstance(v, formulas.tokens.operand.XlError):
        return str(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def _argument(v):
    """An argument: a range as a 2-D list (a 1×1 range as its value, as xlwings does)."""
    if isinstance(v, formulas.Ranges):
        v = v.value
    if isinstance(v, np.ndarray):
        rows = [[_to_python(x) for x in row] for row in np.atleast_2d(v).tolist()]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    return _to_python(v)


CALLS: list[str] = []


def _register(names=FUNCTIONS) -> None:
    """Register the catalogue in `formulas` under its desktop and Office.js file names."""
    table = formulas.get_functions()
    for name in names:
        func = getattr(udfs, name)

        def call(*args, _func=func, _name=name):
            CALLS.append(_name)
            result = _func(*[_argument(a) for a in args])  # an engine error fails the test, with its message
            return np.asarray(result, dtype=object).view(formulas.functions.Array)

        for web in (False, True):
            table[function_name(name, web).upper()] = call


#: Settings changed in the "settings" case: each reaches the formulas through XLOOKUP on the Settings table.
CHANGED_SETTINGS = {"cov": "HC1", "shift": 0.01, "convention": "within", "index_label": "DNQPX"}


@pytest.fixture(scope="module", params=["defaults", "settings"])
def case(request, tmp_path_factory) -> tuple[Path, Path]:
    """The workbook for `formulas` (structured references resolved) and the same inputs for `dnqp run`:
    the shipped sample as it is, or with :data:`CHANGED_SETTINGS` typed into its Settings table."""
    tmp = tmp_path_factory.mktemp(request.param)
    path = tmp / "sample.xlsx"
    assert resolve_structured_refs(SAMPLE, path) > 20
    if request.param == "defaults":
        return path, SAMPLE
    wb = openpyxl.load_workbook(path)
    rows = [row for row in wb["Settings"].iter_rows(min_row=2) if row[0].value in CHANGED_SETTINGS]
    assert len(rows) == len(CHANGED_SETTINGS)
    for row in rows:
        row[1].value = CHANGED_SETTINGS[row[0].value]
    changed = tmp / "changed.xlsx"
    wb.save(changed)
    return changed, changed


@pytest.fixture(scope="module")
def evaluated(case):
    """The workbook evaluated by `formulas`: sheet → {anchor: 2-D list of the spilled values}, and the
    catalogue functions that were called."""
    path = case[0]
    _register()
    CALLS.clear()
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    out = {}
    wb = openpyxl.load_workbook(SAMPLE)
    for sheet in ANALYSIS_SHEETS:
        ws = wb[sheet]
        out[sheet] = {}
        for anchor, formula in ws.array_formulae.items():
            key = f"'[{path.name}]{sheet.upper()}'!{formula}"
            assert key in solution, f"{sheet}!{anchor} was not evaluated"
            values = [[_to_python(v) for v in row] for row in np.asarray(solution[key].value).tolist()]
            out[sheet][anchor] = values
    out["calls"] = set(CALLS)
    return out


@pytest.fixture(scope="module")
def reference(case, tmp_path_factory):
    """What `dnqp run` writes for the same inputs: its results workbook, and the engine's result."""
    out = tmp_path_factory.mktemp("run") / "results.xlsx"
    assert main(["run", "-q", str(case[1]), "-o", str(out)]) == 0
    inputs = read_workbook(case[1])
    return openpyxl.load_workbook(out), inputs.run(), inputs


# ------------------------------------------------------------------------------------------ comparison
class Compare:
    """Cell-by-cell comparison that records the largest relative difference."""

    worst = 0.0

    @classmethod
    def cell(cls, got, want, where: str) -> None:
        if isinstance(want, str) or want is None:
            assert got == (want if want is not None else ""), f"{where}: {got!r} != {want!r}"
            return
        assert isinstance(got, int | float) and not isinstance(got, bool), f"{where}: {got!r} is not a number"
        diff = abs(got - want) / max(abs(want), 1e-300) if want != 0 else abs(got)
        cls.worst = max(cls.worst, diff)
        assert diff <= RTOL, f"{where}: {got!r} != {want!r} (relative difference {diff:.2e})"

    @classmethod
    def rows(cls, got: list[list], want: list[list], where: str) -> None:
        assert len(got) == len(want) and all(len(g) == len(w) for g, w in zip(got, want)), \
            f"{where}: shape {len(got)}×{len(got[0])} != {len(want)}×{len(want[0])}"
        for i, (g_row, w_row) in enumerate(zip(got, want)):
            for j, (g, w) in enumerate(zip(g_row, w_row)):
                cls.cell(g, w, f"{where}[{i}][{j}]")


def _sheet_rows(wb, name: str) -> list[tuple]:
    return list(wb[name].iter_rows(values_only=True))


def _table(wb, sheet: str, header0: str, width: int) -> list[list]:
    """The body rows of the results table whose header row starts with ``header0`` (up to a row that is
    blank but for its first cell: a note, or the blank row after the table)."""
    rows = _sheet_rows(wb, sheet)
    start = next(i for i, r in enumerate(rows) if r[0] == header0)
    body = []
    for r in rows[start + 1:]:
        if all(v is None for v in r[1:width]):
            break
        body.append(list(r[:width]))
    return body


def _shown(value, number_format: str) -> str:
    """The text Excel shows for ``value`` under the results workbook's number format."""
    if number_format == PAREN_FORMAT:
        return f"({value:.2f})"
    m = re.fullmatch(r'0(?:\.(0+))?(?:"(\**)")?', number_format)
    assert m, f"unexpected number format {number_format!r}"
    decimals = len(m.group(1) or "")
    return f"{value:.{decimals}f}" + (m.group(2) or "")


def _blocks(evaluated, sheet="Analysis") -> dict[str, list[list]]:
    grids = read_grids(SAMPLE)
    by_anchor = evaluated[sheet]
    return {f.key: by_anchor[f.anchor] for f in analysis_formulas(grids, ANALYSIS_SHEETS[sheet])}


# ----------------------------------------------------------------------------------------------- tests
@pytest.fixture(scope="module", autouse=True)
def _report():
    """After the module: the largest relative difference over every numeric Analysis cell (pytest -s)."""
    yield
    print(f"\nmax relative difference, formulas engine vs dnqp run: {Compare.worst:.3e}")


def test_every_function_is_called_and_both_variants_agree(evaluated):
    assert evaluated["calls"] == set(FUNCTIONS)
    desktop, web = _blocks(evaluated, "Analysis"), _blocks(evaluated, "Analysis (web)")
    assert desktop == web
    for key, rows in desktop.items():
        flat = [v for r in rows for v in r]
        assert not any(isinstance(v, str) and v.startswith("#") for v in flat), f"{key}: {rows}"


def test_weights_index_and_helpers_equal_dnqp_run(evaluated, reference):
    wb, result, inputs = reference
    b = _blocks(evaluated)
    weights = _table(wb, "Weights", "Dimension", 7)
    assert b["weights"][0] == ["Indicator", "Entropy e", "Divergence d", "Weight w"]
    Compare.rows(b["weights"][1:], [[r[1], *r[4:7]] for r in weights], "weights")

    index = _table(wb, "Index", "Year", 1 + result.index.shape[1])
    head = [v for v in _sheet_rows(wb, "Index")[1]][:1 + result.index.shape[1]]
    assert b["index"][0] == ["Year", "Index", *head[2:]]
    Compare.rows(b["index"][1:], index, "index")

    # codes, directions and sub-index labels: the Weights sheet's rows and its dimension-weights table
    labels = {r[0]: r[1] for r in _table_after(wb, "Weights", "Sub-index")}
    dims = [None] * len(weights)
    current = None
    for i, r in enumerate(weights):
        current = r[0] if r[0] is not None else current
        dims[i] = labels[current]
    assert b["codes"] == [[r[1] for r in weights]]
    assert [d.replace("\u2212", "-") for d in b["directions"][0]] == [r[3].replace("\u2212", "-") for r in weights]
    assert b["labels"] == [dims]

    # imputed Data and Variables: the typed values, and the Log's imputed values where a value was missing
    imputed = {(r[1], r[2], r[3]): r[4] for r in _table(wb, "Log", "Cell", 5)}
    data = inputs.data
    assert b["data"][0] == ["Year", *data.columns]
    want = [[int(y), *[imputed[("Data", y, c)] if math.isnan(v) else v for c, v in row.items()]]
            for y, row in data.iterrows()]
    Compare.rows(b["data"][1:], want, "data")
    model = result.analysis_data
    names = list(inputs.model["Variable"])
    want = [[imputed[("Variables", y, c)] if math.isnan(v) else v for c, v in row[names].items()]
            for y, row in inputs.variables.iterrows()]
    assert b["variables"][0] == names
    Compare.rows(b["variables"][1:], want, "variables")

    # transformed variables, y and X: the engine's analysis data
    labels_ = list(inputs.model["Label"])
    assert b["transformed"][0] == labels_
    Compare.rows(b["transformed"][1:], model[labels_].to_numpy().tolist(), "transformed")
    dep, regressors = result.dependent, [t for t in result.baseline.params.index if t != CONS]
    assert b["y"][0] == [dep] and b["X"][0] == regressors
    Compare.rows(b["y"][1:], model[[dep]].to_numpy().tolist(), "y")
    Compare.rows(b["X"][1:], model[regressors].to_numpy().tolist(), "X")


def _table_after(wb, sheet: str, header1: str) -> list[list]:
    """Rows of the table whose header's second cell is ``header1``."""
    rows = _sheet_rows(wb, sheet)
    start = next(i for i, r in enumerate(rows) if len(r) > 1 and r[1] == header1)
    body = []
    for r in rows[start + 1:]:
        if r[0] is None:
            break
        body.append(list(r))
    return body


def test_tables_equal_dnqp_run(evaluated, reference):
    wb, result, _ = reference
    b = _blocks(evaluated)
    dep = result.dependent

    desc = _table(wb, "Descriptives", "Variable", 6)
    assert b["descriptives"][0] == ["Variable", "Obs", "Mean", "Std. Dev.", "Min", "Max"]
    Compare.rows(b["descriptives"][1:], desc, "descriptives")

    vif = _table(wb, "VIF", "Variable", 3)
    assert b["vif"][0] == ["Variable", "VIF", "1/VIF"]
    Compare.rows(b["vif"][1:], [[v if v is not None else "" for v in r] for r in vif], "vif")

    k = len(result.baseline.params)
    coef = _table(wb, "Baseline", dep, 8)
    assert b["baseline"][0][:7] == list(_sheet_rows(wb, "Baseline")[1][:7]) and b["baseline"][0][7] == "Sig."
    Compare.rows(b["baseline"][1:1 + k], [[*r[:7], r[7] or ""] for r in coef], "baseline")
    stats = {r[0]: r[1] for r in _table(wb, "Baseline", "Statistic", 2)}
    f_label = next(s for s in stats if s.startswith("F("))
    names = {"Observations": "Observations", "R-squared": "R-squared", "Adj R-squared": "Adj R-squared",
             "F": f_label, "Prob > F": "Prob > F", "Root MSE": "Root MSE"}
    got = b["baseline"][1 + k:]
    assert [r[0] for r in got] == list(names)
    Compare.rows([[r[1]] for r in got], [[stats[names[r[0]]]] for r in got], "baseline statistics")
    assert all(v == "" for r in got for v in r[2:])

    # heterogeneity: DNQP_TABLE gives text as esttab does; it must read as dnqp run's cells under their formats
    ws = wb["Heterogeneity"]
    rows = list(ws.iter_rows())
    start = next(i for i, r in enumerate(rows) if r[0].value == dep)
    table = b["heterogeneity"]
    assert table[0] == [dep, *[c.value for c in rows[start - 1][1:len(table[0])]]]
    body = table[1:-1]
    for i, got_row in enumerate(body):
        cells = rows[start + 1 + i][:len(got_row)]
        assert got_row[0] == (cells[0].value or ""), f"heterogeneity row {i}"
        for j, cell in enumerate(cells[1:], start=1):
            assert got_row[j] == _shown(cell.value, cell.number_format), f"heterogeneity[{i}][{j}]"
    assert rows[start + 1 + len(body)][0].value is None or rows[start + 1 + len(body)][0].value.startswith("Column")
    assert table[-1][0].startswith("t statistics in parentheses")


def test_both_templates_have_the_same_analysis_formulas():
    blank = openpyxl.load_workbook(ROOT / "templates" / "dnqp_template.xlsx")
    sample = openpyxl.load_workbook(SAMPLE)
    for sheet in ANALYSIS_SHEETS:
        formulas_ = [(c.coordinate, c.value.text) for row in blank[sheet].iter_rows() for c in row
                     if c.data_type == "f"]
        assert formulas_ and formulas_ == [(c.coordinate, c.value.text) for row in sample[sheet].iter_rows()
                                           for c in row if c.data_type == "f"], sheet
        assert blank[sheet].array_formulae == sample[sheet].array_formulae


def test_the_docs_show_the_shipped_formulas():
    readme = (ROOT / "docs" / "template.md").read_text(encoding="utf-8").replace(" ", "")
    formulas_ = {f.key: f.shown for f in analysis_formulas(read_grids(SAMPLE))}
    for key in ("weights", "descriptives", "vif"):
        assert formulas_[key] in readme, key


def test_structured_refs_in_the_file():
    """The shipped formulas read the input Tables through structured references, which grow with them."""
    with zipfile.ZipFile(SAMPLE) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    text = "".join(sheets)
    for ref in ("Data[#All]", "Variables[#All]", "Variables[#Headers]", "Model[Label]", "Settings[Value]",
                "Indicators[Direction]", "Dimensions[Label]"):
        assert ref in text
    assert "_xldudf_DNQP_ENTROPY_WEIGHTS(" in text and 'cm="1"' in text
    assert re.search(r"(?<![\w.])[A-Z]+\d+#", text) is None  # spill refs are stored as _xlfn.ANCHORARRAY


@pytest.mark.parametrize("sample", [SAMPLE, ROOT / "templates" / "dnqp_panel_sample.xlsx"], ids=["series", "panel"])
def test_excel_365_functions_carry_the_xlfn_prefix(sample):
    """Excel reads a dynamic-array-era function from the file only as _xlfn.NAME; bare, it is #NAME?."""
    with zipfile.ZipFile(sample) as z:
        text = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    formulas_ = re.findall(r"<f[^>]*>([^<]*)</f>", text)
    assert len(formulas_) >= 15 and "_xlfn.ANCHORARRAY" in text
    modern = ("XLOOKUP", "XMATCH", "FILTER", "HSTACK", "VSTACK", "CHOOSECOLS", "TAKE", "DROP", "ANCHORARRAY",
              "SEQUENCE", "UNIQUE", "SORT", "LET")
    for f in formulas_:
        for name in modern:
            for m in re.finditer(rf"(?<![\w.]){name}\(", f):
                raise AssertionError(f"{name} without _xlfn. in {f[max(0, m.start() - 40):m.end() + 20]}")
