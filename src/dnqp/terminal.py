"""Terminal rendering of a study's tables (rich). A thin shell: it formats, it computes nothing."""

from __future__ import annotations

import math

import pandas as pd

from .engine.study import StudyResult
from .engine.tables import star_legend, title

__all__ = ["print_study", "print_panel_study", "print_companions", "frame_to_rich"]


def _fmt(value, decimals: int) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return ""
    if x.is_integer() and abs(x) < 1e15 and decimals == 0:
        return str(int(x))
    return f"{x:.{decimals}f}"


def frame_to_rich(df: pd.DataFrame, title: str, decimals: dict | int = 4, caption: str | None = None):
    """A rich Table of ``df`` with its index as the first column."""
    from rich.table import Table

    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
    index_names = [n for n in (df.index.names or []) if n] or [""]
    flat_index = isinstance(df.index, pd.MultiIndex)
    table.add_column(str(index_names[0]) if not flat_index else "", style="bold")
    for col in df.columns:
        table.add_column(str(col), justify="right")
    prev = None
    for key, row in df.iterrows():
        if flat_index:
            label = "" if key[0] == prev else str(key[0])
            prev = key[0]
        else:
            label = str(key)
        cells = []
        for col in df.columns:
            d = decimals.get(col, 4) if isinstance(decimals, dict) else decimals
            cells.append(_fmt(row[col], d))
        table.add_row(label, *cells)
    return table


def print_study(result: StudyResult, console=None) -> None:
    """Print the study's tables as the paper lays them out."""
    from rich.console import Console

    console = console or Console()
    if not isinstance(result, StudyResult):
        return print_panel_study(result, console)
    s = result.settings
    labels = result.dimension_weights["Label"]
    weights = result.weights.drop(columns="Indicator").assign(Dimension=result.weights["Dimension"].map(labels))
    console.print(frame_to_rich(weights, title("weights"), 6,
                                caption=f"standardisation {s.standardize}, shift {s.shift:g}"))
    console.print(frame_to_rich(result.dimension_weights, title("dimension_weights"), {"Indicators": 0, "Weight": 6}))
    console.print(frame_to_rich(result.index, title("index", index_label=s.index_label), 6,
                                caption=f"{s.convention} weights"))
    console.print(frame_to_rich(result.descriptives, title("descriptives"),
                                {"Obs": 0, "Mean": 3, "Std. Dev.": 3, "Min": 3, "Max": 3}))
    console.print(frame_to_rich(result.vif, title("vif"), {"VIF": 2, "1/VIF": 6}))
    b = result.baseline
    base = b.table(levels=s.stars)
    console.print(frame_to_rich(base, title("baseline", depvar=b.depvar), {"P>|t|": 4},
                                caption=(f"{b.cov_label} standard errors; {star_legend(s.stars)}\n"
                                         f"Observations {b.nobs}   R-squared {b.rsquared:.4f}   "
                                         f"Adj R-squared {b.rsquared_adj:.4f}   F({int(b.df_model)}, "
                                         f"{int(b.df_resid)}) = {b.fvalue:.2f}   Prob > F {b.f_pvalue:.4f}   "
                                         f"Root MSE {b.rmse:.5g}")))
    het = result.heterogeneity_model
    console.print(frame_to_rich(het.frame(), title("heterogeneity", depvar=b.depvar),
                                caption=f"t statistics in parentheses ({het.cov_label} standard errors); {het.legend}"))
    print_companions(result, console)
    for w in result.warnings:
        console.print(f"[yellow]note:[/yellow] {w}")


def print_panel_study(result, console=None) -> None:
    """Print a panel study's tables (:class:`dnqp.engine.panel_study.PanelStudyResult`)."""
    from rich.console import Console

    from .workbook.panel_blocks import cov_line, fe_line

    console = console or Console()
    s, ent = result.settings, result.entropy
    if s.panel_entropy == "global":
        weights = result.weights.drop(columns="Indicator")
        console.print(frame_to_rich(weights, title("weights"), 6,
                                    caption=f"global entropy over {ent.rows} region-years (k = 1/ln {ent.rows}), "
                                            f"standardisation {s.standardize}, shift {s.shift:g}"))
        console.print(frame_to_rich(result.dimension_weights, title("dimension_weights"),
                                    {"Indicators": 0, "Weight": 6}))
    else:
        console.print(frame_to_rich(result.weights, title("weights_by_year"), 4,
                                    caption="by-year entropy: scores comparable within a year only"))
        console.print(frame_to_rich(result.dimension_weights, title("dimension_weights_by_year"), 4))
    t = result.index_tables
    console.print(frame_to_rich(t.wide.set_axis([str(y) for y in t.wide.columns], axis=1),
                                title("panel_index", index_label=s.index_label), 3))
    if t.group_means is not None:
        console.print(frame_to_rich(t.group_means.set_axis([str(y) for y in t.group_means.columns], axis=1),
                                    title("group_means", index_label=s.index_label), 3))
    console.print(frame_to_rich(result.descriptives, title("descriptives"),
                                {"Obs": 0, "Mean": 3, "Std. Dev.": 3, "Min": 3, "Max": 3}))
    console.print(frame_to_rich(result.vif, title("vif"), {"VIF": 2, "1/VIF": 6}))
    legend = star_legend(s.stars)
    console.print(frame_to_rich(result.baseline.frame(), title("panel_baseline", depvar=result.dependent),
                                caption=f"t statistics in parentheses; {cov_line(result)}; {legend}\n{fe_line(result)}"))
    console.print(frame_to_rich(result.heterogeneity.frame(), title("heterogeneity", depvar=result.dependent),
                                caption=f"t statistics in parentheses; {legend}"))
    if result.groups is not None:
        console.print(frame_to_rich(result.group_models.frame(),
                                    title("group_heterogeneity", depvar=result.dependent),
                                    caption=f"t statistics in parentheses; {legend}"))
        i = result.groups.interaction
        console.print(frame_to_rich(result.groups.tests().set_index("Group A"), title("group_tests"),
                                    {"Replications": 0, "Seed": 0},
                                    caption=f"interaction test ({', '.join(i.terms[:3])}{', …' if len(i.terms) > 3 else ''}"
                                            f" = 0): F({i.df_num}, {i.df_den:g}) = {i.fvalue:.2f}, p = {i.pvalue:.4f}"))
    print_companions(result, console)
    for w in result.warnings:
        console.print(f"[yellow]note:[/yellow] {w}")


#: Companion blocks left out of the terminal: a chart's data, the full obstacle matrix.
_NOT_PRINTED = ("_chart", "obstacle_all")


def _number_text(value, fmt: str | None) -> str:
    if fmt and isinstance(value, int | float) and not isinstance(value, bool):
        decimals = len(fmt.split(".")[1]) if "." in fmt else 0
        return _fmt(value, decimals)
    return "" if value is None else str(value)


def print_companions(result: StudyResult, console=None) -> None:
    """Print the companion measures' tables (issue 12), as their result sheets lay them out."""
    from rich.console import Console
    from rich.table import Table

    from .workbook.companion_blocks import companion_blocks

    console = console or Console()
    for blocks in companion_blocks(result).values():
        for b in blocks:
            if b.key.endswith(_NOT_PRINTED):
                continue
            table = Table(title=b.title, caption="\n".join(b.notes) or None, title_justify="left",
                          caption_justify="left")
            for j, h in enumerate(b.header[0]):
                table.add_column("" if h is None else str(h), justify="left" if j == 0 else "right",
                                 style="bold" if j == 0 else None)
            for row, fmts in zip(b.body, b.formats or [[None] * b.width] * len(b.body)):
                table.add_row(*[_number_text(v, f) for v, f in zip(row, list(fmts) + [None] * len(row))])
            console.print(table)
