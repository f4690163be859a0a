"""The study's figures as PNG images (matplotlib, Agg backend, imported lazily).

:func:`study_figures` draws, from a :class:`~dnqp.engine.study.StudyResult`: the index and its sub-indices
over the years, the weights by dimension, and the baseline coefficients with their 95% confidence
intervals. Labels follow ``language`` (:mod:`dnqp.engine.glossary`); Chinese text is drawn with SimSun or,
where it is not installed, another CJK serif (matplotlib falls back along the font list).
"""

from __future__ import annotations

import io

from ..engine.glossary import check_language, translate
from ..engine.regression import CONS
from .blocks import user_labels

__all__ = ["study_figures", "FONTS", "DPI"]

#: Font families, in order of preference (matplotlib takes the first that has each glyph).
FONTS = ["Times New Roman", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "DejaVu Serif"]
DPI = 200


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return buf.getvalue()


def study_figures(result, language: str | None = None) -> list[tuple[str, bytes]]:
    """(caption title, PNG bytes) of each figure of the study, in order.

    >>> from dnqp.engine.sample import DIMENSION_LABELS, load_sample
    >>> from dnqp.engine.study import run_study
    >>> s = load_sample()
    >>> r = run_study(s["indicators"], s["data"], s["variables"], s["model"], dimension_labels=DIMENSION_LABELS)
    >>> [(title, png[:4]) for title, png in study_figures(r)]  # doctest: +NORMALIZE_WHITESPACE
    [('Index and sub-indices by year', b'\\x89PNG'), ('Weights by dimension', b'\\x89PNG'),
     ('Coefficients of lnUpgrade with 95% confidence intervals', b'\\x89PNG')]
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import logging

    from matplotlib.figure import Figure

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # "font not found" for each fallback
    language, keep = check_language(language or result.settings.language), user_labels(result)
    tr = lambda s: translate(s, language, keep)  # noqa: E731
    rc = {"font.family": "serif", "font.serif": FONTS, "axes.unicode_minus": False, "font.size": 9}
    out = []
    with matplotlib.rc_context(rc):
        # 1. index and sub-indices over the years
        idx = result.index
        fig = Figure(figsize=(6.0, 3.4))
        ax = fig.add_subplot()
        years = [int(y) for y in idx.index]
        for j, col in enumerate(idx.columns):
            ax.plot(years, idx[col].to_numpy(), marker="o" if j == 0 else ".", linewidth=2.0 if j == 0 else 1.2,
                    label=str(col))
        ax.set_xlabel(tr("Year"))
        ax.set_ylabel(tr("Index"))
        ax.set_xticks(years[::max(1, len(years) // 8)])
        ax.legend(frameon=False, ncol=min(5, len(idx.columns)), loc="lower center", bbox_to_anchor=(0.5, 1.0))
        ax.spines[["top", "right"]].set_visible(False)
        out.append(("Index and sub-indices by year", _png(fig)))

        # 2. weights by dimension
        dw = result.dimension_weights
        fig = Figure(figsize=(6.0, 3.0))
        ax = fig.add_subplot()
        labels = [str(x) for x in dw["Label"]]
        bars = ax.barh(labels[::-1], dw["Weight"].to_numpy()[::-1], color="#1F4E79")
        ax.bar_label(bars, fmt="%.4f", padding=2)
        ax.set_xlabel(tr("Weight"))
        ax.spines[["top", "right"]].set_visible(False)
        out.append(("Weights by dimension", _png(fig)))

        # 3. baseline coefficients with 95% intervals, one row each on its own scale (the constant left out)
        b = result.baseline
        ci = b.conf_int()
        terms = [t for t in b.params.index if t != CONS]
        fig = Figure(figsize=(6.0, 0.45 + 0.5 * len(terms)))
        axes = fig.subplots(len(terms), 1, squeeze=False)[:, 0]
        for ax, term in zip(axes, terms):
            est, lo, hi = float(b.params[term]), float(ci.loc[term].iloc[0]), float(ci.loc[term].iloc[1])
            ax.errorbar([est], [0], xerr=[[est - lo], [hi - est]], fmt="o", color="#1F4E79", capsize=3)
            ax.axvline(0, color="#7F7F7F", linewidth=0.8, linestyle="--")
            span = max(hi, 0.0) - min(lo, 0.0) or 1.0
            ax.set_xlim(min(lo, 0.0) - 0.08 * span, max(hi, 0.0) + 0.08 * span)
            ax.set_yticks([0], [tr(term)])
            ax.tick_params(axis="x", labelsize=7)
            ax.spines[["top", "right", "left"]].set_visible(False)
        axes[-1].set_xlabel(tr("Coefficient"))
        fig.subplots_adjust(hspace=1.1)
        out.append((f"Coefficients of {b.depvar} with 95% confidence intervals", _png(fig)))
    return out
