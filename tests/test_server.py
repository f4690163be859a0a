"""A real `dnqp serve` process answers the xlwings Office.js protocol with the engine's numbers.

The server runs in its own process (xlwings binds its decorators at import time from
XLWINGS_ON_SERVER), on 127.0.0.1 and a free port; it is stopped after the tests.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

import dnqp
from dnqp.excel import functions as udfs
from dnqp.excel.functions_audit import _DOC as AUDIT_DOC
from dnqp.workbook import schema
from dnqp.workbook.template import template_grids

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

ORACLE = [["A1", "A2", "D1", "D4"], [120, 3.2, 45, 0.8], [95, 4.1, 38, 1.2], [150, 2.7, 52, 0.6],
          [110, 3.9, 41, 1.0], [80, 3.5, 60, 0.9]]
KEY = "s3cret-key"


def start(api_key=None, license_key="noncommercial", stderr=subprocess.PIPE, args=(), **extra_env):
    """A `dnqp serve` process on 127.0.0.1 and a free port, with only the DNQP_* settings given."""
    from benchmarks.loadtest import start_server

    env = {k: v for k, v in os.environ.items() if k not in ("XLWINGS_ON_SERVER", "XLWINGS_LICENSE_KEY")
           and not k.startswith("DNQP_")}
    if license_key:
        env["XLWINGS_LICENSE_KEY"] = license_key
    if api_key:
        env["DNQP_API_KEY"] = api_key
    env.update(extra_env)
    return start_server(env, stderr, args)


@pytest.fixture(scope="module")
def server():
    proc, base = start()
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def keyed_server():
    proc, base = start(api_key=KEY)
    yield base
    proc.terminate()
    proc.wait(10)


def request(url, body=None, headers=None):
    """(status, parsed JSON or text) of a GET (body None) or a JSON POST."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw, status, ctype = r.read().decode(), r.status, r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raw, status, ctype = e.read().decode(), e.code, e.headers.get("Content-Type", "")
    return status, (json.loads(raw) if "json" in ctype else raw)


def fcall(name, *args):
    """The body Office.js sends for a custom function call: every argument a matrix, omitted ones null."""
    return {"client": "Office.js", "func_name": name, "args": [a if a is None or isinstance(a, list) else [[a]]
                                                               for a in args],
            "caller_address": "[Book1.xlsx]Sheet1!B2", "session_id": "0f1e2d3c", "culture_info_name": "en-US",
            "date_format": "M/d/yyyy", "version": "0.37.8", "runtime": "1.4"}


def test_meta_lists_every_function_with_parameters(server):
    import inspect

    status, meta = request(server + "/xlwings/custom-functions-meta")
    assert status == 200
    functions = {f["name"]: f for f in meta["functions"]}
    assert set(functions) == set(udfs.__all__)
    for name in udfs.__all__:
        params = inspect.signature(getattr(udfs, name)).parameters
        assert [p["name"] for p in functions[name]["parameters"]] == list(params)
        assert functions[name]["description"] == getattr(udfs, name).__doc__
        docs = AUDIT_DOC if name == "DNQP_AUDIT" else udfs.DOC  # DNQP_AUDIT documents its own arguments
        assert all(p["description"] == docs[p["name"]] or name in ("DNQP_DESCRIBE", "DNQP_IMPUTE", "GREY_RELATION",
                                                                   "DNQP_XTREG", "OBSTACLE")
                   for p in functions[name]["parameters"])
        optional = [p["name"] for p in functions[name]["parameters"] if p.get("optional")]
        assert optional == [n for n, p in params.items() if p.default is not inspect.Parameter.empty]
    assert request(server + "/xlwings/custom-functions-meta.json")[1] == meta


def test_call_returns_the_plain_numbers(server):
    t0 = time.perf_counter()
    status, body = request(server + "/xlwings/custom-functions-call",
                           fcall("ENTROPY_WEIGHTS", ORACLE, [["+", "+", "-", "+"]], None, None, None))
    elapsed = time.perf_counter() - t0
    assert status == 200
    assert body == {"result": udfs.ENTROPY_WEIGHTS(ORACLE, [["+", "+", "-", "+"]])}
    assert [r[3] for r in body["result"][1:]] == pytest.approx([0.290380, 0.236443, 0.229248, 0.243930], abs=5e-7)
    print(f"ENTROPY_WEIGHTS over HTTP: {elapsed * 1000:.1f} ms")
    # Blank cells arrive as null; a one-cell argument as [[x]]; a column of directions with its header.
    rows = [r[:] for r in ORACLE]
    rows[2][1] = "#N/A"
    status, body = request(server + "/xlwings/custom-functions-call",
                           fcall("DNQP_IMPUTE", rows, "linear", None))
    assert status == 200 and body["result"] == udfs.DNQP_IMPUTE(rows, "linear")
    status, body = request(server + "/xlwings/custom-functions-call",
                           fcall("ENTROPY_SCORES", ORACLE, [["Direction"], ["+"], ["+"], ["−"], ["+"]],
                                 [["I", "I", "G", "G"]], 0.01, "within", True))
    assert body["result"] == udfs.ENTROPY_SCORES(ORACLE, "++-+", [["I", "I", "G", "G"]], 0.01, "within")
    y = [["y"], [1.0], [2.5], [2.9], [4.2], [5.1], [5.8]]
    X = [["x", "z"], [1, 0.3], [2, 0.1], [3, 0.7], [4, 0.2], [5, 0.9], [6, 0.4]]
    status, body = request(server + "/xlwings/custom-functions-call", fcall("DNQP_STAT", y, X, "se:x", "HC1"))
    assert status == 200 and body["result"] == [[udfs.DNQP_STAT(y, X, "se:x", "HC1")]]
    status, body = request(server + "/xlwings/custom-functions-call", fcall("DNQP_OLS", y, X))
    assert status == 200 and body["result"] == udfs.DNQP_OLS(y, X)
    status, body = request(server + "/xlwings/custom-functions-call", fcall("DNQP_VERSION"))
    assert body == {"result": [[dnqp.__version__]]}


def test_bad_input_is_a_4xx_with_the_one_line_message(server):
    status, text = request(server + "/xlwings/custom-functions-call",
                           fcall("ENTROPY_WEIGHTS", ORACLE, [["+", "+", "-", "?"]]))
    assert status == 400 and text == "indicator D4: direction '?' is neither + (benefit) nor − (cost)"
    rows = [r[:] for r in ORACLE]
    rows[3][0] = None
    status, text = request(server + "/xlwings/custom-functions-call", fcall("ENTROPY_WEIGHTS", rows, "++-+"))
    assert status == 400 and text == "indicator A1, row 3 is missing: impute it first"
    for name in ("NOPE", "__class__", "_entropy", "DOC", "excel", None):
        status, text = request(server + "/xlwings/custom-functions-call", fcall(name))
        assert status == 404 and text == f"unknown function {name!r}"
    status, text = request(server + "/xlwings/custom-scripts-call/analyse", {"sheets": []})
    assert status == 404 and text == "unknown script 'analyse'"
    status, _ = request(server + "/xlwings/custom-functions-call", {"func_name": "DNQP_VIF"})
    assert status == 400


#: The seed paper's Table 4 as printed (src/dnqp/engine/data/seed_table4.csv), two of its rows and the model.
SEED_TABLE4 = [["term", "Coef.", "Std. Err.", "t", "P>|t|"], ["DNQP", "1.6890**", 0.537, 3.15, 0.014],
               ["lnStruc", "0.0312*", 0.0168, 1.86, 0.095], ["Observations", 15], ["k", 6], ["R-squared", 0.9643],
               ["F-test", 56.19]]


def test_audit_over_the_server(server):
    """DNQP_AUDIT through Office.js: the two slips of the seed's Table 4 (issue 13: F = 56.19 where R² = 0.9643,
    n = 15, k = 6 give 36.0; lnStruc p = 0.095 where 0.0312/0.0168 with 8 df gives about 0.10), one line each."""
    status, body = request(server + "/xlwings/custom-functions-call", fcall("DNQP_AUDIT", SEED_TABLE4, None, None))
    assert status == 200 and body["result"] == udfs.DNQP_AUDIT(SEED_TABLE4)
    lines = [r[0] for r in body["result"]]
    assert len(lines) == 2 and lines[0].startswith("lnStruc: P>|t| printed 0.095") and "8 df" in lines[0]
    assert lines[1].startswith("F-test: printed 56.19") and "[35.96, 36.07]" in lines[1]
    status, text = request(server + "/xlwings/custom-functions-call",
                           fcall("DNQP_AUDIT", [["term", "Std. Err."], ["x", 0.5]]))
    assert status == 400 and text.startswith("the table has no Coef. column") and "\n" not in text


def book_payload(grids: dict[str, list[list]], extra_sheets=()) -> dict:
    """The body the Office.js client (getBookData) sends for a workbook with these sheets."""
    sheets = []
    for name, rows in [*grids.items(), *extra_sheets]:
        width = max(len(r) for r in rows)
        values = [[None if v is None else v for v in r] + [None] * (width - len(r)) for r in rows]
        sheets.append({"name": name, "values": values, "visibility": "Visible", "notes": [], "pictures": [],
                       "tables": [], "used_range_address": f"A1:{chr(64 + min(width, 26))}{len(rows)}",
                       "used_range_row_count": len(rows), "used_range_column_count": width})
    return {"client": "Office.js", "version": "0.37.8",
            "book": {"name": "dnqp_template.xlsx", "active_sheet_index": 0, "selection": "A1"},
            "sheets": sheets, "names": []}


def test_run_analysis_writes_result_sheets_only(server):
    grids = template_grids(sample=True)
    status, body = request(server + "/xlwings/custom-scripts-call/run_analysis", book_payload(grids))
    assert status == 200, body
    actions = body["actions"]
    n_inputs = len(grids)
    added = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    from dnqp.workbook.blocks import RESULT_SHEETS

    assert added == [schema.RESULT_PREFIX + s for s in RESULT_SHEETS]
    # Every write goes to a sheet after the input sheets (positions n_inputs…): no input sheet is touched.
    writes = [a for a in actions if a["func"] not in ("addSheet", "runMacro")]
    assert writes and all(a["sheet_position"] >= n_inputs for a in writes)
    assert {a["func"] for a in writes} <= {"setValues"}
    # The number formats go to the result sheets only (by name, in the one runMacro action).
    assert set(applied_formats(actions)) <= set(added)
    # The weights written are the engine's.
    inputs = __import__("dnqp.workbook.grid", fromlist=["parse_grids"]).parse_grids(grids)
    result = inputs.run()
    weights_pos = n_inputs + list(RESULT_SHEETS).index("Weights")
    values = [v for a in writes if a["sheet_position"] == weights_pos and a["func"] == "setValues"
              for row in a["values"] for v in row]
    for w in result.weights["Weight w"]:
        assert any(isinstance(v, float) and v == pytest.approx(w, rel=1e-12) for v in values)
    assert values[0] == "Created by dnqp: Run analysis rewrites this sheet, Clear results deletes it."


def test_run_analysis_formats_stars_and_parentheses(server):
    """The heterogeneity table keeps its stars and (t) as number formats on the numbers, as in `dnqp run`."""
    from dnqp.workbook.grid import parse_grids
    from dnqp.workbook.blocks import RESULT_SHEETS

    grids = template_grids(sample=True)
    status, body = request(server + "/xlwings/custom-scripts-call/run_analysis", book_payload(grids))
    assert status == 200, body
    position = len(grids) + list(RESULT_SHEETS).index("Heterogeneity")
    actions = [a for a in body["actions"] if a["sheet_position"] == position]
    [table] = [a for a in actions if a["func"] == "setValues" and a["row_count"] > 1]
    model = parse_grids(grids).run().heterogeneity[0]  # (1) Infra
    coef, t, p = model.params.iloc[0], model.tvalues.iloc[0], model.pvalues.iloc[0]
    stars = "*" * sum(p < level for level in (0.10, 0.05, 0.01))
    assert stars == "***"  # the sample's Infra coefficient is significant at 1%
    [(i, j)] = [(i, j) for i, row in enumerate(table["values"]) for j, v in enumerate(row)
                if isinstance(v, float) and v == pytest.approx(coef, rel=1e-12)]
    assert table["values"][i + 1][j] == pytest.approx(t, rel=1e-12)  # its t statistic, below it

    formats = applied_formats(body["actions"])[schema.RESULT_PREFIX + "Heterogeneity"]
    row, col = table["start_row"] + i, table["start_column"] + j
    assert formats[(row, col)] == '0.0000"***"'
    assert formats[(row + 1, col)] == '"("0.00")";"(-"0.00")"'
    # number formats come after the values they format, on result sheets only, in one action for all sheets
    order = [a["func"] for a in body["actions"]]
    assert order.count("runMacro") == 1 and order.index("runMacro") == len(order) - 1
    assert set(applied_formats(body["actions"])) == {schema.RESULT_PREFIX + s for s in RESULT_SHEETS}


def applied_formats(actions) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name → {(row, column) 0-based: number format} as the task pane's callback sets them."""
    from dnqp.excel.number_formats import CALLBACK

    out: dict[str, dict] = {}
    for a in actions:
        if a["func"] == "runMacro" and a["args"][0] == CALLBACK:
            for name, blocks in a["args"][1]:
                cells = out.setdefault(name, {})
                for r, c, h, w, f in blocks:
                    cells.update({(r + i, c + j): f for i in range(h) for j in range(w)})
    return out


def test_run_analysis_sends_few_actions_and_every_format(server):
    """Issue 10 L: one action per sheet added, two writes per sheet and ONE batch of number formats
    (was 307 actions, 286 of them one setNumberFormat per cell). Every formatted cell of
    blocks.sheet_cells gets its format, and no other cell gets one."""
    from dnqp.workbook.blocks import result_blocks, sheet_cells
    from dnqp.workbook.grid import parse_grids
    from dnqp.excel.ribbon import FIRST_ROW

    grids = template_grids(sample=True)
    status, body = request(server + "/xlwings/custom-scripts-call/run_analysis", book_payload(grids))
    assert status == 200, body
    print(f"Run analysis on the sample: {len(body['actions'])} actions")
    assert len(body["actions"]) <= 40
    inputs = parse_grids(grids)
    applied = applied_formats(body["actions"])
    for name, blocks in result_blocks(inputs.run(), inputs).items():
        _, formats = sheet_cells(blocks)
        expected = {(FIRST_ROW - 1 + r, c): f for r, c, f in formats}
        assert applied[schema.RESULT_PREFIX + name] == expected, name


@pytest.mark.parametrize("name", ["dnqp_Weights", "DNQP_Weights", "dnqp_weights", "dnqp_log", "DNQP_LOG",
                                  "Dnqp_Checks"])
def test_run_analysis_refuses_a_user_sheet_with_a_result_name(server, name):
    """Excel's sheet names ignore case: a user's DNQP_Weights or dnqp_log is left alone with the documented
    message (was: dnqp internal error (ValueError: Sheet named … already present))."""
    grids = template_grids(sample=True)
    payload = book_payload(grids, [(name, [["my own notes"]])])
    script = "validate_data" if name.lower().endswith("checks") else "run_analysis"
    status, text = request(server + f"/xlwings/custom-scripts-call/{script}", payload)
    assert status == 400
    assert text == (f"the sheet {name} was not created by dnqp, so it is left alone: rename or move it, "
                    "then run again")


def test_validate_and_clear(server):
    grids = template_grids(sample=True)
    grids[schema.DATA.sheet][3][2] = "12%"
    status, body = request(server + "/xlwings/custom-scripts-call/validate_data", book_payload(grids))
    assert status == 200
    [add] = [a for a in body["actions"] if a["func"] == "addSheet"]
    assert add["args"][1] == "dnqp_Checks"
    cells = [v for a in body["actions"] if a["func"] == "setValues" for r in a["values"] for v in r]
    assert "Data!C4" in cells
    from dnqp.excel.ribbon import MARKER

    owned = ("dnqp_Index", [[MARKER], [None], ["old"]])
    mine = ("dnqp_Notes", [["mine"]])
    status, body = request(server + "/xlwings/custom-scripts-call/clear_results",
                           book_payload(grids, [owned, mine]))
    assert status == 200
    deletes = [a for a in body["actions"] if a["func"] == "sheetDelete"]
    assert [a["sheet_position"] for a in deletes] == [len(grids)]
    assert len(body["actions"]) == 1


def test_api_key(keyed_server):
    body = fcall("DNQP_VERSION")
    url = keyed_server + "/xlwings/custom-functions-call"
    assert request(url, body)[0] == 401
    assert request(url, body, {"Authorization": KEY})[0] == 401  # no Bearer scheme
    assert request(url, body, {"Authorization": "Bearer wrong"})[0] == 403
    assert request(url, body, {"Authorization": f"Bearer {KEY}"}) == (200, {"result": [[dnqp.__version__]]})
    scripts = keyed_server + "/xlwings/custom-scripts-call/validate_data"
    assert request(scripts, book_payload(template_grids(sample=True)))[0] == 401
    assert request(scripts, book_payload(template_grids(sample=True)), {"Authorization": "Bearer x"})[0] == 403


def test_manifest_taskpane_and_licence(server):
    status, xml = request(server + "/manifest.xml")
    assert status == 200 and f"{server}/xlwings/custom-functions-meta.json" in xml
    for label in ("Run analysis", "Validate data", "Clear results", 'DefaultValue="DNQP"'):
        assert label in xml
    status, html = request(server + "/taskpane.html")
    assert status == 200 and "dnqp-run-analysis" in html
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    out = subprocess.run([sys.executable, "-m", "dnqp.cli", "serve", "--port", "1"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "XLWINGS_LICENSE_KEY" in out.stderr and "Traceback" not in out.stderr


def test_several_server_processes_answer_the_same():
    """`dnqp serve --processes 2`: uvicorn workers on one socket, each a full app with the same answers."""
    proc, base = start(args=["--processes", "2"])
    try:
        expected = {"result": udfs.ENTROPY_WEIGHTS(ORACLE, [["+", "+", "-", "+"]])}
        for _ in range(8):
            status, body = request(base + "/xlwings/custom-functions-call",
                                   fcall("ENTROPY_WEIGHTS", ORACLE, [["+", "+", "-", "+"]], None, None, None))
            assert status == 200 and body == expected
    finally:
        proc.terminate()
        proc.wait(20)
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    bad = subprocess.run([sys.executable, "-m", "dnqp.cli", "serve", "--processes", "0"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.strip() == "dnqp: --processes must be 1 or more, got 0"


def test_companion_functions_over_http(server):
    """The companion measures (issue 12) answer over HTTP as in Python, with the hand-checked numbers of their
    docstrings (docs/method.md §6)."""
    abc = [["Year", "A", "B", "C"], [2020, 1, 3, 1], [2021, 2, 2, 3], [2022, 3, 1, 2]]
    u = [["Year", "DNQP", "Export"], [2023, 0.4, 0.6], [2024, 0.3, 0.3]]
    y = [["Export"], [10], [11], [12]]
    x = [["A", "B"], [2, 5], [2.4, 5], [3, 5]]
    v, g = [["DNQP"], [1], [3], [5], [7]], [["Group"], ["A"], ["A"], ["B"], ["B"]]
    cases = {
        "CRITIC_WEIGHTS": ((abc, [["+", "+", "+"]]), lambda r: [row[4] for row in r[1:]] == [0.3125, 0.4375, 0.25]),
        "TOPSIS": (([["Year", "A", "B"], [2020, 1, 5], [2021, 3, 2], [2022, 3, 5]], "++", "equal"),
                   lambda r: [row[3] for row in r[1:]] == [0.5, 0.5, 1.0]),
        "COUPLING": ((u,), lambda r: r[1][5] == pytest.approx(0.699927, abs=5e-7) and r[1][8] == "初级协调"),
        "OBSTACLE": (([["Year", "A", "B", "C"], [2022, 1, 4, 0], [2023, 3, 2, 1], [2024, 2, 3, 2]], "+++",
                      [["P", "P", "Q"]], "equal"), lambda r: r[2][7] == pytest.approx(2 / 3)),
        "GREY_RELATION": ((y, x, 0.5, "initial"), lambda r: [row[0] for row in r[1:]] == ["B", "A"]
                          and r[1][1] == pytest.approx(0.676190, abs=5e-7)),
        "DAGUM_GINI": ((v, g), lambda r: r[1][1:5] == [0.3125, 0.0625, 0.25, 0.0]),
        "THEIL": (([["v"], [1], [3], [2], [2]], g), lambda r: r[1][1] == pytest.approx(0.065406, abs=5e-7)),
    }
    assert set(cases) == set(__import__("dnqp.excel.functions_companion", fromlist=["x"]).__all__)
    for name, (args, hand_checked) in cases.items():
        status, body = request(server + "/xlwings/custom-functions-call", fcall(name, *args))
        assert status == 200, (name, body)
        assert body["result"] == getattr(udfs, name)(*args), name
        assert hand_checked(body["result"]), (name, body["result"])
    bad = {"COUPLING": ((u[:2] + [[2024, 0.3, 1.3]],), "series Export, row 2024: score U 1.3 is outside [0, 1]"),
           "GREY_RELATION": ((y, x, 1.5), "ρ must lie in (0, 1], got 1.5"),
           "DAGUM_GINI": ((v, [["Group"], ["A"], ["A"], ["A"], ["B"]]),
                          "group B has only one region: its within-group inequality is undefined"),
           "CRITIC_WEIGHTS": (([["Year", "A", "B"]] + [[2020 + i, i, 1] for i in range(3)], "++"),
                              "indicator B is constant over 2020–2022: its CRITIC correlation is undefined")}
    for name, (args, message) in bad.items():
        status, text = request(server + "/xlwings/custom-functions-call", fcall(name, *args))
        assert (status, text) == (400, message), name


def test_run_analysis_writes_the_companion_sheets(server):
    """With Settings' companions = topsis, coupling the ribbon's Run analysis adds their sheets before the Log,
    with the engine's closeness."""
    from dnqp.workbook.blocks import RESULT_SHEETS
    from dnqp.workbook.grid import parse_grids

    grids = template_grids(sample=True)
    [row] = [r for r in grids["Settings"] if r[0] == "companions"]
    row[1] = "topsis, coupling"
    status, body = request(server + "/xlwings/custom-scripts-call/run_analysis", book_payload(grids))
    assert status == 200, body
    added = [a["args"][1] for a in body["actions"] if a["func"] == "addSheet"]
    assert added == [schema.RESULT_PREFIX + s for s in (*RESULT_SHEETS[:-1], "TOPSIS", "Coupling", "Log")]
    position = len(grids) + added.index(schema.RESULT_PREFIX + "TOPSIS")
    values = [v for a in body["actions"] if a["sheet_position"] == position and a["func"] == "setValues"
              for row in a["values"] for v in row]
    closeness = parse_grids(grids).run().companions.topsis.closeness
    for c in closeness:
        assert any(isinstance(v, float) and v == pytest.approx(c, rel=1e-12) for v in values)
