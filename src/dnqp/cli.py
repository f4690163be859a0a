"""The ``dnqp`` command line: a thin shell over the engine.

Exit codes: 0 success; 2 bad input (one line per problem on stderr, no traceback); 1 internal error.
``--debug`` shows the traceback of an internal error.
"""

from __future__ import annotations

import argparse
import sys

from .errors import DnqpError

__all__ = ["main"]


def _demo(args) -> int:
    from rich.console import Console

    from .report import print_study
    from .sample import DIMENSION_LABELS, PROVENANCE, load_sample
    from .study import run_study

    console = Console()
    sample = load_sample()
    result = run_study(sample["indicators"], sample["data"], sample["variables"], sample["model"],
                       dimension_labels=DIMENSION_LABELS)
    console.print(f"[bold]dnqp demo[/bold] — {PROVENANCE}")
    print_study(result, console)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="dnqp", description="Entropy-weight index and regression tables.")
    parser.add_argument("--version", action="version", version=f"dnqp {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="run the study on the bundled illustrative sample and print the tables")
    p.set_defaults(func=_demo)
    from .cli_excel import add_commands  # serve, addin: the Excel add-in's commands

    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DnqpError as err:
        print(f"dnqp: {err}", file=sys.stderr)
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
