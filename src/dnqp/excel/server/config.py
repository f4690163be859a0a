"""The server's one configuration object, and the one place where the process environment is prepared.

Everything ``dnqp serve`` can be told comes from the environment (or the command line, which sets the
same variables), is read and checked once by :meth:`ServerConfig.from_env`, and is handed to the app:

=====================  ====================================================  ===========================
variable               meaning                                               default
=====================  ====================================================  ===========================
XLWINGS_LICENSE_KEY    the xlwings PRO key (``noncommercial`` for research)  required
DNQP_API_KEY           calls must carry ``Authorization: Bearer <key>``      none (no key asked)
DNQP_MAX_BODY_MB       largest request body, in MB                           50
DNQP_MAX_CELLS         most non-blank-trimmed cells in one request           1,000,000
DNQP_WORKERS           calls computed at the same time in one process        1
DNQP_CORS_ORIGINS      origins allowed cross-origin, comma-separated         none (same origin only)
DNQP_MANIFEST_ID       the add-in manifest's ``<Id>`` (a GUID)               derived from the server URL
DNQP_ENVIRONMENT       dev, qa, uat or prod: the task pane's ``environment`` prod
=====================  ====================================================  ===========================

A bad value stops the server with one line naming the variable (:class:`ServerSetupError`, exit 2).
"""

from __future__ import annotations

import os
import re
import sys
import uuid
from dataclasses import dataclass
from typing import Mapping

from ...errors import DnqpError

__all__ = ["ServerConfig", "ServerSetupError", "LICENSE_HELP", "ENVIRONMENTS", "prepare_environment",
           "manifest_id_for"]

LICENSE_HELP = ("the Office.js functions run on xlwings PRO code: set XLWINGS_LICENSE_KEY to your xlwings PRO "
                "key, or to 'noncommercial' if your use is noncommercial (research, public institutions)")
#: The deployment stages xlwings Server knows (its task pane ``config.environment``).
ENVIRONMENTS = ("dev", "qa", "uat", "prod")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
#: The namespace of the manifest ids derived from a server's URL (a fixed, random UUID: dnqp's own).
_MANIFEST_NAMESPACE = uuid.UUID("5d1f3c0e-7a4b-4e7e-9d2a-1c0a6b1f4d21")


class ServerSetupError(DnqpError):
    """The server cannot start: missing licence key, a bad setting, xlwings imported in the wrong mode."""


def manifest_id_for(base_url: str) -> str:
    """The default manifest ``<Id>`` of a server at ``base_url``: a name-based UUID (RFC 4122, version 5).

    Deterministic, so a deployment keeps its id across restarts, and different for every URL, so two
    deployments (say a test server and the production one) install side by side in Excel.

    >>> manifest_id_for("https://dnqp.example.org") == manifest_id_for("https://dnqp.example.org/")
    True
    >>> manifest_id_for("https://dnqp.example.org") != manifest_id_for("https://localhost:8000")
    True
    """
    return str(uuid.uuid5(_MANIFEST_NAMESPACE, base_url.rstrip("/").lower()))


@dataclass(frozen=True)
class ServerConfig:
    """What one ``dnqp serve`` process was told: limits, key, CORS, manifest id and environment.

    Build it with :meth:`from_env` (what the app does); the constructor takes the same fields for tests.
    """

    license_key: str = ""
    api_key: str = ""
    max_body_mb: float = 50.0
    max_cells: int = 1_000_000
    # One worker by default: the calls are mostly Python (pandas) under the GIL, so more threads add
    # contention rather than speed; the event loop stays free for everything else either way.
    workers: int = 1
    cors_origins: tuple[str, ...] = ()
    manifest_id: str = ""  # empty: derived from the URL the manifest is served at (manifest_id_for)
    environment: str = "prod"

    @property
    def max_body(self) -> int:
        """The body limit in bytes."""
        return int(self.max_body_mb * 1024 * 1024)

    def manifest_id_at(self, base_url: str) -> str:
        """The manifest ``<Id>`` for a manifest served at ``base_url``."""
        return self.manifest_id or manifest_id_for(base_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerConfig:
        """Read and check every setting; :class:`ServerSetupError` naming the first bad one."""
        env = os.environ if environ is None else environ
        license_key = env.get("XLWINGS_LICENSE_KEY", "").strip()
        if not license_key:
            raise ServerSetupError(LICENSE_HELP)
        manifest_id = env.get("DNQP_MANIFEST_ID", "").strip()
        if manifest_id and not _GUID.match(manifest_id):
            raise ServerSetupError(f"DNQP_MANIFEST_ID must be a GUID such as {manifest_id_for('x')}, "
                                   f"got {manifest_id[:60]!r}")
        environment = env.get("DNQP_ENVIRONMENT", "").strip().lower() or "prod"
        if environment not in ENVIRONMENTS:
            raise ServerSetupError(f"DNQP_ENVIRONMENT must be one of {', '.join(ENVIRONMENTS)}, "
                                   f"got {environment[:20]!r}")
        return cls(license_key=license_key, api_key=env.get("DNQP_API_KEY", ""),
                   max_body_mb=_number(env, "DNQP_MAX_BODY_MB", 50.0),
                   max_cells=int(_number(env, "DNQP_MAX_CELLS", 1_000_000)),
                   workers=int(_number(env, "DNQP_WORKERS", 1)),
                   cors_origins=_origins(env.get("DNQP_CORS_ORIGINS", "")),
                   manifest_id=manifest_id.lower(), environment=environment)


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ServerSetupError(f"{name} must be a positive number, got {raw!r}")
    return value


def _origins(raw: str) -> tuple[str, ...]:
    """``DNQP_CORS_ORIGINS``: the origins allowed to call the server cross-origin (default none).

    The add-in's pages, its custom functions script and its calls all come from this server's own
    origin, so Office needs no CORS; list other origins only for a page elsewhere that calls dnqp.
    """
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for o in origins:
        if o != "*" and not o.startswith(("https://", "http://")):
            raise ServerSetupError(f"DNQP_CORS_ORIGINS: {o!r} is not an origin such as https://example.org")
    return origins


def prepare_environment(config: ServerConfig | None = None) -> ServerConfig:
    """Check the settings (``config``, else :meth:`ServerConfig.from_env`) and make the process ready for
    xlwings' server mode; returns the config.

    The one place that does so. ``XLWINGS_ON_SERVER=true`` must be in the environment before the first
    ``import xlwings`` of the process (xlwings chooses its decorators then), so this refuses to go on
    if xlwings was already imported the other way. It is idempotent: ``dnqp serve`` calls it before
    anything imports xlwings, and the app factory calls it again in each server process.
    """
    config = config or ServerConfig.from_env()
    if not config.license_key:
        raise ServerSetupError(LICENSE_HELP)
    if "xlwings" in sys.modules and os.environ.get("XLWINGS_ON_SERVER") != "true":
        raise ServerSetupError("xlwings was imported before XLWINGS_ON_SERVER=true was set: start the server in a "
                               "fresh process (dnqp serve)")
    os.environ["XLWINGS_ON_SERVER"] = "true"
    os.environ.setdefault("XLWINGS_LICENSE_KEY", config.license_key)  # xlwings reads its key there
    _no_pyodide()
    return config


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
