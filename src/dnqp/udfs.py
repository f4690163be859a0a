"""The worksheet functions under their historical module name.

Users' workbooks and the add-in's VBA wrappers call ``dnqp.udfs`` (``UDF Modules = dnqp.udfs``), so this
name stays; the functions live in :mod:`dnqp.excel.functions`.
"""

from .excel.functions import *  # noqa: F401,F403 - the catalogue, re-exported unchanged
from .excel.functions import __all__  # noqa: F401
