"""``dnqp serve``: dnqp's worksheet functions and ribbon scripts for Excel on Mac/web/Windows (Office.js).

A small Starlette (ASGI) app over the xlwings Server protocol: it answers the requests that the
xlwings Office.js client sends (``/xlwings/custom-functions-meta``, ``/xlwings/custom-functions-call``,
``/xlwings/custom-scripts-call/{name}``) with :mod:`dnqp.udfs` and :mod:`dnqp.scripts`, and serves
the add-in manifest and task pane. The function namespace is ``DNQP`` (``=DNQP.ENTROPY_WEIGHTS(...)``).

Licence: the request handlers ``xlwings.server.*`` are xlwings PRO code (PolyForm Noncommercial 1.0.0
or a paid xlwings PRO licence). The key is the user's: ``XLWINGS_LICENSE_KEY`` must be set, to
``noncommercial`` only if the use is noncommercial (research, public institutions).

``XLWINGS_ON_SERVER=true`` must be in the environment before the first ``import xlwings`` of the
process (xlwings chooses its decorators then); :func:`prepare_environment` does that, and
:func:`create_app` refuses to start if xlwings was already imported the other way.

API key: when ``DNQP_API_KEY`` is set, every call must carry ``Authorization: Bearer <key>``:
no or a malformed header → 401, a wrong key → 403.
"""

from __future__ import annotations

import hmac
import json
import os
import sys
from importlib import resources
from pathlib import Path

from .errors import DnqpError

__all__ = ["LICENSE_HELP", "prepare_environment", "create_app", "serve", "manifest_xml", "NAMESPACE"]

NAMESPACE = "DNQP"
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


def _no_pyodide() -> None:
    """Make ``from pyodide.ffi import JsNull`` fail at once outside Pyodide.

    xlwings 0.37's ``utils.is_jsnull`` runs that import for every cell of every argument, and a failed
    import is not cached, so each cell cost a search of ``sys.path`` (about 0.1 ms): most of a call's
    time on the sample. ``None`` in ``sys.modules`` is Python's own mark for a module known to be absent.
    """
    import importlib.util

    if "pyodide" not in sys.modules and importlib.util.find_spec("pyodide") is None:
        sys.modules["pyodide"] = None


def manifest_xml(base_url: str) -> str:
    """The Office add-in manifest for a server at ``base_url`` (e.g. ``https://localhost:8000``)."""
    template = (resources.files("dnqp") / "web" / "manifest.xml").read_text(encoding="utf-8")
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
    if not hmac.compare_digest(token.strip().encode("utf-8"), key.encode("utf-8")):
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

    from . import __version__, scripts, udfs

    functions = {n: getattr(udfs, n) for n in udfs.__all__}
    script_names = set(scripts.__all__)
    if not all(hasattr(f, "__xlfunc__") for f in functions.values()):
        raise ServerSetupError("dnqp.udfs was imported without XLWINGS_ON_SERVER=true: start the server in a "
                               "fresh process (dnqp serve)")
    web = resources.files("dnqp") / "web"

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
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return text("the request body is not JSON", 400)
        name = data.get("func_name") if isinstance(data, dict) else None
        if not isinstance(name, str) or name not in functions:
            return text(f"unknown function {name!r}", 404)
        if not isinstance(data.get("args"), list):
            return text("the request has no list of args", 400)
        data = {"client": "Office.js", "version": xw.__version__, "runtime": "1.4", **data}
        try:
            rv = await xs.custom_functions_call(data, udfs)
        except xw.XlwingsError as err:
            return text(str(err), 400)
        except (KeyError, TypeError, ValueError) as err:
            return text(f"malformed request for {name}: {type(err).__name__}: {err}", 400)
        return JSONResponse({"result": rv})

    async def scripts_meta(request):
        return JSONResponse([s for s in xs.custom_scripts_meta(scripts) if s["function_name"] in script_names])

    async def scripts_call(request):
        if (denied := _check_key(request)) is not None:
            return denied
        name = request.path_params["name"]
        if name not in script_names:
            return text(f"unknown script {name!r}", 404)
        try:
            payload = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return text("the request body is not JSON", 400)
        if not isinstance(payload, dict) or not isinstance(payload.get("sheets"), list):
            return text("the request has no workbook (book, sheets, names)", 400)
        args = payload.pop("args", None) or []
        payload.setdefault("client", "Office.js")
        payload.setdefault("version", xw.__version__)
        payload.setdefault("names", [])
        try:
            book = xw.Book(json=payload)
        except (KeyError, TypeError, ValueError, IndexError) as err:
            return text(f"malformed workbook in the request: {type(err).__name__}: {err}", 400)
        try:
            book = await xs.custom_scripts_call(scripts, name, None, typehint_to_value={xw.Book: book}, args=args)
            return JSONResponse(book.json())
        except xw.XlwingsError as err:
            return text(str(err), 400)
        finally:
            if getattr(book, "api", None) is not None:
                book.close()

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
    origins = [o.strip() for o in os.environ.get("DNQP_CORS_ORIGINS", "*").split(",") if o.strip()]
    middleware = [Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                             allow_headers=["*"])]
    return Starlette(routes=routes, middleware=middleware)


def serve(host: str = "127.0.0.1", port: int = 8000, certfile: str | None = None, keyfile: str | None = None) -> int:
    """Run the app with uvicorn until interrupted (https when a certificate is given)."""
    app = create_app()
    import uvicorn

    scheme = "https" if certfile else "http"
    print(f"dnqp serve: {scheme}://{host}:{port} (functions =DNQP.…; manifest {scheme}://{host}:{port}/manifest.xml)",
          file=sys.stderr, flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", ssl_certfile=certfile, ssl_keyfile=keyfile)
    return 0
