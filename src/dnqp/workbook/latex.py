"""The study's tables as LaTeX ``booktabs`` tables (a .tex file to ``\\input`` into a manuscript).

The same tables as the Word file (:func:`dnqp.workbook.manuscript.manuscript_tables`: a paper's order, the
xlsx decimals, stars and parentheses, English or Chinese labels): ``\\toprule`` / ``\\midrule`` /
``\\bottomrule``, numbers right-aligned, text escaped, the notes in a ``threeparttable``'s ``tablenotes``.
Captions are the titles; LaTeX numbers them (``ctex`` names them 表 in Chinese). The file needs
``\\usepackage{booktabs, threeparttable}`` (and ``ctex`` for Chinese labels), listed in its first line;
``standalone=True`` writes a complete document instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..engine.glossary import check_language
from ..errors import DataError
from .manuscript import TextTable, manuscript_tables

__all__ = ["write_latex", "latex_tables", "latex_escape"]

_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
            "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}",
            ">": r"\textgreater{}", "|": r"\textbar{}", "−": "$-$", "–": "--", "Σ": r"$\Sigma$", "²": r"\textsuperscript{2}"}


def latex_escape(text: str) -> str:
    r"""``text`` with LaTeX's special characters escaped.

    >>> latex_escape("P>|t|"), latex_escape("_cons"), latex_escape("50% & more")
    ('P\\textgreater{}\\textbar{}t\\textbar{}', '\\_cons', '50\\% \\& more')
    """
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


def _row(cells: list[str]) -> str:
    return " & ".join(latex_escape(c) for c in cells) + r" \\"


def _table(t: TextTable, label: str) -> str:
    numeric = t.numeric_columns()
    spec = "".join("r" if num and j else "l" for j, num in enumerate(numeric))
    lines = [r"\begin{table}[htbp]", r"\centering", r"\begin{threeparttable}",
             rf"\caption{{{latex_escape(t.title)}}}", rf"\label{{{label}}}", rf"\begin{{tabular}}{{{spec}}}",
             r"\toprule"]
    lines += [_row(r) for r in t.header]
    lines.append(r"\midrule")
    lines += [_row(r) for r in t.body]
    lines.append(r"\bottomrule")
    lines.append(r"\end{tabular}")
    if t.notes:
        lines.append(r"\begin{tablenotes}[flushleft]\footnotesize")
        lines += [rf"\item {latex_escape(n)}" for n in t.notes]
        lines.append(r"\end{tablenotes}")
    lines += [r"\end{threeparttable}", r"\end{table}"]
    return "\n".join(lines)


def latex_tables(result, inputs=None, *, language: str | None = None, standalone: bool = False) -> str:
    r"""Every table of the study as LaTeX booktabs source, labels in ``language`` (default: the setting).

    >>> from dnqp.engine.sample import DIMENSION_LABELS, load_sample
    >>> from dnqp.engine.study import run_study
    >>> s = load_sample()
    >>> r = run_study(s["indicators"], s["data"], s["variables"], s["model"], dimension_labels=DIMENSION_LABELS)
    >>> tex = latex_tables(r)
    >>> tex.count(r"\toprule"), tex.count(r"\midrule"), tex.count(r"\bottomrule")
    (7, 7, 7)
    >>> [line for line in tex.splitlines() if line.startswith("DNQP &")][2]
    'DNQP & 1.3844 & 0.1149 & 12.05 & 0.000 & 1.1195 & 1.6493 & *** \\\\'
    """
    language = check_language(language or result.settings.language)
    tables = manuscript_tables(result, inputs, language)
    packages = r"\usepackage{booktabs,threeparttable}" + (r" \usepackage{ctex}" if language == "zh" else "")
    body = "\n\n".join(_table(t, f"tab:{t.key}") for t in tables)
    if standalone:
        cls = r"\documentclass{ctexart}" if language == "zh" else r"\documentclass{article}"
        return "\n".join([cls, r"\usepackage{booktabs,threeparttable}", r"\begin{document}", body, r"\end{document}",
                          ""])
    return "\n".join([f"% dnqp: {len(tables)} tables (LaTeX numbers the captions). Needs {packages}.", body, ""])


def write_latex(result, path: str | os.PathLike, inputs=None, *, language: str | None = None,
                standalone: bool = False) -> Path:
    """Write :func:`latex_tables` to ``path`` (.tex), atomically."""
    from .atomic import atomic_path

    path = Path(path)
    if path.suffix.lower() != ".tex":
        raise DataError(f"{path}: a LaTeX file must end in .tex")
    text = latex_tables(result, inputs, language=language, standalone=standalone)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path
