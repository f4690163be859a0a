"""The study's tables as a manuscript shows them (pure): in a paper's order, numbered, as text.

:func:`manuscript_tables` takes the result tables of :func:`dnqp.workbook.blocks.result_blocks` and returns
:class:`TextTable` s for the Word (:mod:`dnqp.workbook.docx`) and LaTeX (:mod:`dnqp.workbook.latex`)
writers: every number rendered through its xlsx number format (:func:`dnqp.workbook.numfmt.format_value`), so
the decimals, stars and parentheses are those of the results workbook; labels in English or Chinese
(:func:`dnqp.engine.glossary.translate_block`); the model statistics placed under their coefficient table
as a paper prints them; captions renumbered 1, 2, … in the order below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine.glossary import check_language, table_caption, translate, translate_block
from .blocks import Block, result_blocks, user_labels
from .numfmt import format_value

__all__ = ["TextTable", "PAPER_ORDER", "manuscript_tables", "manuscript_blocks", "is_number"]

#: The tables of a paper, in its order (block keys); the blocks of any other result sheet follow, then none
#: of the Log (settings, versions: not a manuscript's tables).
#: A panel study's (issue 11) tables take their places among them: weights (global or by year), the index by
#: region and year (or the group × year means when it is too wide), baseline, heterogeneity, the groups' tests.
PAPER_ORDER = ("weights", "weights_by_year", "dimension_weights", "dimension_weights_by_year", "index",
               "panel_index", "group_means", "descriptives", "vif", "baseline", "panel_baseline", "heterogeneity",
               "group_heterogeneity", "group_tests")
#: Result sheets left out of a manuscript.
NOT_IN_MANUSCRIPT = ("Log",)
#: A panel's region × year table goes into a manuscript up to this many year columns (else its group × year
#: means do); its ranks and the long region-year listing stay in the results workbook.
MAX_YEAR_COLUMNS = 12
_PANEL_ONLY_IN_WORKBOOK = ("panel_ranks", "panel_index_long")


def _manuscript_selection(blocks: list[Block]) -> list[Block]:
    """The result blocks that are tables of the paper: not a companion sheet's chart data (``*_chart``: density
    curves, grade bands), not a panel's ranks or long listing; a panel's region × year table when it has at most
    :data:`MAX_YEAR_COLUMNS` year columns, else its group × year means (the wide table when there are no groups)."""
    wide = any(b.key == "panel_index" and b.width - 1 > MAX_YEAR_COLUMNS for b in blocks)
    groups = any(b.key == "group_means" for b in blocks)
    out = []
    for b in blocks:
        if b.key.endswith("_chart") or b.key in _PANEL_ONLY_IN_WORKBOOK:
            continue
        if b.key == "panel_index" and wide and groups or b.key == "group_means" and not wide:
            continue
        out.append(b)
    return out

_NUMBER = re.compile(r"^Table\s+\d+[a-z]?\s+")


@dataclass(frozen=True)
class TextTable:
    """A table as text: numbered caption, header rows, body rows, which body cells are numbers (right-aligned),
    notes, and the title without its number."""

    key: str
    caption: str
    header: list[list[str]]
    body: list[list[str]]
    numeric: list[list[bool]]
    notes: list[str]
    title: str = ""

    @property
    def width(self) -> int:
        return max(len(r) for r in [*self.header, *self.body])

    def numeric_columns(self) -> list[bool]:
        """Columns whose body holds numbers (their header is right-aligned above them)."""
        cols = [False] * self.width
        for row in self.numeric:
            for j, num in enumerate(row):
                cols[j] = cols[j] or num
        return cols


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def manuscript_blocks(result, inputs=None) -> list[Block]:
    """The result blocks of a manuscript, in :data:`PAPER_ORDER`, a ``*_stats`` block merged under its table."""
    sheets = result_blocks(result, inputs, language="en")  # translated after numbering (_text_table)
    every = [b for name, bs in sheets.items() if name not in NOT_IN_MANUSCRIPT for b in bs]
    blocks = _manuscript_selection(every)
    rank = {k: i for i, k in enumerate(PAPER_ORDER)}
    ordered = sorted(range(len(blocks)), key=lambda i: (rank.get(blocks[i].key.removesuffix("_stats"),
                                                                 len(rank)), i))
    out: list[Block] = []
    for i in ordered:
        b = blocks[i]
        if b.key.endswith("_stats") and out and out[-1].key == b.key.removesuffix("_stats"):
            base = out[-1]
            pad = [None] * max(0, base.width - 2)
            body = base.body + [list(r[:2]) + pad for r in b.body]
            formats = (base.formats or [[None] * len(r) for r in base.body]) + \
                [list((f or [None, None])[:2]) + pad for f in (b.formats or [[None, None]] * len(b.body))]
            out[-1] = Block(base.key, base.title, base.header, body, formats, [*base.notes, *b.notes])
        else:
            out.append(b)
    return out


def _text_table(b: Block, number: int, language: str, keep=frozenset()) -> TextTable:
    t = translate_block(b, language, keep)
    width = b.width
    body, numeric = [], []
    for i, row in enumerate(t.body):
        fmts = b.formats[i] if i < len(b.formats) else []
        cells, nums = [], []
        for j in range(width):
            v = row[j] if j < len(row) else None
            f = fmts[j] if j < len(fmts) else None
            cells.append(format_value(v, f))
            nums.append(is_number(v))
        body.append(cells)
        numeric.append(nums)
    header = [[format_value(c) if c is not None else "" for c in r] + [""] * (width - len(r)) for r in t.header]
    title = _NUMBER.sub("", b.title)
    return TextTable(b.key, table_caption(number, title, language, keep), header, body, numeric, list(t.notes),
                     translate(title, language, keep))


def manuscript_tables(result, inputs=None, language: str | None = None) -> list[TextTable]:
    """Every table of the study as text, numbered in a paper's order, labels in ``language`` (en | zh;
    default: the ``language`` setting).

    >>> from dnqp.engine.sample import DIMENSION_LABELS, load_sample
    >>> from dnqp.engine.study import run_study
    >>> s = load_sample()
    >>> r = run_study(s["indicators"], s["data"], s["variables"], s["model"], dimension_labels=DIMENSION_LABELS)
    >>> [t.caption for t in manuscript_tables(r)][:2]
    ['Table 1  Indicator system and entropy weights', 'Table 2  Dimension weights']
    >>> manuscript_tables(r, language="zh")[5].caption
    '表6  基准回归：lnUpgrade'
    """
    language = check_language(language or result.settings.language)
    keep = user_labels(result)
    return [_text_table(b, i + 1, language, keep) for i, b in enumerate(manuscript_blocks(result, inputs))]
