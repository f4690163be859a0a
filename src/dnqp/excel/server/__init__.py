"""``dnqp serve``: dnqp's worksheet functions and ribbon scripts for Excel on Mac/web/Windows (Office.js).

A small Starlette (ASGI) app over the xlwings Server protocol: it answers the requests that the
xlwings Office.js client sends (``/xlwings/custom-functions-meta``, ``/xlwings/custom-functions-call``,
``/xlwings/custom-scripts-call/{name}``) with :mod:`dnqp.udfs` and :mod:`dnqp.excel.ribbon`, and serves
the add-in manifest, task pane and icons. The function namespace is ``DNQP`` (``=DNQP.ENTROPY_WEIGHTS(...)``).

The rooms, as in xlwings-server: :mod:`.config` (the one :class:`ServerConfig` and the one place the
process environment is prepared), :mod:`.requests` (checks on a request: size, shape, key),
:mod:`.routes` (one module-level handler per route) and :mod:`.app` (:func:`create_app`, :func:`serve`).

Licence: the request handlers ``xlwings.server.*`` are xlwings PRO code (PolyForm Noncommercial 1.0.0
or a paid xlwings PRO licence). The key is the user's: ``XLWINGS_LICENSE_KEY`` must be set, to
``noncommercial`` only if the use is noncommercial (research, public institutions).

Security (see the README, Security):

* API key: when ``DNQP_API_KEY`` is set, every call (custom function or script) must carry
  ``Authorization: Bearer <key>``: no or a malformed header → 401, a wrong key → 403 (compared in
  constant time). The manifest, task pane, icons, metadata and client script stay public: Office loads them.
* Only the catalogue runs: a function name must be one of ``dnqp.udfs.__all__`` and a script one of
  ``dnqp.excel.ribbon.__all__`` (a dictionary lookup, never an attribute lookup on a module); anything else
  is a 404. Nothing received is evaluated: JSON is parsed with :func:`json.loads` (NaN and Infinity
  refused), cells are data.
* Limits: a body over ``DNQP_MAX_BODY_MB`` (default 50) MB → 413, checked on Content-Length and counted
  while the body streams in (so a chunked body cannot slip past); more than ``DNQP_MAX_CELLS``
  (default 1,000,000) cells in one request, once the trailing blank rows and columns of each range are
  left out → 413.
* CORS: cross-origin requests are allowed only from the origins listed in ``DNQP_CORS_ORIGINS``
  (comma-separated; default none: the add-in's pages and functions are served by this server itself,
  so they are same-origin).
* Errors are one-line texts (4xx for bad requests; 500 "internal error" for a bug), never a traceback in
  a response; the traceback of every internal error, including one caught inside a worksheet function
  or ribbon script, goes to the server's log (stderr).
"""

from __future__ import annotations

from .app import create_app, serve
from .config import LICENSE_HELP, ServerConfig, ServerSetupError, prepare_environment
from .routes import manifest_xml
from ...workbook.formulas import NAMESPACE

__all__ = ["LICENSE_HELP", "NAMESPACE", "ServerConfig", "ServerSetupError", "prepare_environment", "create_app",
           "serve", "manifest_xml"]
