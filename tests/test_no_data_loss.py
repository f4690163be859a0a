"""No data loss under failure: a killed `dnqp run` leaves the previous results intact; the ribbon scripts
rewrite only their own sheets and give the same sheets every time."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from dnqp.workbook.blocks import RESULT_SHEETS
from dnqp.workbook.template import template_grids
from dnqp.workbook.xlsx import PARTIAL_SUFFIX, atomic_path

from .test_workbook import _edit, _run
from .xlbook import call, xw  # noqa: F401 - xw is a fixture

PARTIAL = re.compile(r"^\.r\.xlsx\.\d+\.[^.]+" + re.escape(PARTIAL_SUFFIX) + "$")


def _start(workbook: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dnqp.cli", "run", "-q", str(workbook), "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _valid_results(path: Path) -> bool:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return wb.sheetnames == list(RESULT_SHEETS)
    finally:
        wb.close()


def test_killing_run_at_any_moment_keeps_the_previous_results(sample_xlsx, tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    results = folder / "r.xlsx"
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(results)], capsys)[0] == 0
    old = results.read_bytes()
    _edit(sample_xlsx, Settings__B3=0.01)  # shift 0.01: every table changes
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(fresh / "r.xlsx")], capsys)[0] == 0
    new = (fresh / "r.xlsx").read_bytes()  # the writer is deterministic: these are the new results' bytes
    assert new != old

    proc = _start(sample_xlsx, results)  # how long a whole run takes in a child process
    t0 = time.monotonic()
    assert proc.wait(60) == 0
    duration = time.monotonic() - t0
    results.write_bytes(old)

    outcomes = []
    # Kills at spread-out moments, then kills the instant the partial file appears (mid-write).
    plans = [("after", duration * f) for f in (0.1, 0.7, 0.9, 1.0)] + [("writing", d) for d in (0, .005, .02)]
    for how, delay in plans:
        proc = _start(sample_xlsx, results)
        if how == "after":
            time.sleep(delay)
        else:
            deadline = time.monotonic() + 60
            while not any(p.name.endswith(PARTIAL_SUFFIX) for p in folder.iterdir()):
                assert proc.poll() is None and time.monotonic() < deadline, "the run ended before writing"
                time.sleep(0.0005)
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        data = results.read_bytes()
        assert data in (old, new), f"{how} {delay:.3f}s: the results file is neither the old nor the new one"
        assert _valid_results(results)
        outcomes.append("new" if data == new else "old")
        others = sorted(p.name for p in folder.iterdir() if p.name != "r.xlsx")
        assert all(PARTIAL.match(n) for n in others), others  # only recognisable partial files, never .xlsx
        results.write_bytes(old)
    assert "old" in outcomes  # at least one kill landed before the replace
    # The next run deletes what killed runs left behind, and replaces the results.
    assert _run(["run", "-q", str(sample_xlsx), "-o", str(results)], capsys)[0] == 0
    assert results.read_bytes() == new
    assert sorted(p.name for p in folder.iterdir()) == ["r.xlsx"]


def test_sigterm_deletes_the_partial_file(sample_xlsx, tmp_path):
    results = sample_xlsx.parent / "r.xlsx"
    proc = _start(sample_xlsx, results)
    deadline = time.monotonic() + 60
    while proc.poll() is None and not any(p.name.endswith(PARTIAL_SUFFIX) for p in sample_xlsx.parent.iterdir()):
        assert time.monotonic() < deadline
        time.sleep(0.0005)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(30)
    stderr = proc.stderr.read().decode()
    leftovers = [p.name for p in sample_xlsx.parent.iterdir() if p.name.endswith(PARTIAL_SUFFIX)]
    assert not leftovers and "Traceback" not in stderr
    assert (code == 1 and "dnqp: interrupted" in stderr and not results.exists()) or (code == 0 and results.exists())


def test_failed_write_leaves_no_partial_file_and_the_target_untouched(tmp_path):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            assert Path(tmp).name.startswith(".r.xlsx.") and tmp.endswith(PARTIAL_SUFFIX)
            Path(tmp).write_bytes(b"half")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]
    # A partial file of a live process (this one's parent) is left alone; a dead one's is deleted.
    alive = tmp_path / f".r.xlsx.{os.getppid()}.abc{PARTIAL_SUFFIX}"
    dead = tmp_path / f".r.xlsx.{_dead_pid()}.abc{PARTIAL_SUFFIX}"
    alive.write_bytes(b"")
    dead.write_bytes(b"")
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(b"new")
    assert target.read_bytes() == b"new" and alive.exists() and not dead.exists()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ------------------------------------------------------------------------------------------ ribbon scripts
def _apply(payload: dict, actions: list[dict]) -> dict:
    """What Excel holds after the actions (Office.js: addSheet, setValues, clearContents, sheetDelete, and
    the number formats' batch);
    Excel keeps the ' text prefix out of the value."""
    sheets = payload["sheets"]
    for a in actions:
        if a["func"] == "addSheet":
            sheets.append({**sheets[0], "name": a["args"][1], "values": [[None]]})
        elif a["func"] == "sheetDelete":
            sheets.pop(a["sheet_position"])
        elif a["func"] in ("sheetClearContents", "sheetClear"):
            s = sheets[a["sheet_position"]]
            s["values"] = [[None]]
        elif a["func"] == "setNumberFormat" or a["func"] == "runMacro" and a["args"][0] == "dnqpNumberFormats":
            continue  # formats (one by one, or the task pane's batch) do not change values
        elif a["func"] == "setValues":
            s = sheets[a["sheet_position"]]
            r0, c0 = a["start_row"], a["start_column"]
            rows = s["values"]
            width = max(len(rows[0]), c0 + a["column_count"])
            for r in rows:
                r.extend([None] * (width - len(r)))
            while len(rows) < r0 + a["row_count"]:
                rows.append([None] * width)
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    rows[r0 + i][c0 + j] = v[1:] if isinstance(v, str) and v.startswith("'") else v
        else:
            raise AssertionError(f"unexpected action {a['func']}")
    for s in sheets:
        s["used_range_row_count"], s["used_range_column_count"] = len(s["values"]), len(s["values"][0])
        s["used_range_address"] = f"A1:{_col(len(s['values'][0]))}{len(s['values'])}"
    return payload


def _col(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def test_run_analysis_twice_gives_identical_sheets(xw):
    from .test_server import book_payload

    grids = template_grids(sample=True)
    payload = book_payload(grids)
    first = call(xw, "run_analysis", payload)
    after_first = _apply(payload, first)
    n = len(grids)
    sheets_1 = {s["name"]: [list(r) for r in s["values"]] for s in after_first["sheets"][n:]}
    second = call(xw, "run_analysis", after_first)
    assert not [a for a in second if a["func"] == "addSheet"]  # the same sheets are rewritten, none added
    assert [a["values"] for a in second if a["func"] == "setValues"] == \
           [a["values"] for a in first if a["func"] == "setValues"]
    after_second = _apply(after_first, second)
    sheets_2 = {s["name"]: s["values"] for s in after_second["sheets"][n:]}
    assert sheets_1 == sheets_2 and list(sheets_1) == [f"dnqp_{s}" for s in RESULT_SHEETS]
    assert all(a["sheet_position"] >= n for a in second if a["func"] != "runMacro")  # input sheets untouched
    [batch] = [a for a in second if a["func"] == "runMacro"]  # the number formats, by sheet name
    assert [name for name, _ in batch["args"][1]] == list(sheets_1)
    # Clear results removes exactly the tool's sheets; the user's own dnqp_-named sheet stays.
    after_second["sheets"].append({**after_second["sheets"][0], "name": "dnqp_Notes", "values": [["mine"]]})
    cleared = _apply(after_second, call(xw, "clear_results", after_second))
    assert [s["name"] for s in cleared["sheets"]] == [*grids, "dnqp_Notes"]


def test_validate_data_refuses_a_user_sheet_named_like_its_own(xw):
    from dnqp.excel.ribbon import MARKER

    from .test_server import book_payload

    grids = template_grids(sample=True)
    payload = book_payload(grids, [("dnqp_Checks", [["my checks"]])])
    with pytest.raises(xw.XlwingsError, match="the sheet dnqp_Checks was not created by dnqp, so it is left alone"):
        call(xw, "validate_data", payload)
    # With the marker (the tool's own sheet), it is rewritten in place.
    payload = book_payload(grids, [("dnqp_Checks", [[MARKER], [None], ["old"]])])
    actions = call(xw, "validate_data", payload)
    assert [a["func"] for a in actions][:1] != ["addSheet"] and all(a["sheet_position"] == len(grids)
                                                                    for a in actions)


def test_results_file_that_cannot_be_replaced_is_a_one_line_input_error(tmp_path, monkeypatch):
    """On Windows a results file open in Excel is locked: os.replace raises PermissionError there."""
    import os

    from dnqp.errors import DataError
    from dnqp.workbook.xlsx import atomic_path

    target = tmp_path / "results.xlsx"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(DataError, match="results.xlsx cannot be replaced: it is open in another program"):
        with atomic_path(target) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.xlsx"]


def test_a_bug_in_a_ribbon_action_is_one_line_not_a_traceback(monkeypatch):
    """The ribbon's safety net: an unexpected failure becomes a one-line XlwingsError (Excel's message box)."""
    import xlwings

    from dnqp.excel import ribbon as scripts

    def broken(grids):
        raise IndexError("list index out of range")

    monkeypatch.setattr(scripts, "parse_grids", broken)
    with pytest.raises(xlwings.XlwingsError) as err:
        scripts.ACTIONS["run_analysis"](object.__new__(_NoSheets))
    assert str(err.value) == "dnqp internal error (IndexError: list index out of range); please report it"


class _NoSheets:
    sheets = ()
