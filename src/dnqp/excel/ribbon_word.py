"""The ribbon's Word action (desktop Excel): the study of the calling workbook as a Word manuscript.

:func:`export_word` reads the template's input sheets (as Run analysis does), runs the study and writes
``<workbook>_results.docx`` beside the saved workbook with :func:`dnqp.workbook.docx.write_docx`. It needs a
workbook saved in a local folder, which only desktop Excel has: on Excel for the web (``dnqp serve``)
there is no folder to write to, and the action says so (use ``dnqp run … --docx`` there). The catalogue
lists it next to the other actions (``from .ribbon_word import export_word``); the .xlam's ribbon button
calls it as ``dnqp.excel.ribbon_word.export_word``.
"""

from __future__ import annotations

from pathlib import Path

import xlwings as xw

from ..workbook.grid import parse_grids
from .ribbon import _engine_errors, read_grids

__all__ = ["export_word", "word_path"]


def word_path(fullname: str) -> Path:
    """Where the Word file of the workbook saved as ``fullname`` goes: ``<stem>_results.docx`` beside it."""
    path = Path(str(fullname or ""))
    if not path.is_absolute() or not path.parent.is_dir() or path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise xw.XlwingsError(f"{path.name or 'this workbook'}: save the workbook in a folder first (Word export "
                              "writes beside it; on Excel for the web use dnqp run … --docx)")
    return path.with_name(f"{path.stem}_results.docx")


@_engine_errors
def write_word(book) -> Path:
    """Run the study on the workbook's input sheets and write its Word manuscript; returns the path."""
    from ..workbook.docx import write_docx

    out = word_path(book.fullname)
    inputs = parse_grids(read_grids(book))
    result = inputs.run()
    return write_docx(result, out, inputs, language=getattr(result.settings, "language", "en"))


@xw.script
def export_word(book: xw.Book):
    """Write the tables and figures of the study as a Word file beside the workbook (<name>_results.docx)."""
    write_word(book)
