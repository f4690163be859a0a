"""What the server checks in a request before anything runs: size, shape, key. No xlwings, no Starlette here.

Every refusal is :class:`Rejected` with an HTTP status and a one-line message; the app turns it into
a plain-text response.
"""

from __future__ import annotations

import hmac
import inspect
import json

from ..convert import is_blank
from .config import ServerConfig

__all__ = ["Rejected", "read_json", "count_cells", "trim_range", "check_args", "check_key", "shown", "SCALARS",
           "RUNTIMES"]

#: The custom functions runtimes Office.js reports (``runtime`` of a call).
RUNTIMES = ("1.1", "1.2", "1.3", "1.4")
SCALARS = (str, int, float, bool, type(None))


class Rejected(Exception):
    """A request refused with ``status`` and a one-line ``message``."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


async def read_json(request, config: ServerConfig) -> object:
    """The request body parsed as JSON, within ``config.max_body`` bytes.

    The Content-Length header is checked first; the body is then counted as it streams in, so a
    chunked body (no Content-Length) cannot exceed the limit either.
    """
    too_big = Rejected(413, f"the request body is larger than the limit of {config.max_body_mb:g} MB "
                            "(DNQP_MAX_BODY_MB)")
    length = request.headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise Rejected(400, "the Content-Length header is not a number")
        if int(length) > config.max_body:
            raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > config.max_body:
            raise too_big
    try:
        return json.loads(bytes(body), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError, too many digits, too deep
        raise Rejected(400, "the request body is not JSON") from None


def _is_cell(value: object) -> bool:
    """A cell value as Office.js sends it: a JSON scalar, or a typed value {"type": ..., "basicValue": scalar}."""
    if isinstance(value, SCALARS):
        return True
    return (isinstance(value, dict) and isinstance(value.get("type"), str)
            and (value["type"] == "Error" or "basicValue" in value) and isinstance(value.get("basicValue"), SCALARS))


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
                raise Rejected(413, f"the request holds more than {limit} cells once trailing blank rows and "
                                    "columns are left out, the limit (DNQP_MAX_CELLS)")
    return n


def trim_range(arg: object) -> object:
    """A range argument without its trailing blank rows and columns (at least its first cell); others as given.

    A whole-column reference (``A:K``) reaches the server as all 1,048,576 rows, nearly all blank.
    The worksheet functions ignore trailing blank rows and columns anyway (:func:`dnqp.excel.convert.grid`),
    so they are dropped before the cell limit is applied and before xlwings converts the cells.

    >>> trim_range([[1, ""], ["", None], ["", ""]])
    [[1]]
    >>> trim_range([["", ""], ["", ""]]), trim_range(5)
    ([['']], 5)
    """
    if not (isinstance(arg, list) and arg and all(isinstance(r, list) for r in arg)):
        return arg
    end = len(arg)
    while end > 1 and all(is_blank(v) for v in arg[end - 1]):
        end -= 1
    rows = arg[:end]
    width = max(len(r) for r in rows)
    while width > 1 and all(len(r) < width or is_blank(r[width - 1]) for r in rows):
        width -= 1
    if width < max(len(r) for r in rows):
        rows = [r[:width] for r in rows]
    return rows if rows and rows[0] else arg[:1]


def check_args(name: str, func, args: object) -> None:
    """The ``args`` of a custom-function call: one per parameter at most, each blank, a cell or a range."""
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


def shown(name: object) -> str:
    """A name from a request, quoted for a message and cut to 100 characters."""
    return repr(name[:100] + "…" if isinstance(name, str) and len(name) > 100 else name)[:120]


def check_key(request, config: ServerConfig) -> None:
    """Return if the request may proceed (no key configured, or the right one); else :class:`Rejected` 401/403."""
    key = config.api_key
    if not key:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Rejected(401, "missing API key: send 'Authorization: Bearer <key>'", {"WWW-Authenticate": "Bearer"})
    # Constant time, on bytes: the header as received (ASGI servers decode it as Latin-1, so encoding it back
    # gives the raw bytes) against the key's UTF-8 bytes.
    if not hmac.compare_digest(token.strip().encode("latin-1"), key.encode("utf-8")):
        raise Rejected(403, "wrong API key")
