"""The panel workbook case of ``benchmarks.bench``: ``dnqp run`` on a county panel workbook vs python-calamine.

The workbook: 2,800 regions × 20 years × 30 indicators (56,000 region-years in Data, the same rows in
Variables with the template's six regression variables), the panel template's Indicators (30 rows over its
four dimensions), Model and Settings (``group_test`` no: the permutation test's 1,000 refits are a separate
cost, not the reading's), written once per size with XlsxWriter into the run's temp folder. In one run,
interleaved, each as a fresh process:

* ``dnqp run -q book.xlsx -o results.xlsx`` (read, check, index, baseline regressions, write the results);
* python-calamine alone reading every sheet's values (``to_python()`` of each sheet), the target's yardstick:
  ``dnqp run`` ≤ 3× it;
* dnqp's reader alone (:func:`dnqp.workbook.reader.read_grids`: the hostile-file checks, calamine, the formula
  scan, the Excel Tables), to show where the rest goes;
* openpyxl read-only alone (values of every sheet), once, for scale: the reader dnqp used before.

Peak RSS of ``dnqp run`` is the child's ``ru_maxrss`` (``resource.getrusage(RUSAGE_CHILDREN)`` in a wrapper
process that runs only it); target ≤ 1 GiB. Growth is reported from 300 to 2,800 regions.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

__all__ = ["write_panel_workbook", "workbook_case"]

SIZES = (300, 1000, 2800)
SMOKE_SIZES = (12, 24)
YEARS = 20
INDICATORS = 30

_CALAMINE = ("import sys; from python_calamine import CalamineWorkbook as W; b = W.from_path(sys.argv[1]); "
             "print(sum(len(b.get_sheet_by_name(n).to_python()) for n in b.sheet_names))")
_READER = "import sys; from dnqp.workbook.reader import read_grids; print(sum(map(len, read_grids(sys.argv[1]).values())))"
_OPENPYXL = ("import sys, openpyxl; b = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True); "
             "print(sum(sum(1 for _ in b[n].iter_rows(values_only=True)) for n in b.sheetnames))")
_RSS = ("import json, resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True); "
        "print(json.dumps([p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
        "p.stderr.decode(errors='replace')[-400:]]))")


def _template() -> dict | None:
    """The panel template's sheets (None when this build has no panel template)."""
    try:
        from dnqp.workbook.template import panel_template_grids
    except ImportError:
        return None
    return panel_template_grids(sample=False)


def write_panel_workbook(path: Path, regions: int, years: int = YEARS, m: int = INDICATORS, seed: int = 2800,
                         group_test: str = "no") -> bool:
    """Write the generated panel workbook; False when this build has no panel template to take its sheets from.
    ``group_test``: the setting's value (``no``: the regions' East/West groups are not tested)."""
    import xlsxwriter

    base = _template()
    if base is None:
        return False
    rng = np.random.default_rng(seed)
    ind = base["Indicators"]
    head = ind[0]
    dims = [r[8] for r in ind[1:] if len(r) > 8 and r[8]]
    dim_rows = [r[8:] for r in ind[1:] if len(r) > 8 and r[8]]
    codes = [f"X{j + 1}" for j in range(m)]
    ind_rows = [head]
    for j, code in enumerate(codes):
        row = [code, f"Indicator {j + 1}", dims[j % len(dims)], "unit", "generated (benchmark)",
               "-" if j % 3 == 2 else "+", None, None]
        row += dim_rows[j] if j < len(dim_rows) else [None, None]
        ind_rows.append(row)
    names = base["Variables"][0][2:]
    settings = [list(r) for r in base["Settings"]]
    for r in settings[1:]:
        if r[0] == "group_test":
            r[1] = group_test
    regs = [f"County{r:04d}" for r in range(regions)]
    level = rng.uniform(0.5, 2.0, regions)
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as wb:
        for sheet, rows in (("Guide", base["Guide"]), ("Indicators", ind_rows)):
            ws = wb.add_worksheet(sheet)
            for i, row in enumerate(rows):
                ws.write_row(i, 0, [v for v in row])
        ws_d = wb.add_worksheet("Data")
        ws_d.write_row(0, 0, ["Region", "Year", *codes])
        n = regions * years
        values = np.round(rng.lognormal(0.0, 0.5, size=(n, m)) * np.repeat(level, years)[:, None] * 100, 4)
        i = 1
        for r_i, r in enumerate(regs):
            for t in range(years):
                ws_d.write_string(i, 0, r)
                ws_d.write_number(i, 1, 2004 + t)
                ws_d.write_row(i, 2, values[i - 1].tolist())
                i += 1
        ws_v = wb.add_worksheet("Variables")
        ws_v.write_row(0, 0, ["Region", "Year", *names])
        var = np.round(rng.lognormal(3.0, 0.3, size=(n, len(names))) * np.repeat(level, years)[:, None], 4)
        i = 1
        for r in regs:
            for t in range(years):
                ws_v.write_string(i, 0, r)
                ws_v.write_number(i, 1, 2004 + t)
                ws_v.write_row(i, 2, var[i - 1].tolist())
                i += 1
        for sheet in ("Regions", "Model"):
            rows = base[sheet] if sheet == "Model" else [base["Regions"][0]] + [[r, "East" if k % 2 else "West",
                                                                                 None, "generated"]
                                                                                for k, r in enumerate(regs)]
            ws = wb.add_worksheet(sheet)
            for k, row in enumerate(rows):
                ws.write_row(k, 0, list(row))
        ws = wb.add_worksheet("Settings")
        for k, row in enumerate(settings):
            ws.write_row(k, 0, list(row))
    return True


def _peak_rss(cmd: list[str]) -> float:
    """Peak RSS (MiB) of ``cmd`` run alone in a wrapper process."""
    out = subprocess.run([sys.executable, "-c", _RSS, *cmd], capture_output=True, text=True, timeout=1800)
    code, kib, err = json.loads(out.stdout.strip().splitlines()[-1])
    if code != 0:
        raise RuntimeError(f"benchmark subprocess {cmd[1:4]} failed: {err}")
    return kib / 1024


def workbook_case(section_cls, fresh_many, ms, mark, repeats: int, work: Path, smoke: bool = False):
    """The Section of the workbook case (bench.py's helpers passed in, to keep one copy of each)."""
    sizes = SMOKE_SIZES if smoke else SIZES
    sec = section_cls(f"Panel workbook: `dnqp run` on {sizes[-1]:,} regions × {YEARS} years × {INDICATORS} "
                      "indicators vs python-calamine")
    py = sys.executable
    rows = []
    for regions in sizes:
        book = work / f"panel_{regions}.xlsx"
        t0 = time.perf_counter()
        if not write_panel_workbook(book, regions):
            sec.add("Not measured: this build has no panel template (`dnqp template --panel`), so `dnqp run` cannot "
                    "read a panel workbook.", "")
            sec.unmet.append("the panel workbook case needs the panel study (not in this build)")
            return sec
        t_gen = time.perf_counter() - t0
        out = work / f"panel_{regions}_results.xlsx"
        run = [py, "-m", "dnqp.cli", "run", "-q", str(book), "-o", str(out)]
        one = [*run, "--workers", "1"]
        (t_run, t_one, t_cal, t_read), _ = fresh_many([run, one, [py, "-c", _CALAMINE, str(book)],
                                                        [py, "-c", _READER, str(book)]], repeats)
        t_opx = fresh_many([[py, "-c", _OPENPYXL, str(book)]], 1)[0][0] if regions in (sizes[0], sizes[-1]) \
            else float("nan")
        rss = _peak_rss(run)
        rows.append((regions, regions * YEARS, book.stat().st_size, t_gen, t_run, t_cal, t_read, t_opx, rss, t_one))
    grouped = None
    if not smoke:  # the largest size once more, with the template's default group test (1,000 permutations)
        book = work / f"panel_{sizes[-1]}_groups.xlsx"
        write_panel_workbook(book, sizes[-1], group_test="auto")
        run = [py, "-m", "dnqp.cli", "run", "-q", str(book), "-o", str(work / "panel_groups_results.xlsx")]
        (t_g, t_c), _ = fresh_many([run, [py, "-c", _CALAMINE, str(book)]], repeats)
        grouped = (t_g, t_c)

    table = []
    for regions, n, size, t_gen, t_run, t_cal, t_read, t_opx, rss, t_one in rows:
        last = regions == sizes[-1] and not smoke
        ratio = t_run / t_cal
        table.append([f"{regions:,}", f"{n:,}", f"{size / 2**20:.1f}", ms(t_run), ms(t_cal),
                      f"{ratio:.2f}×" + (f" ({mark(ratio <= 3)})" if last else ""),
                      f"{ms(t_one)} ({t_one / t_cal:.2f}×)", ms(t_read), ms(t_opx),
                      f"{rss:.0f}" + (f" ({mark(rss <= 1024)})" if last else "")])
        if last and ratio > 3:
            sec.unmet.append(f"`dnqp run` took {ratio:.2f}× python-calamine's read of the same {n:,}-row workbook "
                             "(target 3×)")
        if last and rss > 1024:
            sec.unmet.append(f"`dnqp run` peaked at {rss:.0f} MiB RSS on {n:,} rows (target 1 GiB)")
    sec.add("Fresh processes, interleaved, median of the runs: `dnqp run -q book.xlsx -o results.xlsx` (the whole "
            "study: read, check, index, baseline regressions, results workbook written; `group_test` no; the "
            "regressions in two processes, the default on two cores) and the same with `--workers 1`; "
            "python-calamine alone reading every sheet (`to_python()`); dnqp's reader alone (`read_grids`: "
            "hostile-file checks, calamine, formula scan, Excel Tables); openpyxl read-only alone (once).", "")
    sec.table(["regions", "rows", "MB", "`dnqp run` ms", "calamine ms", "ratio (≤ 3×)", "`--workers 1` ms (ratio)",
               "dnqp reader ms",
               "openpyxl ms", "peak RSS MiB (≤ 1 GiB)"], table)
    first, last = rows[0], rows[-1]
    sec.add(f"From {first[0]:,} to {last[0]:,} regions ({last[1] / first[1]:.1f}× the rows): `dnqp run` "
            f"{last[4] / first[4]:.1f}× the time, calamine {last[5] / first[5]:.1f}×, dnqp's reader "
            f"{last[6] / first[6]:.1f}×, peak RSS {last[8] / first[8]:.1f}×. Writing the workbook (XlsxWriter, "
            f"not timed against anything) took {last[3]:.1f} s at {last[0]:,} regions.", "")
    if grouped:
        sec.add(f"The {last[0]:,}-region workbook with the template's default group test (`group_test` auto: two "
                f"groups, their subsample fits, the interaction test and Fisher's permutation test with 1,000 "
                f"replications): `dnqp run` {ms(grouped[0])} ms, {grouped[0] / grouped[1]:.2f}× calamine's read "
                f"({ms(grouped[1])} ms) in the same runs.", "")
    return sec
