"""Terminal rendering of a study's tables (rich). A thin shell: it formats, it computes nothing."""

from __future__ import annotations

from .engine.study import StudyResult

__all__ = ["print_study", "block_to_rich"]

#: Blocks the terminal leaves out: a chart's data (density curves, grade bands), the full obstacle matrix.
NOT_PRINTED = ("_chart", "obstacle_all")


def block_to_rich(block):
    """A rich Table of a result table (:class:`dnqp.workbook.blocks.Block`): its title, header, the body as
    the results workbook shows it (through each cell's number format) and its notes as the caption."""
    from rich.table import Table

    from .workbook.manuscript import is_number
    from .workbook.numfmt import format_value

    width = block.width
    first, *more = block.header or [[]]
    table = Table(title=block.title, caption="\n".join(block.notes) or None, title_justify="left",
                  caption_justify="left")
    numeric = [any(j < len(r) and is_number(r[j]) for r in block.body) for j in range(width)]
    for j in range(width):
        head = first[j] if j < len(first) else None
        table.add_column("" if head is None else str(head), justify="right" if j and numeric[j] else "left",
                         style="bold" if j == 0 else None, no_wrap=bool(j and numeric[j]))
    for row in more:
        table.add_row(*["" if c is None else str(c) for c in [*row, *[None] * (width - len(row))]], style="bold")
    for i, row in enumerate(block.body):
        fmts = block.formats[i] if i < len(block.formats) else []
        table.add_row(*[format_value(row[j] if j < len(row) else None, fmts[j] if j < len(fmts) else None)
                        for j in range(width)])
    return table


def print_study(result: StudyResult, console=None, inputs=None) -> None:
    """Print the study's tables as the results workbook shows them (every result sheet but the Log), labels in
    the ``language`` setting, then the warnings."""
    from rich.console import Console

    from .workbook.blocks import result_blocks

    console = console or Console()
    for name, blocks in result_blocks(result, inputs).items():
        if name != "Log":
            for b in blocks:
                if not b.key.endswith(NOT_PRINTED):
                    console.print(block_to_rich(b))
    for w in result.warnings:
        console.print(f"[yellow]note:[/yellow] {w}")
