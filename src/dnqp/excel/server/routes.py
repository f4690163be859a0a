"""The request handlers of ``dnqp serve``, one module-level coroutine per route (as xlwings-server's ``routers/``).

Each handler takes the Starlette request and finds what it needs in ``request.app.state.dnqp``, a
:class:`Service` built once by :func:`dnqp.excel.server.app.create_app`: the config, the catalogue of
worksheet functions and ribbon scripts, and the worker limiter. A handler can so be called alone, with a
request whose app carries a Service.

Registering: the worksheet functions are :data:`dnqp.excel.functions.__all__` (``dnqp.udfs``), the ribbon
scripts :data:`dnqp.excel.ribbon.__all__`; :data:`ROUTES` lists the paths. Nothing else runs.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from pathlib import Path
from types import ModuleType

from .config import ServerConfig
from .requests import RUNTIMES, SCALARS, Rejected, check_args, check_key, count_cells, read_json, shown, trim_range

__all__ = ["Service", "ROUTES", "WEB", "manifest_xml", "xlwings_server_static", "root", "functions_meta",
           "functions_code", "functions_call", "scripts_meta", "scripts_call", "taskpane", "manifest", "alert",
           "icon"]

log = logging.getLogger("dnqp.excel.server")
#: The add-in's own web assets (manifest, task pane, icons), shipped in the package.
WEB = resources.files("dnqp.excel") / "web"


@dataclass
class Service:
    """What the handlers share: the config, the catalogue (name → function; script names) and the limiter."""

    config: ServerConfig
    udfs: ModuleType
    scripts: ModuleType
    functions: dict = field(default_factory=dict)
    script_names: frozenset = frozenset()
    workers: object = None  # an anyio.CapacityLimiter of config.workers

    @classmethod
    def create(cls, config: ServerConfig, udfs: ModuleType, scripts: ModuleType) -> Service:
        import anyio

        return cls(config, udfs, scripts, functions={n: getattr(udfs, n) for n in udfs.__all__},
                   script_names=frozenset(scripts.__all__), workers=anyio.CapacityLimiter(config.workers))


def service(request) -> Service:
    return request.app.state.dnqp


def text(message: str, status: int, headers: dict | None = None):
    """A one-line plain-text response."""
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(" ".join(str(message).split()), status_code=status, headers=headers)


def xlwings_server_static() -> Path | None:
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


def manifest_xml(base_url: str, manifest_id: str | None = None) -> str:
    """The Office add-in manifest for a server at ``base_url`` (e.g. ``https://localhost:8000``).

    ``manifest_id`` is its ``<Id>``; by default the one :class:`ServerConfig` derives from ``base_url``.
    """
    base_url = base_url.rstrip("/")
    template = (WEB / "manifest.xml").read_text(encoding="utf-8")
    return (template.replace("{manifest_id}", manifest_id or ServerConfig().manifest_id_at(base_url))
            .replace("{base_url}", base_url))


async def root(request):
    import xlwings as xw
    from starlette.responses import JSONResponse

    from ... import __version__

    return JSONResponse({"status": "ok", "dnqp": __version__, "xlwings": xw.__version__})


async def functions_meta(request):
    import xlwings.server as xs
    from starlette.responses import JSONResponse

    s = service(request)
    data = xs.custom_functions_meta(s.udfs)
    data["functions"] = [f for f in data["functions"] if f["name"] in s.functions]
    return JSONResponse(data)


async def functions_code(request):
    import xlwings as xw
    from starlette.responses import Response

    static = xlwings_server_static()
    if static is None:
        return text("the Office.js client of the custom functions comes with xlwings-server, which is not "
                    "installed: pip install 'dnqp[server]'", 404)
    js = (static / "js" / "custom-functions" / "custom-functions-code.js").read_text(encoding="utf-8")
    js = js.replace("placeholder_xlwings_version", xw.__version__).replace(
        "placeholder_custom_functions_call_path", "/xlwings/custom-functions-call")
    for name in sorted(service(request).functions):
        js += (f'\nasync function {name}() {{\n  return await base({{funcName: "{name}", isStreaming: false, '
               f'isCached: false, callerScoped: false}}, ...arguments);\n}}\n'
               f'CustomFunctions.associate("{name}", {name});\n')
    return Response(js, media_type="text/javascript")


async def functions_call(request):
    import anyio
    import xlwings as xw
    import xlwings.server as xs
    from starlette.responses import JSONResponse

    s = service(request)
    check_key(request, s.config)
    data = await read_json(request, s.config)
    name = data.get("func_name") if isinstance(data, dict) else None
    if not isinstance(name, str) or name not in s.functions:
        # A dictionary lookup in the catalogue: never getattr on a module with a name from the request.
        return text(f"unknown function {shown(name)}", 404)
    args = data.get("args")
    if isinstance(args, list):
        args = [trim_range(a) for a in args]
    count_cells(args, s.config.max_cells)
    check_args(name, s.functions[name], args)
    runtime = str(data.get("runtime", "1.4"))
    if runtime not in RUNTIMES:
        return text(f"unknown custom functions runtime {runtime[:20]!r} (expected one of {', '.join(RUNTIMES)})", 400)
    # Only the keys xlwings reads, each of the type it expects; the rest of the request is ignored.
    call_data = {"client": "Office.js", "version": xw.__version__, "func_name": name, "args": args,
                 "runtime": runtime}
    for key in ("date_format", "culture_info_name"):
        if isinstance(data.get(key), str):
            call_data[key] = data[key]
    try:
        # In a worker thread (at most config.workers at a time), so that one long call does not stall the
        # others or the server; xlwings' call is a coroutine, run on the thread's own event loop.
        rv = await anyio.to_thread.run_sync(lambda: asyncio.run(xs.custom_functions_call(call_data, s.udfs)),
                                            limiter=s.workers)
    except xw.XlwingsError as err:
        return text(str(err), 400)
    except (KeyError, TypeError, ValueError, IndexError) as err:
        return text(f"malformed request for {name}: {type(err).__name__}: {err}", 400)
    return JSONResponse({"result": rv})


async def scripts_meta(request):
    import xlwings.server as xs
    from starlette.responses import JSONResponse

    s = service(request)
    return JSONResponse([m for m in xs.custom_scripts_meta(s.scripts) if m["function_name"] in s.script_names])


async def scripts_call(request):
    import anyio
    import xlwings as xw
    import xlwings.server as xs
    from starlette.responses import JSONResponse

    s = service(request)
    check_key(request, s.config)
    name = request.path_params["name"]
    if name not in s.script_names:
        return text(f"unknown script {shown(name)}", 404)
    payload = await read_json(request, s.config)
    if not isinstance(payload, dict) or not isinstance(payload.get("sheets"), list):
        return text("the request has no workbook (book, sheets, names)", 400)
    count_cells(payload, s.config.max_cells)
    args = payload.pop("args", None) or []
    if not isinstance(args, list) or not all(isinstance(a, SCALARS) for a in args):
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
            book = asyncio.run(xs.custom_scripts_call(s.scripts, name, None, typehint_to_value={xw.Book: book},
                                                      args=args))
            return book.json()
        finally:
            if getattr(book, "api", None) is not None:
                book.close()

    try:
        return JSONResponse(await anyio.to_thread.run_sync(work, limiter=s.workers))
    except xw.XlwingsError as err:
        return text(str(err), 400)


async def taskpane(request):
    import json

    import xlwings as xw
    from starlette.responses import HTMLResponse

    s = service(request)
    page = (WEB / "taskpane.html").read_text(encoding="utf-8")
    page = page.replace('"xlwingsVersion": ""', f'"xlwingsVersion": {json.dumps(xw.__version__)}')
    return HTMLResponse(page.replace('"environment": "prod"', f'"environment": {json.dumps(s.config.environment)}'))


async def manifest(request):
    from starlette.responses import Response

    base_url = str(request.base_url).rstrip("/")
    return Response(manifest_xml(base_url, service(request).config.manifest_id_at(base_url)),
                    media_type="application/xml")


async def alert(request):
    from starlette.responses import HTMLResponse

    q = request.query_params
    return HTMLResponse(f"<!doctype html><meta charset='utf-8'><title>{escape(q.get('title', 'dnqp'))}</title>"
                        f"<p style='font-family:sans-serif'>{escape(q.get('prompt', ''))}</p>")


#: The icon sizes the manifest names (pixels); the PNGs are web/icon-<size>.png.
ICON_SIZES = (16, 32, 64, 80)


async def icon(request):
    from starlette.responses import Response

    size = request.path_params["size"]
    if size not in ICON_SIZES:
        return text(f"no icon of size {shown(size)}", 404)
    return Response((WEB / f"icon-{size}.png").read_bytes(), media_type="image/png",
                    headers={"Cache-Control": "public, max-age=86400"})


#: (path, handler, methods) of every route; the xlwings-server paths keep their ``.json``/``.js`` aliases.
ROUTES = (
    ("/", root, ("GET",)),
    ("/xlwings/custom-functions-meta", functions_meta, ("GET",)),
    ("/xlwings/custom-functions-meta.json", functions_meta, ("GET",)),
    ("/xlwings/custom-functions-code", functions_code, ("GET",)),
    ("/xlwings/custom-functions-code.js", functions_code, ("GET",)),
    ("/xlwings/custom-functions-call", functions_call, ("POST",)),
    ("/xlwings/custom-scripts-meta", scripts_meta, ("GET",)),
    ("/xlwings/custom-scripts-meta.json", scripts_meta, ("GET",)),
    ("/xlwings/custom-scripts-call/{name}", scripts_call, ("POST",)),
    ("/xlwings/alert", alert, ("GET",)),
    ("/taskpane", taskpane, ("GET",)),
    ("/taskpane.html", taskpane, ("GET",)),
    ("/manifest", manifest, ("GET",)),
    ("/manifest.xml", manifest, ("GET",)),
    ("/icons/icon-{size:int}.png", icon, ("GET",)),
)
