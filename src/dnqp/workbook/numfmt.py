"""Excel number formats → the text Excel shows (pure): what a Word or LaTeX table prints for a cell.

The result tables (:mod:`dnqp.workbook.blocks`) keep numbers as numbers and give each cell an Excel number
format (decimals, star suffixes such as ``0.0000"**"``, parentheses such as ``"("0.00")";"(-"0.00")"``).
:func:`format_value` renders a value through such a format, so the .docx and .tex tables show exactly the
figures of the .xlsx ones. It covers the subset of the format language that dnqp writes and that users put
on a published table: up to three sections (positive; negative; zero), quoted and backslash-escaped
literals, ``0``/``#`` digit placeholders, a thousands comma, ``%`` and ``General``. One departure from
Excel, as manuscripts print: a negative number that rounds to zero shows no minus (0.0000, not -0.0000).
"""

from __future__ import annotations

import math
import re

__all__ = ["format_value", "decimals_of"]

_DIGITS = re.compile(r"[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+")


def _sections(fmt: str) -> list[str]:
    out, cur, quoted, i = [], "", False, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and not quoted and i + 1 < len(fmt):
            cur += fmt[i:i + 2]
            i += 2
            continue
        elif ch == ";" and not quoted:
            out.append(cur)
            cur = ""
            i += 1
            continue
        cur += ch
        i += 1
    return [*out, cur]


def _tokens(section: str) -> list[tuple[str, str]]:
    """("lit", text) and ("num", digit pattern) pieces of one section; [colour] and [conditions] dropped."""
    out, i = [], 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            j = len(section) if j < 0 else j
            out.append(("lit", section[i + 1:j]))
            i = j + 1
        elif ch == "\\" and i + 1 < len(section):
            out.append(("lit", section[i + 1]))
            i += 2
        elif ch == "[":
            j = section.find("]", i)
            i = len(section) if j < 0 else j + 1
        elif ch in "_*" and i + 1 < len(section):  # _x: the width of x; *x: fill with x
            out.append(("lit", " " if ch == "_" else ""))
            i += 2
        else:
            m = _DIGITS.match(section, i)
            if m:
                out.append(("num", m.group(0)))
                i = m.end()
            else:
                out.append(("lit", ch))
                i += 1
    return out


def _number(x: float, pattern: str, percent: bool) -> str:
    if percent:
        x *= 100
    whole, _, frac = pattern.partition(".")
    required = frac.count("0")
    optional = frac.count("#") + frac.count("?")
    text = f"{x:.{required + optional}f}"
    if optional:
        head, _, tail = text.partition(".")
        tail = tail[:required] + tail[required:].rstrip("0")
        text = head + ("." + tail if tail else "")  # Excel keeps a bare "2."; a manuscript does not
    if "," in whole:
        head, dot, tail = text.partition(".")
        text = f"{int(head):,}" + dot + tail
    if not whole.replace(",", "").count("0"):  # #.00 shows .50, not 0.50
        text = text[1:] if text.startswith("0.") else ("" if text == "0" else text)
    return text


def _general(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.10g}"


def format_value(value, fmt: str | None = None) -> str:
    """The text Excel shows for ``value`` in number format ``fmt`` (None or "General": Excel's General).

    >>> format_value(1.689, '0.0000"**"'), format_value(-0.32, '"("0.00")";"(-"0.00")"')
    ('1.6890**', '(-0.32)')
    >>> format_value(15, "0"), format_value(0.1227301, "0.000000"), format_value(None, "0.00"), format_value("DNQP")
    ('15', '0.122730', '', 'DNQP')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if not isinstance(value, int | float):  # a date, a formula left uncomputed: as Python shows it
        return str(value)
    x = float(value)
    if not math.isfinite(x):
        return ""
    if not fmt or fmt.strip().lower() == "general":
        return _general(x)
    sections = _sections(fmt)
    signed = True
    if x < 0 and len(sections) >= 2:
        section, x, signed = sections[1], -x, False
    elif x == 0 and len(sections) >= 3:
        section = sections[2]
    else:
        section = sections[0]
    tokens = _tokens(section)
    percent = any(kind == "lit" and text == "%" for kind, text in tokens)
    out, negative = [], x < 0
    for kind, text in tokens:
        if kind == "num":
            digits = _number(abs(x), text, percent)
            if signed and negative and digits.strip("0.,"):
                digits = "-" + digits
            out.append(digits)
        elif text.lower() == "general":
            out.append(_general(x))
        else:
            out.append(text)
    return "".join(out)


def decimals_of(fmt: str | None) -> int | None:
    """The number of decimals a format shows (None for General or text): ``0.0000"**"`` → 4.

    >>> decimals_of('0.0000"**"'), decimals_of('"("0.00")";"(-"0.00")"'), decimals_of("0"), decimals_of(None)
    (4, 2, 0, None)
    """
    if not fmt or fmt.strip().lower() == "general":
        return None
    for kind, text in _tokens(_sections(fmt)[0]):
        if kind == "num":
            return len(text.partition(".")[2])
    return None
