"""``python -m benchmarks.bench``: how fast dnqp is, side by side with its peers, written to ``BENCHMARKS.md``.

Every case runs in one invocation, with repeats, and reports medians (ratios are taken between
timings of the same run, so they are comparable even on a busy machine; absolute times are not):

* **entropy** — :func:`dnqp.entropy_weights` vs a bare NumPy implementation of the same formulas
  (:func:`bare_entropy`) vs ``pymcdm.weights.entropy_weights`` fed the same standardised matrix;
  weights cross-checked; peak extra memory (tracemalloc, which traces NumPy's allocations) over the
  input matrix.
* **study** — ``dnqp run`` on the sample workbook in a fresh process, with a breakdown (imports, read,
  compute, print, write), against ``python -c "import pandas, openpyxl"``.
* **cold** — ``import dnqp.udfs`` and the first ``ENTROPY_WEIGHTS`` result in a fresh process, against
  ``import xlwings``.
* **udf** — each worksheet function called as Excel calls it (2-D lists) vs the engine call it wraps.
* **server** — ``dnqp serve`` on 127.0.0.1: latency percentiles and calls per second of
  ``ENTROPY_WEIGHTS`` on the sample, at concurrency 1 and 16 (bounded in count and time).
* **panel** — 300 regions × 20 years × 30 indicators: the index and a pooled regression.
* **panel_fe** — 300 → 2,800 regions × 20 years × 30 indicators (:mod:`benchmarks.bench_panel`): global entropy
  vs bare NumPy, two-way FE clustered vs linearmodels' own call, and their growth.
* **panel_workbook** — ``dnqp run`` on a 300 → 2,800-region × 20-year × 30-indicator panel workbook vs
  python-calamine reading its sheets, peak RSS (:mod:`benchmarks.bench_workbook`).
* **companion** — the companion measures of issue 12 against bare NumPy (``benchmarks/companion.py``).

``--smoke`` runs every case at tiny sizes with one or two repeats (the test suite does, so the harness
cannot rot). Targets are judged by reading the report, never by timed tests.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["main", "bare_entropy", "run"]

ENTROPY_SIZES = [(15, 10), (1_000, 10), (10_000, 30), (100_000, 30), (1_000_000, 30)]
SMOKE_ENTROPY_SIZES = [(15, 10), (300, 5)]
SHIFT = 0.01  # > 0 so that every proportion is positive: pymcdm refuses (and zeroes) p = 0 columns


# ------------------------------------------------------------------------------------------------ timing
def _median_times(fns: list[Callable[[], object]], repeats: int, min_time: float = 0.02) -> list[float]:
    """Median seconds per call of each of ``fns``, their samples interleaved.

    Each sample loops a function until it takes about ``min_time``; the functions take turns, sample by
    sample, so that a change in the machine's load touches all of them alike and their ratios hold.
    """
    loops = []
    for fn in fns:
        fn()  # warm up (first-call imports, caches)
        t0 = time.perf_counter()
        fn()
        loops.append(max(1, int(min_time / max(time.perf_counter() - t0, 1e-7))))
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            for _ in range(loops[k]):
                fn()
            samples[k].append((time.perf_counter() - t0) / loops[k])
    return [statistics.median(x) for x in samples]


def _median_time(fn: Callable[[], object], repeats: int, min_time: float = 0.02) -> float:
    return _median_times([fn], repeats, min_time)[0]


def _peak_bytes(fn: Callable[[], object]) -> int:
    """Peak bytes allocated (Python and NumPy) while ``fn`` runs, over what was allocated before."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak - base


def _fresh_many(commands: list[list[str]], repeats: int) -> tuple[list[float], list[str]]:
    """Median wall time of each command as a fresh process (runs interleaved), and each one's last stdout."""
    times: list[list[float]] = [[] for _ in commands]
    outs = [""] * len(commands)
    for _ in range(repeats):
        for k, cmd in enumerate(commands):
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            times[k].append(time.perf_counter() - t0)
            if proc.returncode != 0:
                raise RuntimeError(f"benchmark subprocess {cmd[1:3]} failed: {proc.stderr.strip()[-500:]}")
            outs[k] = proc.stdout
    return [statistics.median(t) for t in times], outs


def _py(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _ms(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "—"
    ms = seconds * 1000
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def _mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    #: For each target this run did not meet: why (collected into the report's last section).
    unmet: list[str] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def table(self, head: list[str], rows: list[list]) -> None:
        self.lines.append("| " + " | ".join(head) + " |")
        self.lines.append("|" + "|".join("---" for _ in head) + "|")
        for r in rows:
            self.lines.append("| " + " | ".join(str(v) for v in r) + " |")
        self.lines.append("")


# ------------------------------------------------------------------------------------------------ entropy
def bare_entropy(x: np.ndarray, directions: np.ndarray, shift: float = 0.0) -> np.ndarray:
    """The entropy weights of docs/method.md §2 in plain NumPy: the yardstick for :func:`dnqp.entropy_weights`.

    Min–max standardisation (cost columns reversed), ``shift``, ``p = z/Σz``, ``e = −Σ p ln p / ln n``
    with ``0 ln 0 = 0``, ``d = 1 − e``, ``w = d/Σd``; also the scores ``z @ w`` (returned second).
    """
    lo, hi = x.min(axis=0), x.max(axis=0)
    z = np.where(directions > 0, x - lo, hi - x) / (hi - lo) + shift
    p = z / z.sum(axis=0)
    plogp = p * np.log(np.where(p > 0, p, 1.0))
    e = np.minimum(-plogp.sum(axis=0) / np.log(len(x)), 1.0)
    d = 1.0 - e
    w = d / d.sum()
    return w, z @ w


def _entropy_case(sizes, repeats: int) -> Section:
    import dnqp

    try:
        from pymcdm.weights import entropy_weights as pymcdm_entropy
    except ImportError:  # the bench extra is not installed
        pymcdm_entropy = None
    sec = Section("Entropy weights: dnqp vs bare NumPy vs pymcdm")
    sec.add(f"Input: an n×m float64 DataFrame of log-normal values, directions mixed (+ and −), shift = {SHIFT} "
            "(every proportion positive, as pymcdm requires). dnqp and bare NumPy start from the raw matrix "
            "(min–max standardisation included). pymcdm does not standardise: it is given dnqp's standardised "
            "matrix z and sum-normalises it itself; the like-for-like comparison is dnqp on the same z "
            "(`standardize=\"none\"`, which still computes the scores z·w and builds labelled results), and "
            "the full dnqp call over pymcdm is shown in parentheses. "
            "Times are medians; peak memory is tracemalloc's peak during the call over the input's size "
            "(the result keeps z and p, 2× the input, by design).", "")
    rows, ok_all, fixed = [], {"bare": True, "pymcdm": True, "mem": True}, float("nan")
    rng = np.random.default_rng(6)
    for n, m in sizes:
        X = pd.DataFrame(rng.lognormal(0.0, 1.0, size=(n, m)), columns=[f"X{j + 1}" for j in range(m)])
        dirs = np.where(np.arange(m) % 3 == 2, -1.0, 1.0)
        signs = ["+" if d > 0 else "-" for d in dirs]
        reps = repeats if n * m <= 3_000_000 else max(3, repeats // 2)
        res = dnqp.entropy_weights(X, signs, shift=SHIFT)
        x = X.to_numpy()
        w_bare, s_bare = bare_entropy(x, dirs, SHIFT)
        # Absolute on the weights (they sum to 1): d = 1 − e of a near-uniform indicator is tiny, and a sum
        # taken in another order moves it by an ulp of e.
        agree = np.allclose(res.weights.to_numpy(), w_bare, rtol=0, atol=1e-12) and \
            np.allclose(res.scores.to_numpy(), s_bare, rtol=1e-10, atol=1e-12)
        z = res.standardized.to_numpy(copy=True)
        Z = pd.DataFrame(z, columns=X.columns)
        fns = [lambda: dnqp.entropy_weights(X, signs, shift=SHIFT), lambda: bare_entropy(X.to_numpy(), dirs, SHIFT),
               lambda: dnqp.entropy_weights(Z, signs, standardize="none")]
        if pymcdm_entropy is not None:
            w_pm = pymcdm_entropy(z)
            agree_pm = np.allclose(res.weights.to_numpy(), w_pm, rtol=0, atol=1e-10)
            fns.append(lambda: pymcdm_entropy(z))
        else:
            agree_pm = None
        t_dnqp, t_bare, t_dnqp_z, t_pm = [*_median_times(fns, reps), float("nan")][:4]
        del res
        peak = _peak_bytes(lambda: dnqp.entropy_weights(X, signs, shift=SHIFT))
        peak_bare = _peak_bytes(lambda: bare_entropy(X.to_numpy(), dirs, SHIFT))
        r_bare, r_pm, r_mem = t_dnqp / t_bare, t_dnqp_z / t_pm, peak / x.nbytes
        ok_all["bare"] &= r_bare <= 1.3
        ok_all["pymcdm"] &= not (t_pm == t_pm) or r_pm <= 1.0
        if x.nbytes >= 2**20:
            ok_all["mem"] &= r_mem <= 3.0
        fixed = fixed if n * m > 1000 else t_dnqp
        rows.append([f"{n:,}×{m}", _ms(t_dnqp), _ms(t_bare), _ms(t_dnqp_z), _ms(t_pm), f"{r_bare:.2f}×",
                     "—" if t_pm != t_pm else f"{r_pm:.2f}× ({t_dnqp / t_pm:.2f}×)", f"{x.nbytes / 2**20:.2f}",
                     f"{peak / 2**20:.2f} ({r_mem:.2f}×)", f"{peak_bare / x.nbytes:.2f}×",
                     "yes" if agree else "**no**", "—" if agree_pm is None else "yes" if agree_pm else "**no**"])
    sec.table(["n×m", "dnqp ms", "bare NumPy ms", "dnqp on z ms", "pymcdm on z ms", "dnqp/bare",
               "dnqp on z/pymcdm (dnqp/pymcdm)", "input MiB",
               "dnqp peak MiB (×input)", "bare peak ×input", "w = bare (±1e-12)", "w = pymcdm (±1e-10)"], rows)
    sec.add(f"Targets: dnqp/bare ≤ 1.3× at every size — {_mark(ok_all['bare'])}; never slower than pymcdm (dnqp on z) — "
            f"{_mark(ok_all['pymcdm'])}; peak ≤ 3× input for every input of 1 MiB or more — {_mark(ok_all['mem'])} "
            "(below that, the fixed ~20 KB of labelled result objects outweighs a 1 KB input).", "")
    why_fixed = (f"dnqp checks its input (indicator names, directions, missing and out-of-range values) and returns "
                 f"labelled pandas objects (five Series and two DataFrames): a fixed cost of about {_ms(fixed)} ms "
                 "(the 15×10 time) that a dozen lines of bare NumPy do not pay. It decides the ratio at small "
                 "sizes; at large sizes dnqp is faster than the bare formulas (in-place standardisation, no "
                 "np.where copies, p·ln p column by column).")
    if not ok_all["bare"]:
        sec.unmet.append(f"Entropy weights, dnqp/bare ≤ 1.3× at every size: {why_fixed}")
    if not ok_all["pymcdm"]:
        sec.unmet.append(
            "Entropy weights, never slower than pymcdm: pymcdm's function computes the bare weights; dnqp on the "
            "same z also checks it (a min and a max pass: missing, negative and out-of-range values), keeps z and p "
            "as results, computes the scores z·w and labels everything — about ten passes over the matrix against "
            f"pymcdm's six, plus the fixed cost above ({_ms(fixed)} ms). The gap closes with size (level at "
            "1,000,000×30 on a quiet machine). On a busy machine the scores' BLAS matrix–vector product is slowed "
            "by thread contention (up to 10×): compare a run with `--blas-threads 1` (threadpoolctl).")
    if not ok_all["mem"]:
        sec.unmet.append("Entropy weights, peak memory ≤ 3× input: see the table; the result alone keeps z and p (2×).")
    return sec


# ------------------------------------------------------------------------------------------------ study
_BREAKDOWN = r"""
import sys, time, json, io
t0 = time.perf_counter()
from dnqp.cli import _results_path
from dnqp.workbook.xlsx import read_workbook, write_results
from dnqp.terminal import print_study
from pathlib import Path
t1 = time.perf_counter()
inputs = read_workbook(Path(sys.argv[1]))
t2 = time.perf_counter()
result = inputs.run()
t3 = time.perf_counter()
from rich.console import Console
print_study(result, Console(file=io.StringIO(), width=120))
t4 = time.perf_counter()
write_results(result, Path(sys.argv[2]), inputs)
t5 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "read": t2 - t1, "compute": t3 - t2, "print": t4 - t3, "write": t5 - t4}))
"""


def _study_case(repeats: int, work: Path) -> Section:
    from dnqp.workbook.xlsx import write_template

    sec = Section("The whole study: `dnqp run` on the sample workbook")
    book = write_template(work / "sample.xlsx", sample=True)
    out = work / "sample_results.xlsx"
    (t_run, t_base, t_py), _ = _fresh_many([[sys.executable, "-m", "dnqp.cli", "run", str(book), "-o", str(out)],
                                             _py("import pandas, openpyxl"), _py("pass")], repeats)
    parts = []
    for _ in range(repeats):
        proc = subprocess.run([sys.executable, "-c", _BREAKDOWN, str(book), str(out)], capture_output=True,
                              text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f"study breakdown failed: {proc.stderr}")
        parts.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
    ratio = t_run / t_base
    sec.add("`dnqp run sample.xlsx -o results.xlsx` (tables printed to a pipe) as a fresh process, wall time, "
            "median of the runs; the breakdown is measured inside a fresh process running the same steps.", "")
    sec.table(["what", "ms"], [
        ["`dnqp run` (whole process)", _ms(t_run)],
        ["`python -c \"import pandas, openpyxl\"`", _ms(t_base)],
        ["`python -c pass` (interpreter start)", _ms(t_py)],
        ["breakdown: imports (dnqp.cli, workbook, report)", _ms(med["import"])],
        ["breakdown: read the workbook", _ms(med["read"])],
        ["breakdown: compute (the study, incl. first-use imports of scipy/statsmodels)", _ms(med["compute"])],
        ["breakdown: print the tables (rich)", _ms(med["print"])],
        ["breakdown: write the results workbook", _ms(med["write"])],
    ])
    sec.add(f"Ratio `dnqp run` / `import pandas, openpyxl`: **{ratio:.2f}×** (target ≤ 2.5×: {_mark(ratio <= 2.5)}).", "")
    if ratio > 2.5:
        sec.unmet.append("`dnqp run` ≤ 2.5× `import pandas, openpyxl`: see the breakdown; the imports (XlsxWriter, rich, "
                         "scipy for the p-values) are most of it.")
    return sec


# ------------------------------------------------------------------------------------------------ cold start
def _sample_grid() -> tuple[list[list], list[str]]:
    from dnqp.engine.sample import load_sample

    from dnqp.engine.prepare import impute

    s = load_sample()
    data = impute(s["data"], "mean").data  # the sample has gaps; the functions want complete data
    rows = [["Year", *data.columns]] + [[int(y), *map(float, r)] for y, r in zip(data.index, data.to_numpy())]
    return rows, list(s["indicators"]["Direction"])


def _cold_case(repeats: int) -> Section:
    sec = Section("Cold start in Excel: importing the functions and the first result")
    rows, dirs = _sample_grid()
    first = f"import dnqp.udfs as u; r = u.ENTROPY_WEIGHTS({rows!r}, {[dirs]!r}); assert len(r) == 11"
    own = ("import time, xlwings; t0 = time.perf_counter(); import dnqp.udfs; t1 = time.perf_counter(); "
           f"dnqp.udfs.ENTROPY_WEIGHTS({rows!r}, {[dirs]!r}); print(t1 - t0, time.perf_counter() - t1)")
    mods = "; import sys; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    (t_xw, t_udfs, t_first, t_py, _), outs = _fresh_many(
        [_py("import xlwings"), _py("import dnqp.udfs"), _py(first), _py("pass"), _py(own)], repeats)
    _, (loaded, loaded_first) = _fresh_many([_py("import dnqp.udfs" + mods), _py(first + mods)], 1)
    own_import, own_first = (float(v) for v in outs[4].split())
    heavy = ("scipy", "statsmodels", "openpyxl", "xlsxwriter", "rich", "patsy")
    eager = [h for h in heavy if h in loaded.split()]
    eager_first = [h for h in heavy if h in loaded_first.split()]
    r1, r2 = t_udfs / t_xw, t_first / t_xw
    sec.add("Fresh processes, wall time, medians. Note that `import xlwings` itself imports numpy, pandas and "
            "(if installed) matplotlib.", "")
    sec.table(["what", "ms", "× import xlwings", "target"], [
        ["`python -c pass`", _ms(t_py), f"{t_py / t_xw:.2f}×", ""],
        ["`import xlwings`", _ms(t_xw), "1.00×", ""],
        ["`import dnqp.udfs`", _ms(t_udfs), f"{r1:.2f}×", f"≤ 1.2×: {_mark(r1 <= 1.2)}"],
        ["first `ENTROPY_WEIGHTS` result (sample, 15×10)", _ms(t_first), f"{r2:.2f}×",
         f"≤ 1.5×: {_mark(r2 <= 1.5)}"],
    ])
    if r1 > 1.2 or r2 > 1.5:
        sec.unmet.append(
            f"Cold start: `import dnqp.udfs` adds {_ms(own_import)} ms to `import xlwings` and the first result "
            f"{_ms(own_first)} ms more (measured in one process, see the section); a ratio above target with "
            "shares that small is the spread of fresh-process timings on a loaded machine — re-measure quietly.")
    sec.add(f"dnqp's own share, measured inside a process that has already imported xlwings: `import dnqp.udfs` "
            f"{_ms(own_import)} ms, then the first ENTROPY_WEIGHTS {_ms(own_first)} ms.", "")
    sec.add(f"Heavy packages loaded by `import dnqp.udfs`: {', '.join(eager) or 'none'} "
            f"(of {', '.join(heavy)}); after the first ENTROPY_WEIGHTS: {', '.join(eager_first) or 'none'}. "
            "statsmodels and scipy load when a regression function first runs.", "")
    return sec


# ------------------------------------------------------------------------------------------------ UDFs
def _udf_inputs(n: int):
    """Excel-shaped arguments and the matching engine inputs for a study of ``n`` rows."""
    rng = np.random.default_rng(n)
    m = 10
    years = np.arange(1, n + 1)
    X = rng.lognormal(0.0, 1.0, size=(n, m))
    codes = [f"I{j + 1}" for j in range(m)]
    signs = ["+" if j % 3 != 2 else "-" for j in range(m)]
    dims = [["Infra", "Inno", "Ind", "Green"][j * 4 // m] for j in range(m)]
    data_rows = [["Year", *codes]] + [[int(y), *r] for y, r in zip(years, X.tolist())]
    k = 4
    R = rng.normal(size=(n, k))
    yv = R @ np.arange(1.0, k + 1) + rng.normal(size=n)
    names = [f"x{j + 1}" for j in range(k)]
    y_rows = [["y"]] + [[v] for v in yv.tolist()]
    X_rows = [names] + R.tolist()
    gaps = X[:, :4].copy()
    gaps[rng.random(gaps.shape) < 0.05] = np.nan
    gap_rows = [["Year", *codes[:4]]] + [[int(y), *(None if v != v else v for v in r)]
                                          for y, r in zip(years, gaps.tolist())]
    df = pd.DataFrame(X, index=pd.Index(years, name="Year"), columns=codes)
    ydf = pd.Series(yv, name="y", index=pd.RangeIndex(1, n + 1))
    Xdf = pd.DataFrame(R, columns=names, index=ydf.index)
    gdf = pd.DataFrame(gaps, index=df.index, columns=codes[:4])
    return dict(data=data_rows, signs=signs, dirs_row=[signs], dims_row=[dims], y=y_rows, X=X_rows,
                gaps=gap_rows, df=df, ydf=ydf, Xdf=Xdf, gdf=gdf, dims=dims, names=names)


def _udf_case(ns, repeats: int) -> Section:
    from dnqp import __version__ as dnqp_version, udfs
    from dnqp.engine.entropy import entropy_weights
    from dnqp.engine.prepare import impute
    from dnqp.engine.regression import describe, ols, vif
    from dnqp.engine.tables import model_table

    sec = Section("Worksheet functions: the UDF (2-D lists in and out) vs the engine call it wraps")
    sec.add("Each function is called as Excel calls it (2-D lists with a header row, a Year column for the "
            "indicator data; None for blanks) and returns a 2-D list; the engine column is the wrapped call on "
            "ready DataFrames. Overhead = UDF − engine: translating Excel values to frames and results back.", "")
    rows, ok15, ok_big, floors, unmet15 = [], True, True, {}, []
    for n in ns:
        a = _udf_inputs(n)
        body = a["data"][1:]
        floors[n] = _median_time(lambda: np.array(body, dtype=float), repeats)
        df, signs, dims = a["df"], a["signs"], a["dims"]
        cases = {
            "ENTROPY_WEIGHTS": (lambda: udfs.ENTROPY_WEIGHTS(a["data"], a["dirs_row"]),
                                lambda: entropy_weights(df, signs).table()),
            "ENTROPY_STANDARDIZE": (lambda: udfs.ENTROPY_STANDARDIZE(a["data"], a["dirs_row"]),
                                    lambda: entropy_weights(df, signs).standardized),
            "ENTROPY_SCORES": (lambda: udfs.ENTROPY_SCORES(a["data"], a["dirs_row"], a["dims_row"]),
                               lambda: (lambda r: r.scores.to_frame().join(r.subindices(dims)))(
                                   entropy_weights(df, signs))),
            "DNQP_OLS": (lambda: udfs.DNQP_OLS(a["y"], a["X"]),
                         lambda: (lambda f: (f.table(), f.stats()))(ols(a["ydf"], a["Xdf"]))),
            "DNQP_STAT": (lambda: udfs.DNQP_STAT(a["y"], a["X"], "r2"), lambda: ols(a["ydf"], a["Xdf"]).rsquared),
            "DNQP_VIF": (lambda: udfs.DNQP_VIF(a["X"]), lambda: vif(a["Xdf"])),
            "DNQP_DESCRIBE": (lambda: udfs.DNQP_DESCRIBE(a["data"]), lambda: describe(df)),
            "DNQP_IMPUTE": (lambda: udfs.DNQP_IMPUTE(a["gaps"]), lambda: impute(a["gdf"]).data),
            "DNQP_TABLE": (lambda: udfs.DNQP_TABLE(a["y"], a["X"]),
                           lambda: model_table([ols(a["ydf"], a["Xdf"][[c]]) for c in a["names"]],
                                               labels=a["names"])),
            "DNQP_VERSION": (lambda: udfs.DNQP_VERSION(), lambda: dnqp_version),
        }
        for name, (udf, engine) in cases.items():
            t_udf, t_eng = _median_times([udf, engine], repeats)
            extra = t_udf - t_eng
            rel = extra / t_eng if t_eng > 0 else float("nan")
            if n <= 15:
                ok = extra <= 0.002
                ok15 &= ok
                if not ok:
                    unmet15.append(f"{name} ({_ms(extra)} ms)")
                verdict = f"≤ 2 ms: {_mark(ok)}"
            else:
                ok = rel <= 0.15 or name == "DNQP_VERSION"
                ok_big &= ok
                verdict = f"≤ 15%: {_mark(ok)}" if name != "DNQP_VERSION" else "(no data)"
            rows.append([name, f"{n:,}", _ms(t_udf), _ms(t_eng), _ms(extra), f"{100 * rel:.0f}%", verdict])
    sec.table(["function", "n", "UDF ms", "engine ms", "overhead ms", "overhead %", "target"], rows)
    big = max(ns)
    sec.add(f"Targets: ≤ 2 ms extra at n = 15 — {_mark(ok15)}; ≤ 15% extra at n = {big:,} — {_mark(ok_big)}.", "",
            f"Floor: converting the indicator data alone ({big:,} rows × 11 Python values) to a float matrix with "
            f"`np.array(rows, dtype=float)` takes {_ms(floors[big])} ms — the least any translation of Excel's lists "
            "can cost, before checking what each cell holds.", "")
    if not ok15:
        sec.unmet.append(f"UDF overhead ≤ 2 ms at n = 15: {', '.join(unmet15)}. These wrap several engine calls and "
                         "tables (a fit, its table and statistics; DNQP_TABLE one fit per column and a VIF per fit) "
                         "whose results are turned into cells one by one (mixed text and numbers); under load each "
                         "small pandas step costs more.")
    if not ok_big:
        sec.unmet.append(
            f"UDF overhead ≤ 15% at n = {big:,}: the translation is vectorised (one NumPy object array per range, one "
            "type inference and one conversion for an all-number range, integer years in one step, float results "
            f"as one `tolist()`), but Excel hands over {big:,} rows of Python objects: the floor above already "
            "exceeds 15% of the engine's time for the entropy functions, which are a few milliseconds of NumPy. "
            "Meeting it would need Excel to send arrays (xlwings' numpy converter on desktop Excel) instead of "
            "lists — not possible for Office.js, whose JSON arrives as lists.")
    return sec


# ------------------------------------------------------------------------------------------------ server
@contextlib.contextmanager
def _server(processes: int = 1):
    from benchmarks.loadtest import start_server, stop_server

    env = {k: v for k, v in os.environ.items() if k not in ("XLWINGS_ON_SERVER", "DNQP_API_KEY")}
    env["XLWINGS_LICENSE_KEY"] = env.get("XLWINGS_LICENSE_KEY") or "noncommercial"
    proc, base = start_server(env, args=["--processes", str(processes)])
    try:
        yield int(base.rsplit(":", 1)[1])
    finally:
        stop_server(proc)


def _load(port: int, body: bytes, concurrency: int, total: int, budget: float) -> tuple[list[float], float, int]:
    """``total`` calls over ``concurrency`` keep-alive connections (stopping after ``budget`` seconds)."""
    lat: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + budget
    per = [total // concurrency + (1 if i < total % concurrency else 0) for i in range(concurrency)]

    def worker(count: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for _ in range(count):
                if time.monotonic() > stop:
                    break
                t0 = time.perf_counter()
                conn.request("POST", "/xlwings/custom-functions-call", body=body,
                             headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                dt = time.perf_counter() - t0
                with lock:
                    lat.append(dt)
                    errors += resp.status != 200
        finally:
            conn.close()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, per))
    return lat, time.perf_counter() - t0, errors


_WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _load_wrk(port: int, body: bytes, concurrency: int, seconds: float) -> tuple[float, float, float, int, int]:
    """wrk (a C load generator) for ``seconds`` at ``concurrency`` connections: (p50 s, p99 s, calls/s,
    calls, errors). wrk spends far less CPU per call than a Python client, so on a 2-core machine shared
    with the server it measures the server rather than the client."""
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "post.lua")
        with open(script, "w", encoding="utf-8") as f:
            f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                    f"wrk.body = {json.dumps(body.decode())}\n")
        out = subprocess.run(["wrk", f"-t{min(2, concurrency)}", f"-c{concurrency}", f"-d{max(1, round(seconds))}s",
                              "--latency", "-s", script, f"http://127.0.0.1:{port}/xlwings/custom-functions-call"],
                             capture_output=True, text=True, timeout=seconds + 30, check=True).stdout

    def pct(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M).groups()
        return float(value) * _WRK_UNITS[unit]

    calls = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return pct("50"), pct("99"), rate, calls, errors


def _server_case(calls: int, budget: float) -> Section:
    sec = Section("Server: `dnqp serve` answering ENTROPY_WEIGHTS on the sample")
    rows_grid, dirs = _sample_grid()
    body = json.dumps({"client": "Office.js", "func_name": "ENTROPY_WEIGHTS", "args": [rows_grid, [dirs], None, None, None],
                       "caller_address": "[Book1.xlsx]Sheet1!B2", "version": "0.37.8", "runtime": "1.4",
                       "culture_info_name": "en-US", "date_format": "M/d/yyyy"}).encode()
    wrk = shutil.which("wrk") is not None
    seconds = min(budget, max(1.0, calls / 80))  # wrk runs for a time, not a count: ~5 s at full size
    out = []
    for processes in (1, 2):
        with _server(processes) as port:
            for _ in range(processes):
                _load(port, body, processes, 10 * processes, budget)  # warm up every process: first-call imports
            for conc in (1, 16):
                if wrk:
                    p50, p99, rate, count, errors = _load_wrk(port, body, conc, seconds)
                else:
                    lat, wall, errors = _load(port, body, conc, calls, budget)
                    lat.sort()
                    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]  # noqa: E731
                    p50, p99, rate, count = q(0.5), q(0.99), len(lat) / wall, len(lat)
                out.append((processes, conc, count, errors, p50, p99, rate))
    client = (f"wrk (a C load generator; {seconds:.0f} s per level)" if wrk else
              f"a Python client ({calls} calls per level, threads over http.client; install wrk for a measure of "
              "the server rather than of this client, which then takes much of the two cores)")
    sec.add(f"`dnqp serve` (uvicorn) on 127.0.0.1 with one server process and with two (`--processes 2`, one per "
            f"core), `POST /xlwings/custom-functions-call` as Office.js sends it over keep-alive connections; "
            f"client: {client}, on the same machine, competing for its cores. The target is read on the "
            "two-process server, the configuration the README recommends for a 2-core machine.", "")
    rows = []
    single = [o for o in out if o[0] == 1 and o[1] == 1]
    service = 1 / single[0][6] if single and single[0][6] else float("nan")
    best = [o for o in out if o[0] == 2 and o[1] == 16]
    if best and (best[0][4] > 0.020 or best[0][5] > 0.100):
        sec.unmet.append(
            "Server p50 ≤ 20 ms and p99 ≤ 100 ms at concurrency 16: a server process answers one call at a time "
            "(the functions are CPU-bound Python), so by Little's law the median wait at concurrency 16 is about "
            f"16 × the time a call takes; one call takes ≈ {_ms(service)} ms (1 / calls per second at concurrency 1: "
            "HTTP, JSON, xlwings' argument conversion and the function). Two processes use both cores, but the "
            "load generator runs on the same two cores" + ("" if wrk else " (and a Python client needs about as "
                                                             "much CPU per call as the server: install wrk)") + ".")
    for processes, conc, count, errors, p50, p99, rate in out:
        target = (f"p50 ≤ 20 ms: {_mark(p50 <= 0.020)}; p99 ≤ 100 ms: {_mark(p99 <= 0.100)}"
                  if conc == 16 and processes == 2 else "")
        rows.append([processes, conc, count, errors, _ms(p50), _ms(p99), f"{rate:.0f}", target])
    sec.table(["processes", "concurrency", "calls", "errors", "p50 ms", "p99 ms", "calls/s", "target"], rows)
    return sec


# ------------------------------------------------------------------------------------------------ panel
def _panel_case(regions: int, years: int, m: int, repeats: int) -> Section:
    from dnqp.engine.entropy import entropy_weights
    from dnqp.engine.regression import describe, ols, vif

    sec = Section(f"Scale: a panel of {regions} regions × {years} years × {m} indicators")
    rng = np.random.default_rng(300)
    idx = pd.MultiIndex.from_product([[f"R{r:03d}" for r in range(regions)], range(2001, 2001 + years)],
                                     names=["Region", "Year"])
    n = len(idx)
    X = pd.DataFrame(rng.lognormal(0.0, 1.0, size=(n, m)), index=idx, columns=[f"X{j + 1}" for j in range(m)])
    signs = ["+" if j % 3 != 2 else "-" for j in range(m)]
    dims = {c: f"D{j * 4 // m + 1}" for j, c in enumerate(X.columns)}
    controls = pd.DataFrame(rng.normal(size=(n, 4)), index=idx, columns=["lnPort", "Struc", "lnOpen", "Gov"])

    def study():
        ent = entropy_weights(X, signs)
        sub = ent.subindices(dims)
        y = 0.5 * ent.scores + controls.sum(axis=1) * 0.1 + rng.normal(scale=0.1, size=n)
        analysis = pd.concat([y.rename("lnUpgrade"), ent.scores.rename("DNQP"), controls, sub], axis=1)
        regressors = ["DNQP", *controls.columns]
        out = [describe(analysis[["lnUpgrade", *regressors]]), vif(analysis[regressors]),
               ols(analysis["lnUpgrade"], analysis[regressors]),
               ols(analysis["lnUpgrade"], analysis[regressors], cov="HC1")]
        out += [ols(analysis["lnUpgrade"], analysis[[s, *controls.columns]]) for s in sub.columns]
        return out

    t = _median_time(study, repeats)
    t_ent = _median_time(lambda: entropy_weights(X, signs), repeats)
    peak = _peak_bytes(study)
    sec.add("`run_study` keys rows by a unique year (a time series, as in the paper), so a panel is run through "
            "the same engine steps on a (Region, Year) index: entropy weights on the whole "
            f"{n:,}×{m} matrix (one set of weights for all region-years, the usual pooled convention), the "
            "sub-indices, descriptives, VIF, and pooled OLS of the outcome on the index and 4 controls "
            "(classical and HC1) plus one regression per sub-index. No fixed effects: that is a model choice "
            "the study does not make.", "")
    sec.table(["what", "ms", "peak MiB", "input MiB"], [
        ["entropy weights alone", _ms(t_ent), "", f"{X.to_numpy().nbytes / 2**20:.2f}"],
        ["the panel study (index, sub-indices, tables, 6 regressions)", _ms(t), f"{peak / 2**20:.1f}", ""],
    ])
    return sec


# ------------------------------------------------------------------------------------------------ machine
def _machine() -> Section:
    sec = Section("Machine")
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = ""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    versions = []
    for pkg in ("numpy", "pandas", "scipy", "statsmodels", "xlwings", "openpyxl", "xlsxwriter", "pymcdm", "uvicorn",
                "starlette"):
        try:
            versions.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{pkg} (not installed)")
    blas = "threadpoolctl not installed"
    with contextlib.suppress(ImportError):
        from threadpoolctl import threadpool_info

        blas = "; ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')}, "
                         f"{i.get('num_threads')} threads)" for i in threadpool_info()) or "none found"
    sec.add(f"- CPU: {cpu}; {os.cpu_count()} logical cores; RAM {ram}",
            f"- {platform.system()} {platform.release()}; Python {platform.python_version()}",
            f"- {', '.join(versions)}",
            f"- BLAS (threadpoolctl): {blas}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}",
            "")
    return sec


def run(*, smoke: bool = False, repeats: int | None = None, cases: list[str] | None = None,
        blas_threads: int | None = None) -> str:
    """Run the benchmark and return the Markdown report."""
    repeats = repeats or (1 if smoke else 7)
    fresh = 1 if smoke else max(5, repeats)
    cases = cases or ["entropy", "study", "cold", "udf", "server", "panel", "panel_fe", "panel_workbook", "companion"]
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    sections = [_machine()]
    limit = contextlib.nullcontext()
    if blas_threads:
        from threadpoolctl import threadpool_limits

        limit = threadpool_limits(blas_threads)
        sections[0].add(f"- BLAS limited to {blas_threads} thread(s) in this process (`--blas-threads`)", "")
    with tempfile.TemporaryDirectory(prefix="dnqp-bench-") as work, limit:
        for case in cases:
            print(f"benchmarks.bench: {case} …", file=sys.stderr, flush=True)
            if case == "entropy":
                sections.append(_entropy_case(SMOKE_ENTROPY_SIZES if smoke else ENTROPY_SIZES, repeats))
            elif case == "study":
                sections.append(_study_case(fresh, Path(work)))
            elif case == "cold":
                sections.append(_cold_case(fresh))
            elif case == "udf":
                sections.append(_udf_case([15, 200] if smoke else [15, 10_000], repeats))
            elif case == "server":
                sections.append(_server_case(32 if smoke else 400, 10 if smoke else 60))
            elif case == "companion":
                from benchmarks.companion import companion_case

                sections.append(companion_case(Section, _median_times, smoke, repeats))
            elif case == "panel":
                sections.append(_panel_case(*((20, 5, 6) if smoke else (300, 20, 30)), repeats=max(1, repeats // 2)))
            elif case == "panel_fe":
                from .bench_panel import panel_fe_case

                sections.append(panel_fe_case(Section, _median_times, bare_entropy, _ms, _mark,
                                              repeats=max(1, repeats // 2), smoke=smoke))
            elif case == "panel_workbook":
                from .bench_workbook import workbook_case

                sections.append(workbook_case(Section, _fresh_many, _ms, _mark, repeats=fresh if smoke else 3, work=Path(work),
                                              smoke=smoke))
            else:
                raise SystemExit(f"benchmarks.bench: unknown case {case!r}")
    load_after = os.getloadavg()
    head = [
        "# dnqp benchmarks",
        "",
        f"Generated by `python -m benchmarks.bench{' --smoke' if smoke else ''}` (`make bench`) on {started}, in "
        f"{time.perf_counter() - t0:.0f} s. Medians of {repeats} repeats in-process and {fresh} fresh processes.",
        "",
        f"**Load average** (1, 5, 15 min) before: {', '.join(f'{v:.2f}' for v in load_before)}; after: "
        f"{', '.join(f'{v:.2f}' for v in load_after)} on {os.cpu_count()} cores. A load near or above the core "
        "count means other work shared the machine: absolute times are then inflated and noisy; ratios taken "
        "in the same run are more robust. Re-measure on a quiet machine before quoting numbers.",
        "",
    ]
    if smoke:
        head += ["*Smoke run: tiny sizes, one repeat — checks that the harness works, not how fast dnqp is.*", ""]
    body = []
    for s in sections:
        body += [f"## {s.title}", "", *s.lines]
    unmet = [u for s in sections for u in s.unmet]
    body += ["## Targets not met, and why", ""]
    body += [f"- {u}" for u in unmet] if unmet else ["Every target was met in this run."]
    body += [""]
    return "\n".join(head + body).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repeat (the test suite's check)")
    parser.add_argument("--output", default="BENCHMARKS.md",
                        help="the Markdown report to write (a folder: BENCHMARKS.md inside it); default BENCHMARKS.md")
    parser.add_argument("--repeats", type=int, help="repeats per timing (default 7; smoke 1)")
    parser.add_argument("--cases",
                        help="comma-separated subset of entropy,study,cold,udf,server,panel,panel_fe,panel_workbook,"
                             "companion")
    parser.add_argument("--blas-threads", type=int, help="limit BLAS to this many threads (needs threadpoolctl)")
    args = parser.parse_args(argv)
    out = Path(args.output)
    if out.is_dir() or not out.suffix:
        out.mkdir(parents=True, exist_ok=True)
        out = out / "BENCHMARKS.md"
    report = run(smoke=args.smoke, repeats=args.repeats, cases=args.cases.split(",") if args.cases else None,
                 blas_threads=args.blas_threads)
    out.write_text(report, encoding="utf-8")
    print(f"benchmarks.bench: wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
