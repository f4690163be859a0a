"""What a cell holds, as text: the one blank rule and the one label rule, shared by every room.

>>> is_blank(None), is_blank("  "), is_blank(float("nan")), is_blank(0)
(True, True, True, False)
>>> cell_text(2015.0), cell_text("  A1 "), cell_text(None)
('2015', 'A1', '')
"""

from __future__ import annotations

import math

__all__ = ["is_blank", "cell_text"]


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
