"""The study as a Word manuscript (.docx, python-docx): three-line tables, numbered captions, notes, figures.

Every table of :func:`dnqp.workbook.manuscript.manuscript_tables` becomes a real Word table in the three-line
style of Chinese and most English journals: a 1.5 pt rule above the header, a 0.75 pt rule under it, a
1.5 pt rule under the last row, no vertical rules. python-docx has no border API, so the rules are the
cells' ``w:tcBorders`` (ECMA-376 §17.4.66; ``w:sz`` in eighths of a point) and the table's ``w:tblBorders``
are all ``nil``. Numbers are right-aligned with the decimals of the xlsx tables. Fonts: Times New Roman
for Latin text and SimSun (宋体) for Chinese, through ``w:rFonts`` ``w:ascii``/``w:hAnsi`` and ``w:eastAsia``.
Figures (:mod:`dnqp.workbook.figures`, matplotlib) follow the tables as PNG images with captions.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from ..engine.glossary import check_language, figure_caption
from ..errors import DataError
from .blocks import user_labels
from .manuscript import TextTable, manuscript_tables

__all__ = ["write_docx", "LATIN_FONT", "EAST_ASIAN_FONT", "RULES", "check_not_open"]

LATIN_FONT = "Times New Roman"
#: SimSun (宋体), the body font of Chinese journals, set as the East Asian font of every run.
EAST_ASIAN_FONT = "SimSun"
#: The three rules in eighths of a point (w:sz): top 1.5 pt, under the header 0.75 pt, bottom 1.5 pt.
RULES = {"top": 12, "header": 6, "bottom": 12}
_TABLE_PT = 10.5  # 五号, the size of tables in Chinese journals
_NOTE_PT = 9


def check_not_open(path: Path) -> None:
    """Refuse a .docx that Word has open: Word keeps an owner file ``~$…`` beside it (and locks it on Windows)."""
    name = path.name
    for owner in {f"~${name}", f"~${name[2:]}"}:
        if (path.parent / owner).exists():
            raise DataError(f"{path} is open in Word (its owner file {owner} is beside it): close it, or write "
                            "elsewhere")


def _set_fonts(run, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN_FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr, font in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:cs", LATIN_FONT),
                       ("w:eastAsia", EAST_ASIAN_FONT)):
        fonts.set(qn(attr), font)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def _style_fonts(doc) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = doc.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = Pt(_TABLE_PT)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


# w:tcPr children after w:tcBorders (ECMA-376 CT_TcPr sequence): tcBorders goes before the first of them.
_AFTER_BORDERS = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                  "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _borders(cell, top: int = 0, bottom: int = 0) -> None:
    """Set a cell's w:tcBorders: a single rule of ``top``/``bottom`` eighths of a point (0: none), and nil
    left, right and inside rules."""
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    old = tcpr.find(qn("w:tcBorders"))
    if old is not None:
        tcpr.remove(old)
    borders = tcpr.makeelement(qn("w:tcBorders"), {})
    for side, size in (("top", top), ("left", 0), ("bottom", bottom), ("right", 0), ("insideH", 0),
                       ("insideV", 0)):
        el = borders.makeelement(qn(f"w:{side}"), {})
        if size:
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    after = next((tcpr.find(qn(t)) for t in _AFTER_BORDERS if tcpr.find(qn(t)) is not None), None)
    if after is not None:
        after.addprevious(borders)
    else:
        tcpr.append(borders)


def _no_table_borders(table) -> None:
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    old = tblpr.find(qn("w:tblBorders"))
    if old is not None:
        tblpr.remove(old)
    borders = tblpr.makeelement(qn("w:tblBorders"), {})
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = borders.makeelement(qn(f"w:{side}"), {})
        el.set(qn("w:val"), "nil")
        borders.append(el)
    # CT_TblPr: tblBorders comes after tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize,
    # tblStyleColBandSize, tblW, jc, tblCellSpacing, tblInd; before shd, tblLayout, tblCellMar, tblLook.
    after = next((tblpr.find(qn(t)) for t in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                               "w:tblCaption", "w:tblDescription") if tblpr.find(qn(t)) is not None),
                 None)
    if after is not None:
        after.addprevious(borders)
    else:
        tblpr.append(borders)


def _cell_text(cell, text: str, right: bool, bold: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.space_before = Pt(1)
    p.paragraph_format.space_after = Pt(1)
    _set_fonts(p.add_run(text), _TABLE_PT, bold or None)


def _caption(doc, text: str, keep_with_next: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(12 if keep_with_next else 3)
    p.paragraph_format.space_after = Pt(3)
    p.paragraph_format.keep_with_next = keep_with_next
    _set_fonts(p.add_run(text), _TABLE_PT + 0.5, True)


def _text_width(text: str) -> float:
    """The width of ``text`` in cm at the table size: a CJK character is about twice a Latin one."""
    return sum(0.4 if ord(ch) > 0x2E80 else 0.24 for ch in text)  # wide enough for a substituted font


def _column_widths(t: TextTable, page_cm: float) -> list[float]:
    """Each column as wide as its longest cell plus the cell margins (a header may wrap at its spaces; text
    at most 6 cm). A table wider than the page narrows its text columns: numbers never wrap."""
    numeric = t.numeric_columns()
    widths = []
    for j in range(t.width):
        # in a column of numbers, a text cell (a test's terms, its replications) may wrap beyond 3 cm
        body = max((_text_width(r[j]) if not numeric[j] or nums[j] else min(3.0, _text_width(r[j]))
                    for r, nums in zip(t.body, t.numeric) if j < len(r)), default=0.0)
        head = max((_text_width(w) for r in t.header if j < len(r) for w in r[j].split()), default=0.0)
        w = max(body, head, 0.6) + 0.5
        widths.append(w if numeric[j] else min(6.0, w))
    total = sum(widths)
    if total <= page_cm:
        return widths
    fixed = sum(w for w, num in zip(widths, numeric) if num)
    text = total - fixed
    room = max(page_cm - fixed, 1.2 * sum(not n for n in numeric))
    return [w if num else max(1.2, w * room / text) for w, num in zip(widths, numeric)]


def _add_table(doc, t: TextTable, language: str, page_cm: float) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    _caption(doc, t.caption, keep_with_next=True)
    rows = [*t.header, *t.body]
    table = doc.add_table(rows=len(rows), cols=t.width)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_table_borders(table)
    widths = [Cm(w) for w in _column_widths(t, page_cm)]
    for j, w in enumerate(widths):
        table.columns[j].width = w
    right_cols = t.numeric_columns()
    nh, last = len(t.header), len(rows) - 1
    for i, (row, word_row) in enumerate(zip(rows, table.rows)):
        is_header = i < nh
        for j, cell in enumerate(word_row.cells):  # row by row: table.cell(i, j) rebuilds the grid each call
            text = row[j] if j < len(row) else ""
            right = right_cols[j] if is_header else t.numeric[i - nh][j]
            cell.width = widths[j]
            _cell_text(cell, text, right and j > 0)
            _borders(cell, top=RULES["top"] if i == 0 else 0,
                     bottom=RULES["header"] if i == nh - 1 and i != last else RULES["bottom"] if i == last else 0)
            if j == 0:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    label = "注：" if language == "zh" else "Note: "
    indent = Cm(max(0.0, (page_cm - sum(w.cm for w in widths)) / 2))  # the notes span the centred table
    for k, note in enumerate(t.notes):
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = indent
        p.paragraph_format.space_before = Pt(2 if k == 0 else 0)
        p.paragraph_format.space_after = Pt(0)
        _set_fonts(p.add_run((label if k == 0 else "") + note), _NOTE_PT)


def _add_figures(doc, result, language: str, first: int) -> int:
    from docx.shared import Inches

    from .figures import study_figures

    n = 0
    for title, png in study_figures(result, language):
        p = doc.add_paragraph()
        p.alignment = 1  # centred
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(png), width=Inches(5.6))
        n += 1
        _caption(doc, figure_caption(first + n - 1, title, language, user_labels(result)), keep_with_next=False)
    return n


def _usable_cm(section) -> float:
    """The width between the margins, in cm."""
    return (section.page_width - section.left_margin - section.right_margin) / 360000  # EMU per cm


def _turn(doc, landscape: bool) -> float:
    """Start a new section on a new page, A4 landscape or portrait (the margins kept); its usable width in cm."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    return _usable_cm(section)


def write_docx(result, path: str | os.PathLike, inputs=None, *, language: str | None = None,
               figures: bool = True) -> Path:
    """Write the study's tables (and figures) as a Word manuscript, atomically.

    Parameters
    ----------
    result : StudyResult
        The study (:func:`dnqp.engine.study.run_study`).
    path : path-like
        The .docx to write; one open in Word, or locked, is a one-line :class:`~dnqp.errors.DataError`.
    inputs : StudyInputs, optional
        The workbook read (cell addresses for the notes).
    language : {"en", "zh"}, optional
        The language of every fixed label (:mod:`dnqp.engine.glossary`); default: the ``language`` setting.
    figures : bool
        Add the figures after the tables (matplotlib, imported only then).
    """
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    from .atomic import atomic_path

    if language is not None:
        language = check_language(language)
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise DataError(f"{path}: a Word file must end in .docx")
    language = language or result.settings.language
    check_not_open(path)
    tables = manuscript_tables(result, inputs, language)
    doc = Document()
    _style_fonts(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    props = doc.core_properties
    props.title = f"{result.settings.index_label} study: tables and figures"
    props.author = "dnqp"
    props.keywords = "dnqp-results"
    page_cm = _usable_cm(section)
    landscape = False
    for t in tables:
        # a table whose numbers alone are wider than the portrait page (a panel's region × year index, the
        # coupling table) goes on landscape pages of its own section; the next narrow table turns back
        widths = _column_widths(t, _usable_cm(section))
        wide = sum(w for w, num in zip(widths, t.numeric_columns()) if num) > _usable_cm(section)
        if wide != landscape:
            page_cm, landscape = _turn(doc, wide), wide
        _add_table(doc, t, language, page_cm)
    if figures:
        if landscape:
            _turn(doc, False)
        _add_figures(doc, result, language, 1)
    with atomic_path(path) as tmp:
        try:
            doc.save(tmp)
        except PermissionError:
            raise DataError(f"{path} cannot be written: permission denied") from None
    return path
