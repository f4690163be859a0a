"""The ``dnqp`` command line: a thin shell over the engine and the workbook reader/writers.

Exit codes: 0 success; 2 bad input (one line per problem on stderr, each naming its sheet and cell, no
traceback); 1 internal error; 3 ``dnqp audit`` ran and found inconsistencies in the table (one line each on
stdout; 0 when the table is consistent). ``--debug`` shows the traceback of an internal error.

Subcommands are registered in :data:`COMMANDS` (name → function adding the subparser), so another
surface (``serve``, ``addin``) is one more entry.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import DataError, DnqpError

__all__ = ["main", "build_parser", "COMMANDS", "DEMO_DIR"]

#: Where ``dnqp demo`` writes the sample workbook and its results (relative to the current folder).
DEMO_DIR = Path("out")


def _console():
    from rich.console import Console

    return Console()


def _results_path(workbook: Path, output: str | None) -> Path:
    """Where results go: ``-o`` or ``<name>_results.xlsx`` beside the input; never the input itself."""
    from .workbook.atomic import same_file
    from .workbook.marks import is_results_workbook

    out = Path(output) if output else workbook.with_name(f"{workbook.stem}_results.xlsx")
    if out.suffix.lower() != ".xlsx":
        raise DataError(f"{out}: the results file must end in .xlsx")
    if same_file(out, workbook):
        raise DataError(f"{out}: the results file cannot be the input workbook (it is never written)")
    if out.exists() and not is_results_workbook(out):
        raise DataError(f"{out} exists and was not written by dnqp run: choose another -o path")
    return out


def _default_workers() -> int:
    """Processes for a big panel's fits: two where there are two cores and fork (Linux, macOS), else one."""
    from .engine.parallel import can_fork

    return 2 if (os.cpu_count() or 1) >= 2 and can_fork() else 1


def _one_blas_thread() -> None:
    """One BLAS thread (set before numpy loads; a value the user set stays). The study's matrices are thin
    (rows × a few regressors), where a second BLAS thread gains little, and on a two-core machine with any other
    load OpenBLAS's waiting threads made the panel regressions three times slower (BENCHMARKS.md); with the
    fits in two processes, two threads each would compete for the same two cores."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def _study(workbook: Path, workers: int | None = None):
    """Read, check and run: the sheets are parsed (python-calamine, in a thread: it releases the GIL) while
    pandas, the engine and, for a panel workbook, linearmodels load; a big panel's fits run in ``workers``
    processes (:mod:`dnqp.engine.parallel`; default :func:`_default_workers`), one BLAS thread each."""
    _one_blas_thread()
    from .engine.cells import norm_key
    from .workbook.schema import REGIONS
    from .workbook.sheetvalues import start_reading

    reading = start_reading(workbook)  # the hostile-file checks first
    from .workbook.xlsx import read_workbook

    if norm_key(REGIONS.sheet) in map(norm_key, reading.names()):
        from .engine.panel_regression import load_backend

        load_backend()
    inputs = read_workbook(workbook, reading)
    from .engine.parallel import workers as side_by_side

    with side_by_side(workers or _default_workers()):
        return inputs, inputs.run()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _sigterm_interrupts() -> None:
    """SIGTERM (a polite kill) ends a run like Ctrl-C: its partial file is deleted, the previous results stay."""
    import signal

    with contextlib.suppress(ValueError, AttributeError):  # not the main thread, or no SIGTERM
        signal.signal(signal.SIGTERM, _interrupt)


def _run(args) -> int:
    _sigterm_interrupts()
    workbook = Path(args.workbook)
    out = _results_path(workbook, args.output)
    if args.workers is not None and args.workers < 1:
        raise DataError(f"--workers {args.workers}: give 1 or more processes")
    inputs, result = _study(workbook, args.workers)
    if not args.quiet:
        from .terminal import print_study

        print_study(result, _console())
    else:  # quiet hides the tables, not the warnings
        for note in result.warnings:
            print(f"note: {note}")
    docx_out, latex_out = _manuscript_paths(args, workbook, out)
    from .workbook.xlsx import write_results

    write_results(result, out, inputs)
    print(f"Results written to {out}")
    if docx_out is not None:
        from .workbook.docx import write_docx

        write_docx(result, docx_out, inputs)
        print(f"Word tables and figures written to {docx_out}")
    if latex_out is not None:
        from .workbook.latex import write_latex

        write_latex(result, latex_out, inputs)
        print(f"LaTeX tables written to {latex_out}")
    args.kept = (inputs, result)  # freed with the process (see _leave), not object by object on return
    return 0


def _manuscript_paths(args, workbook: Path, results: Path) -> tuple[Path | None, Path | None]:
    """Where ``--docx`` / ``--latex`` write (default: beside the results, same name); checked before the run
    writes anything. Never the input workbook."""
    from .workbook.xlsx import same_file

    paths = []
    for option, suffix in (("docx", ".docx"), ("latex", ".tex")):
        value = getattr(args, option, None)
        if value is None:
            paths.append(None)
            continue
        path = Path(value) if value else results.with_suffix(suffix)
        if path.suffix.lower() != suffix:
            raise DataError(f"{path}: the --{option} file must end in {suffix}")
        if same_file(path, workbook) or same_file(path, results):
            raise DataError(f"{path}: the --{option} file cannot be the input workbook or the results workbook")
        if option == "docx":
            from .workbook.docx import check_not_open

            check_not_open(path)
        paths.append(path)
    return paths[0], paths[1]


def _check(args) -> int:
    workbook = Path(args.workbook)
    inputs, result = _study(workbook)
    if getattr(inputs, "design", ""):
        return _check_panel(workbook, inputs, result)
    years = result.index.index
    print(f"{workbook}: OK — {len(result.weights)} indicators in {len(result.dimension_weights)} dimensions, "
          f"{len(years)} years ({years[0]}–{years[-1]}), {len(result.baseline.params) - 1} regressors")
    _print_coerced(inputs)
    for _, cell in result.imputed.iterrows():
        where = inputs.address(cell["table"], cell["row"], cell["column"])
        print(f"note: {where} ({cell['column']}, {cell['row']}) is missing: imputed ({result.settings.impute}) "
              f"as {cell['value']:.6g}")
    for note in result.warnings:
        if "was missing and imputed" not in note:
            print(f"note: {note}")
    return 0


def _print_coerced(inputs) -> None:
    """The cells ``dnqp check`` read from text (a number typed as text), one note each."""
    for report in inputs.reports:
        if report.action == "coerced":
            print(f"note: {report}")


def _check_panel(workbook: Path, inputs, result) -> int:
    """``dnqp check`` on a panel workbook: the design, then every note naming its cell."""
    m = result.main
    print(f"{workbook}: OK — {len(result.indicators)} indicators, {inputs.design.removeprefix('design: ')}; "
          f"{len(m.params) - 1} regressors, {m.effects} effects")
    _print_coerced(inputs)
    for _, cell in result.imputed.iterrows():
        where = inputs.address(cell["table"], (cell["Region"], cell["Year"]), cell["column"])
        print(f"note: {where} ({cell['column']}, {cell['Region']} {cell['Year']}) is missing: imputed "
              f"({result.settings.impute}, within the region) as {cell['value']:.6g}")
    for note in result.warnings:
        if "was missing and imputed" not in note and not note.startswith("design:"):
            print(f"note: {note}")
    return 0


def _template(args) -> int:
    from .workbook.xlsx import write_template

    panel = getattr(args, "panel", False)
    stem = ("dnqp_panel_" if panel else "dnqp_") + ("sample" if args.sample else "template")
    out = Path(args.output or f"{stem}.xlsx")
    if out.exists() and not args.force:
        raise DataError(f"{out} exists: it may hold your data, so it is not overwritten (use --force or another -o)")
    write_template(out, sample=args.sample, panel=panel)
    what = "sample workbook" if args.sample else "template"
    print(f"{'Panel ' + what if panel else what.capitalize()} written to {out}")
    return 0


def _demo(args) -> int:
    from .engine import panel_sample, sample
    from .terminal import print_study
    from .workbook.xlsx import write_results, write_template

    folder = Path(args.output_dir)
    panel = getattr(args, "panel", False)
    PROVENANCE = (panel_sample if panel else sample).PROVENANCE  # noqa: N806
    stem = "dnqp_panel_sample" if panel else "dnqp_sample"
    workbook = write_template(folder / f"{stem}.xlsx", sample=True, panel=panel)
    inputs, result = _study(workbook)
    console = _console()
    console.print(f"[bold]dnqp demo{' --panel' if panel else ''}[/bold] — {PROVENANCE}")
    print_study(result, console)
    out = write_results(result, folder / ("demo_panel_results.xlsx" if panel else "demo_results.xlsx"), inputs)
    console.print(f"\nSample workbook: [bold]{workbook.resolve()}[/bold]")
    console.print(f"Results workbook: [bold]{out.resolve()}[/bold] (open it in Excel or LibreOffice)")
    return 0


#: The exit code of ``dnqp audit`` when the audited table has inconsistencies (the run itself succeeded).
AUDIT_FOUND = 3


def _audit(args) -> int:
    from .engine.audit import audit_table
    from .workbook.printed import read_printed_table

    result = audit_table(read_printed_table(args.table, args.sheet), padded=not args.strict)
    for line in result.lines():
        print(f"{args.table}: {line}")
    return 0 if result.consistent else AUDIT_FOUND


def _add_audit(sub) -> None:
    p = sub.add_parser("audit", help="check a published regression table's t, p, stars and F for slips beyond "
                                     "rounding (exit 3 if any)")
    p.add_argument("table", help="the table as printed: a .csv file or an .xlsx sheet (term, Coef., Std. Err., t, "
                                 "P>|t|; then Observations, R-squared, F rows)")
    p.add_argument("--sheet", help="the sheet of an .xlsx file (default: the first)")
    p.add_argument("--strict", action="store_true",
                   help="take every printed digit at its word (default: trailing zeros may be padding)")
    p.set_defaults(func=_audit)


def _add_run(sub) -> None:
    p = sub.add_parser("run", help="read a filled workbook, run the study, write a results workbook")
    p.add_argument("workbook", help="a filled dnqp template (.xlsx); it is only read")
    p.add_argument("-o", "--output", help="results workbook (default: <name>_results.xlsx beside the input)")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the tables")
    p.add_argument("--docx", nargs="?", const="", metavar="PATH",
                   help="also write the tables and figures as a Word manuscript (default: <results>.docx)")
    p.add_argument("--latex", nargs="?", const="", metavar="PATH",
                   help="also write the tables as LaTeX booktabs (default: <results>.tex)")
    p.add_argument("--workers", type=int, metavar="N", default=None,
                   help="processes for a big panel's regressions (default: 2 with two cores or more on Linux and "
                        "macOS, else 1; the results are the same)")
    p.set_defaults(func=_run)


def _add_check(sub) -> None:
    p = sub.add_parser("check", help="validate a filled workbook and list every problem with its cell")
    p.add_argument("workbook", help="a filled dnqp template (.xlsx); it is only read")
    p.set_defaults(func=_check)


def _add_template(sub) -> None:
    p = sub.add_parser("template", help="write the blank workbook template (or the filled sample)")
    p.add_argument("-o", "--output", help="where to write it (default: dnqp_template.xlsx / dnqp_sample.xlsx)")
    p.add_argument("--sample", action="store_true", help="fill it with the illustrative sample")
    p.add_argument("--panel", action="store_true", help="the panel template (regions × years, with a Regions sheet)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=_template)


def _add_demo(sub) -> None:
    p = sub.add_parser("demo", help="run the study on the bundled illustrative sample, print it, write out/")
    p.add_argument("--output-dir", default=str(DEMO_DIR), help="folder for the sample and results (default: out)")
    p.add_argument("--panel", action="store_true", help="the ILLUSTRATIVE 31-province × 2012–2023 panel sample")
    p.set_defaults(func=_demo)


#: Subcommand name → function adding its subparser. Add a surface by adding an entry.
COMMANDS: dict[str, Callable] = {"template": _add_template, "check": _add_check, "run": _add_run, "demo": _add_demo,
                                 "audit": _add_audit}
from .cli_excel import EXCEL_COMMANDS  # noqa: E402 - serve, addin: the Excel add-in's commands

COMMANDS.update(EXCEL_COMMANDS)


def _short_lived() -> None:
    """A command that runs once and exits: Python's cycle collector is paused (its passes over the millions of
    cells of a big workbook cost a tenth of the run; the memory goes back to the system with the process)."""
    import gc

    gc.disable()


def _leave(code: int):
    """End this process now: every file is written and closed (atomically) by then and the process pool shut
    down; the exit functions (``atexit``: a coverage tool's, the log's) run and stdout and stderr are flushed
    first. Tearing the interpreter down instead would free the study's millions of objects one by one (0.3–0.5
    s after a 56,000-row panel) for nothing. Where CPython's ``atexit._run_exitfuncs`` is missing, the process
    ends the ordinary way."""
    import atexit
    import logging

    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_functions is None:
        return
    run_exit_functions()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="dnqp", description="Entropy-weight index and regression tables.")
    parser.add_argument("--version", action="version", version=f"dnqp {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS.values():
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one ``dnqp`` command; returns its exit code. Called without ``argv`` (the ``dnqp`` console script,
    ``python -m dnqp.cli``), a command other than ``serve`` is the process's own: it then ends the process
    when done (:func:`_leave`). With ``argv`` (a test, another program) it only returns."""
    parser = build_parser()
    args = parser.parse_args(argv)
    own = argv is None and args.command != "serve"  # this process's own short command (not a test's call)
    if own:
        _short_lived()
    code = _dispatch(args)
    if own:
        _leave(code)
    return code


def _dispatch(args) -> int:
    try:
        return args.func(args)
    except DnqpError as err:
        for problem in getattr(err, "problems", None) or [err]:
            print(f"dnqp: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dnqp: interrupted", file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - the last line of defence: no traceback for users
        if args.debug:
            raise
        print(f"dnqp: internal error: {type(err).__name__}: {err} (run with --debug for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
