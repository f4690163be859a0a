"""The Excel add-in's commands of the ``dnqp`` command line: ``dnqp serve`` and ``dnqp addin …``."""

from __future__ import annotations

__all__ = ["EXCEL_COMMANDS", "add_serve", "add_addin"]


def _serve(args) -> int:
    import os

    from .excel.server import serve

    if args.manifest_id:
        os.environ["DNQP_MANIFEST_ID"] = args.manifest_id  # read by ServerConfig, in every server process
    if args.processes < 1:
        from .errors import SettingsError

        raise SettingsError(f"--processes must be 1 or more, got {args.processes}")
    return serve(args.host, args.port, args.certfile, args.keyfile, processes=args.processes)


def _addin(args) -> int:
    from .excel import addin

    if args.action == "build":
        for path in addin.build(args.dir):
            print(path)
        return 0
    print(addin.install())
    return 0


def add_serve(sub) -> None:
    """Add ``dnqp serve`` to the subcommands ``sub``."""
    p = sub.add_parser("serve", help="serve the Excel functions and ribbon scripts to Office.js (xlwings Server "
                                     "protocol; needs XLWINGS_LICENSE_KEY, optional DNQP_API_KEY)")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--certfile", help="TLS certificate (Office.js add-ins need https), e.g. from mkcert")
    p.add_argument("--keyfile", help="TLS private key")
    p.add_argument("--processes", type=int, default=1,
                   help="server processes answering in parallel (default 1; about one per core)")
    p.add_argument("--manifest-id", help="the add-in manifest's <Id>, a GUID (default: DNQP_MANIFEST_ID, else one "
                                          "derived from the server's URL)")
    p.set_defaults(func=_serve)


def add_addin(sub) -> None:
    """Add ``dnqp addin install|build`` to the subcommands ``sub``."""
    p = sub.add_parser("addin", help="the desktop Excel add-in dnqp.xlam: install it, or rebuild it")
    p.add_argument("action", choices=["install", "build"],
                   help="install: copy dnqp.xlam to Excel's XLSTART folder (Windows/macOS); build: rebuild "
                        "addin/ from the xlwings template")
    p.add_argument("--dir", default="addin", help="with build: the output folder (default addin)")
    p.set_defaults(func=_addin)


#: Subcommand name → function adding its subparser (merged into :data:`dnqp.cli.COMMANDS`).
EXCEL_COMMANDS = {"serve": add_serve, "addin": add_addin}
