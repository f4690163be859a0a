"""``dnqp serve``: dnqp's worksheet functions and ribbon scripts for Excel on Mac/web/Windows (Office.js).

A small Starlette (ASGI) app over the xlwings Server protocol: it answers the requests that the
xlwings Office.js client sends (``/xlwings/custom-functions-meta``, ``/xlwings/custom-functions-call``,
``/xlwings/custom-scripts-call/{name}``) with :mod:`dnqp.udfs` and :mod:`dnqp.excel.ribbon`, and serves
the add-in manifest and task pane. The function namespace is ``DNQP`` (``=DNQP.ENTROPY_WEIGHTS(...)``).

Licence: the request handlers ``xlwings.server.*`` are xlwings PRO code (PolyForm Noncommercial 1.0.0
or a paid xlwings PRO licence). The key is the user's: ``XLWINGS_LICENSE_KEY`` must be set, to
``noncommercial`` only if the use is noncommercial (research, public institutions).

``XLWINGS_ON_SERVER=true`` must be in the environment before the first ``import xlwings`` of the
process (xlwings chooses its decorators then); :func:`prepare_environment` does that, and
:func:`create_app` refuses to start if xlwings was already imported the other way.

Security (see the README, Security):

* API key: when ``DNQP_API_KEY`` is set, every call (custom function or script) must carry
  ``Authorization: Bearer <key>``: no or a malformed header → 401, a wrong key → 403 (compared in
  constant time). The manifest, task pane, metadata and client script stay public: Office loads them.
* Only the catalogue runs: a function name must be one of ``dnqp.udfs.__all__`` and a script one of
  ``dnqp.excel.ribbon.__all__`` (a dictionary lookup, never an attribute lookup on a module); anything else
  is a 404. Nothing received is evaluated: JSON is parsed with :func:`json.loads` (NaN and Infinity
  refused), cells are data.
* Limits: a body over ``DNQP_MAX_BODY_MB`` (default 50) MB → 413, checked on Content-Length and counted
  while the body streams in (so a chunked body cannot slip past); more than ``DNQP_MAX_CELLS``
  (default 1,000,000) cells in one request → 413.
* CORS: cross-origin requests are allowed only from the origins listed in ``DNQP_CORS_ORIGINS``
  (comma-separated; default none: the add-in's pages and functions are served by this server itself,
  so they are same-origin).
* Errors are one-line texts (4xx for bad requests; 500 "internal error" for a bug, with the traceback
  in the server's log only), never a traceback in a response.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import sys
from importlib import resources
from pathlib import Path

from ..errors import DnqpError

__all__ = ["LICENSE_HELP", "prepare_environment", "create_app", "serve", "manifest_xml", "NAMESPACE", "Limits"]

NAMESPACE = "DNQP"
log = logging.getLogger("dnqp.excel.server")
LICENSE_HELP = ("the Office.js functions run on xlwings PRO code: set XLWINGS_LICENSE_KEY to your xlwings PRO "
                "key, or to 'noncommercial' if your use is noncommercial (research, public institutions)")


class ServerSetupError(DnqpError):
    """The server cannot start: missing licence key, xlwings imported in the wrong mode, ..."""


def prepare_environment() -> None:
    """Set ``XLWINGS_ON_SERVER`` before xlwings is imported, and check that a licence key is present."""
    if not os.environ.get("XLWINGS_LICENSE_KEY", "").strip():
        raise ServerSetupError(LICENSE_HELP)
    if "xlwings" in sys.modules and os.environ.get("XLWINGS_ON_SERVER") != "true":
        raise ServerSetupError("xlwings was imported before XLWINGS_ON_SERVER=true was set: start the server in a "
                               "fresh process (dnqp serve)")
    os.environ["XLWINGS_ON_SERVER"] = "true"
    _no_pyodide()


def _no_pyodide() -> None:
    """Outside Pyodide, answer xlwings' per-cell "is this Pyodide's JsNull?" question without an import.

    xlwings 0.37's ``utils.is_jsnull`` tries ``from pyodide.ffi import JsNull`` for every cell of every
    argument, and a failed import is not cached, so each cell cost a search of ``sys.path`` (about
    0.1 ms; 22 s for a 2000 × 100 range). ``None`` in ``sys.modules`` is Python's own mark for a module
    known to be absent, which makes that import fail at once; and since the function's answer outside
    Pyodide is always False (its documented behaviour), its two users get a function that says so
    without attempting the import at all.
    """
    import importlib.util

    if "pyodide" in sys.modules or importlib.util.find_spec("pyodide") is not None:
        return
    sys.modules["pyodide"] = None

    def is_jsnull(value) -> bool:
        return False

    import xlwings.conversion.standard as standard
    import xlwings.utils as utils

    for module in (utils, standard):
        if hasattr(module, "is_jsnull"):
            module.is_jsnull = is_jsnull


def manifest_xml(base_url: str) -> str:
    """The Office add-in manifest for a server at ``base_url`` (e.g. ``https://localhost:8000``)."""
    template = (resources.files("dnqp.excel") / "web" / "manifest.xml").read_text(encoding="utf-8")
    return template.replace("{base_url}", base_url.rstrip("/"))


def _xlwings_server_static() -> Path | None:
    """xlwings-server's static folder (the Office.js client), if xlwings-server is installed."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("xlwings_server")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    static = Path(list(spec.submodule_search_locations)[0]) / "static"
    return static if static.is_dir() else None


class Limits:
    """The request limits, read from the environment when the app is created."""

    def __init__(self, max_body_mb: float | None = None, max_cells: int | None = None):
        self.max_body_mb = max_body_mb if max_body_mb is not None else _env_number("DNQP_MAX_BODY_MB", 50)
        self.max_cells = int(max_cells if max_cells is not None else _env_number("DNQP_MAX_CELLS", 1_000_000))
        self.max_body = int(self.max_body_mb * 1024 * 1024)
        # One worker by default: the calls are mostly Python (pandas) under the GIL, so more threads add
        # contention rather than speed; the event loop stays free for everything else either way.
        self.workers = int(_env_number("DNQP_WORKERS", 1))


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ServerSetupError(f"{name} must be a positive number, got {raw!r}")
    return value


class Rejected(Exception):
    """A request refused with ``status`` and a one-line ``message``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


async def read_json(request, limits: Limits) -> object:
    """The request body parsed as JSON, within ``limits.max_body`` bytes.

    The Content-Length header is checked first; the body is then counted as it streams in, so a
    chunked body (no Content-Length) cannot exceed the limit either.
    """
    too_big = Rejected(413, f"the request body is larger than the limit of {limits.max_body_mb:g} MB "
                            "(DNQP_MAX_BODY_MB)")
    length = request.headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise Rejected(400, "the Content-Length header is not a number")
        if int(length) > limits.max_body:
            raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limits.max_body:
            raise too_big
    try:
        return json.loads(bytes(body), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError, too many digits, too deep
        raise Rejected(400, "the request body is not JSON") from None


_SCALARS = (str, int, float, bool, type(None))


def _is_cell(value: object) -> bool:
    """A cell value as Office.js sends it: a JSON scalar, or a typed value {"type": ..., "basicValue": scalar}."""
    if isinstance(value, _SCALARS):
        return True
    return (isinstance(value, dict) and isinstance(value.get("type"), str)
            and (value["type"] == "Error" or "basicValue" in value) and isinstance(value.get("basicValue"), _SCALARS))


def count_cells(value: object, limit: int) -> int:
    """How many scalars ``value`` holds at any depth; :class:`Rejected` (413) as soon as it passes ``limit``."""
    n, stack = 0, [value]
    while stack:
        v = stack.pop()
        if isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
        else:
            n += 1
            if n > limit:
                raise Rejected(413, f"the request holds more than {limit} cells, the limit (DNQP_MAX_CELLS)")
    return n


def check_args(name: str, func, args: object) -> None:
    """The ``args`` of a custom-function call: one per parameter at most, each blank, a cell or a range."""
    import inspect

    if not isinstance(args, list):
        raise Rejected(400, "the request has no list of args")
    params = list(inspect.signature(func).parameters.values())
    required = sum(p.default is inspect.Parameter.empty for p in params)
    if not required <= len(args) <= len(params):
        expected = f"{required}" if required == len(params) else f"{required} to {len(params)}"
        raise Rejected(400, f"{name} takes {expected} arguments, got {len(args)}")
    for i, arg in enumerate(args):
        ok = (_is_cell(arg) or isinstance(arg, list) and (
            all(_is_cell(v) for v in arg)
            or all(isinstance(r, list) and all(_is_cell(v) for v in r) for r in arg)))
        if not ok:
            raise Rejected(400, f"{name}: argument {i + 1} ({params[i].name}) is neither a cell nor a range of cells")


def _shown(name: object) -> str:
    """A name from a request, quoted for a message and cut to 100 characters."""
    return repr(name[:100] + "…" if isinstance(name, str) and len(name) > 100 else name)[:120]


def _check_key(request):
    """None if the request may proceed, else the 401/403 response."""
    from starlette.responses import PlainTextResponse

    key = os.environ.get("DNQP_API_KEY", "")
    if not key:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return PlainTextResponse("missing API key: send 'Authorization: Bearer <key>'", status_code=401,
                                 headers={"WWW-Authenticate": "Bearer"})
    # Constant time, on bytes: the header as received (ASGI servers decode it as Latin-1, so encoding it back
    # gives the raw bytes) against the key's UTF-8 bytes.
    if not hmac.compare_digest(token.strip().encode("latin-1"), key.encode("utf-8")):
        return PlainTextResponse("wrong API key", status_code=403)
    return None


def create_app():
    """The ASGI app. Call :func:`prepare_environment` first (``dnqp serve`` does)."""
    prepare_environment()
    _no_pyodide()
    import xlwings as xw
    import xlwings.server as xs
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Mount, Route

    from .. import __version__
    from . import ribbon as scripts
    from . import functions as udfs

    import anyio

    limits = Limits()
    workers = anyio.CapacityLimiter(limits.workers)
    functions = {n: getattr(udfs, n) for n in udfs.__all__}
    script_names = set(scripts.__all__)
    if not all(hasattr(f, "__xlfunc__") for f in functions.values()):
        raise ServerSetupError("dnqp.udfs was imported without XLWINGS_ON_SERVER=true: start the server in a "
                               "fresh process (dnqp serve)")
    web = resources.files("dnqp.excel") / "web"

    def text(message: str, status: int) -> PlainTextResponse:
        return PlainTextResponse(" ".join(str(message).split()), status_code=status)

    async def root(request):
        return JSONResponse({"status": "ok", "dnqp": __version__, "xlwings": xw.__version__})

    async def meta(request):
        data = xs.custom_functions_meta(udfs)
        data["functions"] = [f for f in data["functions"] if f["name"] in functions]
        return JSONResponse(data)

    async def code(request):
        static = _xlwings_server_static()
        if static is None:
            return text("the Office.js client of the custom functions comes with xlwings-server, which is not "
                        "installed: pip install 'dnqp[server]'", 404)
        js = (static / "js" / "custom-functions" / "custom-functions-code.js").read_text(encoding="utf-8")
        js = js.replace("placeholder_xlwings_version", xw.__version__).replace(
            "placeholder_custom_functions_call_path", "/xlwings/custom-functions-call")
        for name in sorted(functions):
            js += (f'\nasync function {name}() {{\n  return await base({{funcName: "{name}", isStreaming: false, '
                   f'isCached: false, callerScoped: false}}, ...arguments);\n}}\n'
                   f'CustomFunctions.associate("{name}", {name});\n')
        return Response(js, media_type="text/javascript")

    async def call(request):
        if (denied := _check_key(request)) is not None:
            return denied
        data = await read_json(request, limits)
        name = data.get("func_name") if isinstance(data, dict) else None
        if not isinstance(name, str) or name not in functions:
            # A dictionary lookup in the catalogue: never getattr on a module with a name from the request.
            return text(f"unknown function {_shown(name)}", 404)
        args = data.get("args")
        count_cells(args, limits.max_cells)
        check_args(name, functions[name], args)
        runtime = str(data.get("runtime", "1.4"))
        if runtime not in RUNTIMES:
            return text(f"unknown custom functions runtime {runtime[:20]!r} (expected one of {', '.join(RUNTIMES)})",
                        400)
        # Only the keys xlwings reads, each of the type it expects; the rest of the request is ignored.
        call_data = {"client": "Office.js", "version": xw.__version__, "func_name": name, "args": args,
                     "runtime": runtime}
        for key in ("date_format", "culture_info_name"):
            if isinstance(data.get(key), str):
                call_data[key] = data[key]
        try:
            # In a worker thread (at most limits.workers at a time), so that one long call does not stall the
            # others or the server; xlwings' call is a coroutine, run on the thread's own event loop.
            rv = await anyio.to_thread.run_sync(lambda: asyncio.run(xs.custom_functions_call(call_data, udfs)),
                                                limiter=workers)
        except xw.XlwingsError as err:
            return text(str(err), 400)
        except (KeyError, TypeError, ValueError, IndexError) as err:
            return text(f"malformed request for {name}: {type(err).__name__}: {err}", 400)
        return JSONResponse({"result": rv})

    async def scripts_meta(request):
        return JSONResponse([s for s in xs.custom_scripts_meta(scripts) if s["function_name"] in script_names])

    async def scripts_call(request):
        if (denied := _check_key(request)) is not None:
            return denied
        name = request.path_params["name"]
        if name not in script_names:
            return text(f"unknown script {_shown(name)}", 404)
        payload = await read_json(request, limits)
        if not isinstance(payload, dict) or not isinstance(payload.get("sheets"), list):
            return text("the request has no workbook (book, sheets, names)", 400)
        count_cells(payload, limits.max_cells)
        args = payload.pop("args", None) or []
        if not isinstance(args, list) or not all(isinstance(a, _SCALARS) for a in args):
            return text("the args of a script must be a list of values", 400)
        payload.setdefault("client", "Office.js")
        payload.setdefault("version", xw.__version__)
        payload.setdefault("names", [])
        def work() -> dict:
            try:
                book = xw.Book(json=payload)
            except (KeyError, TypeError, ValueError, IndexError) as err:
                raise Rejected(400, f"malformed workbook in the request: {type(err).__name__}: {err}") from None
            try:
                book = asyncio.run(xs.custom_scripts_call(scripts, name, None, typehint_to_value={xw.Book: book},
                                                          args=args))
                return book.json()
            finally:
                if getattr(book, "api", None) is not None:
                    book.close()

        try:
            return JSONResponse(await anyio.to_thread.run_sync(work, limiter=workers))
        except xw.XlwingsError as err:
            return text(str(err), 400)

    async def taskpane(request):
        page = (web / "taskpane.html").read_text(encoding="utf-8")
        return HTMLResponse(page.replace('"xlwingsVersion": ""', f'"xlwingsVersion": "{xw.__version__}"'))

    async def manifest(request):
        return Response(manifest_xml(str(request.base_url)), media_type="application/xml")

    async def alert(request):
        from html import escape

        q = request.query_params
        return HTMLResponse(f"<!doctype html><meta charset='utf-8'><title>{escape(q.get('title', 'dnqp'))}</title>"
                            f"<p style='font-family:sans-serif'>{escape(q.get('prompt', ''))}</p>")

    routes = [
        Route("/", root),
        Route("/xlwings/custom-functions-meta", meta), Route("/xlwings/custom-functions-meta.json", meta),
        Route("/xlwings/custom-functions-code", code), Route("/xlwings/custom-functions-code.js", code),
        Route("/xlwings/custom-functions-call", call, methods=["POST"]),
        Route("/xlwings/custom-scripts-meta", scripts_meta), Route("/xlwings/custom-scripts-meta.json", scripts_meta),
        Route("/xlwings/custom-scripts-call/{name}", scripts_call, methods=["POST"]),
        Route("/xlwings/alert", alert),
        Route("/taskpane", taskpane), Route("/taskpane.html", taskpane),
        Route("/manifest", manifest), Route("/manifest.xml", manifest),
    ]
    static = _xlwings_server_static()
    if static is not None:
        from starlette.staticfiles import StaticFiles

        routes.append(Mount("/static", app=StaticFiles(directory=static), name="static"))
    middleware = [Middleware(CORSMiddleware, allow_origins=cors_origins(), allow_methods=["GET", "POST"],
                             allow_headers=["Authorization", "Content-Type", "Auth-Provider"])]

    async def rejected(request, exc: Rejected):
        return text(str(exc), exc.status)

    async def http_error(request, exc):
        return text(exc.detail or "error", exc.status_code)

    async def internal(request, exc: Exception):
        log.error("internal error in %s %s", request.method, request.url.path, exc_info=exc)
        return text("internal error: the server's log has the details", 500)

    from starlette.exceptions import HTTPException

    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={Rejected: rejected, HTTPException: http_error, Exception: internal})


#: The custom functions runtimes Office.js reports (``runtime`` of a call).
RUNTIMES = ("1.1", "1.2", "1.3", "1.4")


def cors_origins() -> list[str]:
    """The origins allowed to call the server cross-origin: ``DNQP_CORS_ORIGINS``, comma-separated (default none).

    The add-in's pages, its custom functions script and its calls all come from this server's own
    origin, so Office needs no CORS; list other origins only for a page elsewhere that calls dnqp.
    """
    origins = [o.strip().rstrip("/") for o in os.environ.get("DNQP_CORS_ORIGINS", "").split(",") if o.strip()]
    for o in origins:
        if o != "*" and not o.startswith(("https://", "http://")):
            raise ServerSetupError(f"DNQP_CORS_ORIGINS: {o!r} is not an origin such as https://example.org")
    return origins


def serve(host: str = "127.0.0.1", port: int = 8000, certfile: str | None = None, keyfile: str | None = None,
          processes: int = 1) -> int:
    """Run the app with uvicorn until interrupted (https when a certificate is given).

    ``processes`` > 1 runs that many server processes on the same socket (uvicorn workers): the
    functions are CPU-bound Python, so this is how a multi-core machine answers calls in parallel.
    """
    import uvicorn

    scheme = "https" if certfile else "http"
    options = dict(host=host, port=port, log_level="warning", ssl_certfile=certfile, ssl_keyfile=keyfile)
    if processes > 1:
        prepare_environment()  # fail here, once, rather than in every worker
        target, extra = "dnqp.excel.server:create_app", {"factory": True, "workers": processes}
    else:
        target, extra = create_app(), {}
    print(f"dnqp serve: {scheme}://{host}:{port} with {processes} process(es) (functions =DNQP.…; manifest "
          f"{scheme}://{host}:{port}/manifest.xml)", file=sys.stderr, flush=True)
    uvicorn.run(target, **options, **extra)
    return 0
