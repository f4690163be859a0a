"""Workbook files: the public API of reading and writing .xlsx files, gathered from the modules that hold it.

:mod:`dnqp.workbook.reader` reads a filled template (openpyxl), :mod:`dnqp.workbook.atomic` writes files
atomically, :mod:`dnqp.workbook.template_writer` and :mod:`dnqp.workbook.results_writer` write the template and
the results (XlsxWriter), :mod:`dnqp.workbook.charts` draws the results' charts. The input workbook is only
ever opened for reading.
"""

from __future__ import annotations

from .atomic import PARTIAL_SUFFIX, atomic_path, same_file
from .reader import read_grids, read_printed_sheet, read_workbook
from .results_writer import RESULTS_KEYWORD, is_results_workbook, write_results
from .template_writer import write_template

__all__ = ["read_grids", "read_workbook", "read_printed_sheet", "write_template", "write_results", "atomic_path", "same_file",
           "is_results_workbook", "RESULTS_KEYWORD", "PARTIAL_SUFFIX"]
