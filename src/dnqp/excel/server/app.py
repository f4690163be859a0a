"""The ASGI app (:func:`create_app`) and the process that runs it (:func:`serve`)."""

from __future__ import annotations

import logging
import sys

from ...errors import INTERNAL
from .config import ServerConfig, ServerSetupError, prepare_environment
from .requests import Rejected
from .routes import ROUTES, Service, log, text, xlwings_server_static

__all__ = ["create_app", "serve", "configure_logging"]


def configure_logging() -> None:
    """Send dnqp's log records (an internal error's traceback above all) to the server's stderr, once.

    The handlers of the worksheet functions and ribbon scripts turn a bug into one line for Excel
    (``dnqp internal error (…); please report it``); :func:`dnqp.errors.internal_message` logs its
    traceback on the ``dnqp`` logger, and this makes that log reach the server's operator.
    """
    logger = logging.getLogger("dnqp")
    if not any(getattr(h, "_dnqp", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._dnqp = True
        logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.propagate = False


def create_app(config: ServerConfig | None = None):
    """The ASGI app, configured from the environment (or ``config``), in a process made ready for xlwings."""
    config = prepare_environment(config)
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.routing import Mount, Route

    from .. import functions as udfs
    from .. import ribbon as scripts

    configure_logging()
    svc = Service.create(config, udfs, scripts)
    if not all(hasattr(f, "__xlfunc__") for f in svc.functions.values()):
        raise ServerSetupError("dnqp.udfs was imported without XLWINGS_ON_SERVER=true: start the server in a "
                               "fresh process (dnqp serve)")
    routes = [Route(path, handler, methods=list(methods)) for path, handler, methods in ROUTES]
    static = xlwings_server_static()
    if static is not None:
        from starlette.staticfiles import StaticFiles

        routes.append(Mount("/static", app=StaticFiles(directory=static), name="static"))
    middleware = [Middleware(CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST"],
                             allow_headers=["Authorization", "Content-Type", "Auth-Provider"])]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={Rejected: rejected, HTTPException: http_error, Exception: internal})
    app.state.dnqp = svc
    return app


async def rejected(request, exc: Rejected):
    return text(str(exc), exc.status, exc.headers)


async def http_error(request, exc):
    return text(exc.detail or "error", exc.status_code)


async def internal(request, exc: Exception):
    log.error("%s in %s %s", INTERNAL, request.method, request.url.path, exc_info=exc)
    return text("internal error: the server's log has the details", 500)


def serve(host: str = "127.0.0.1", port: int = 8000, certfile: str | None = None, keyfile: str | None = None,
          processes: int = 1) -> int:
    """Run the app with uvicorn until interrupted (https when a certificate is given).

    ``processes`` > 1 runs that many server processes on the same socket (uvicorn workers): the
    functions are CPU-bound Python, so this is how a multi-core machine answers calls in parallel.
    """
    prepare_environment()  # a bad setting fails here, once, with one line, rather than in every worker
    import uvicorn

    scheme = "https" if certfile else "http"
    options = dict(host=host, port=port, log_level="warning", ssl_certfile=certfile, ssl_keyfile=keyfile)
    if processes > 1:
        target, extra = "dnqp.excel.server:create_app", {"factory": True, "workers": processes}
    else:
        target, extra = create_app(), {}
    print(f"dnqp serve: {scheme}://{host}:{port} with {processes} process(es) (functions =DNQP.…; manifest "
          f"{scheme}://{host}:{port}/manifest.xml)", file=sys.stderr, flush=True)
    uvicorn.run(target, **options, **extra)
    return 0
