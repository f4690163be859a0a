"""How dnqp knows a results workbook it wrote: a keyword in the file's document properties. ``dnqp run``
replaces an existing file only if it carries it. Light imports (zipfile, defusedxml): the check runs before
the engine's libraries load.

>>> is_results_workbook("no-such-file.xlsx")
False
"""

from __future__ import annotations

import os
import zipfile

from .safety import check_workbook_file

__all__ = ["RESULTS_KEYWORD", "is_results_workbook"]

#: Keyword in a results workbook's properties: the only existing file ``dnqp run`` overwrites.
RESULTS_KEYWORD = "dnqp-results"
_CORE = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"


def is_results_workbook(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a workbook that ``dnqp run`` wrote (so it may be replaced): its core properties'
    keywords (``docProps/core.xml``, as Excel and XlsxWriter save them) include :data:`RESULTS_KEYWORD`."""
    from defusedxml import ElementTree

    try:
        check_workbook_file(path)
        with zipfile.ZipFile(path) as z:
            root = ElementTree.fromstring(z.read("docProps/core.xml"))
    except Exception:  # noqa: BLE001 - anything unreadable is not ours
        return False
    keywords = root.find(f"{_CORE}keywords")
    return keywords is not None and RESULTS_KEYWORD in (keywords.text or "")
