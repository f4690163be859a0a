"""What a cell holds, as text: the one blank rule and the one label rule, shared by every room.

>>> is_blank(None), is_blank("  "), is_blank(float("nan")), is_blank(0)
(True, True, True, False)
>>> cell_text(2015.0), cell_text("  A1 "), cell_text(None)
('2015', 'A1', '')
"""

from __future__ import annotations

import datetime as _dt
import math
import unicodedata

__all__ = ["is_blank", "cell_text", "norm_key", "shown", "number_text"]


def is_blank(value: object) -> bool:
    """True for what Excel sends or saves for an empty cell: None, "" (or only spaces) and NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float):
        return math.isnan(value)
    return False


def cell_text(value: object) -> str:
    """A cell as a label: trimmed text; a whole number without its ".0" (a year typed 2015 is "2015");
    blank → ""."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def norm_key(text: object) -> str:
    """The one rule by which codes, names and labels are matched: Unicode NFKC (full-width Ａ１ is A1),
    trimmed, case-folded."""
    return unicodedata.normalize("NFKC", cell_text(text)).strip().casefold()


def shown(value: object) -> str:
    """A cell value as the user saw it in Excel, for a message: '12%', TRUE, 2015-03-01, 10227303 (never
    Python's reprs such as ``datetime.datetime(…)`` or ``True``)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, _dt.datetime) and value.time() == _dt.time(0):
        return value.date().isoformat()
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return number_text(value)
    return repr(value)


def number_text(x: float) -> str:
    """A number with all its digits: 10227303, 0.01, 1.5e+50 (not 1.02273e+07).

    >>> number_text(10227303.0), number_text(0.01), number_text(1e50)
    ('10227303', '0.01', '1e+50')
    """
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x) if math.isfinite(x) else str(x)
