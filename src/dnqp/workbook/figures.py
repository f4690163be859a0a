"""The study's figures as PNG images (matplotlib, Agg backend, imported lazily).

:func:`study_figures` draws, from a :class:`~dnqp.engine.study.StudyResult`: the index and its sub-indices
over the years, the weights by dimension, and the baseline coefficients with their 95% confidence
intervals; from a panel study, the group means over the years, the kernel densities by year (when the kde
companion ran) and the weights by dimension. Labels follow ``language`` (:mod:`dnqp.engine.glossary`); Chinese text is drawn with SimSun or,
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
    if getattr(result.index.index, "nlevels", 1) == 2:  # a panel study (issue 11)
        with matplotlib.rc_context(rc):
            return _panel_figures(result, Figure, tr)
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
        out.append(("Weights by dimension", _weights_png(result.dimension_weights, Figure, tr)))

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


def _weights_png(dw, Figure, tr) -> bytes:
    """The weight of each dimension as bars (global weights), or one line per dimension over the years (a
    panel's by-year entropy: ``dw`` has a row per year)."""
    fig = Figure(figsize=(6.0, 3.0))
    ax = fig.add_subplot()
    if "Label" in dw.columns:
        labels = [str(x) for x in dw["Label"]]
        bars = ax.barh(labels[::-1], dw["Weight"].to_numpy()[::-1], color="#1F4E79")
        ax.bar_label(bars, fmt="%.4f", padding=2)
        ax.set_xlabel(tr("Weight"))
    else:
        years = [int(y) for y in dw.index]
        for col in dw.columns:
            ax.plot(years, dw[col].to_numpy(), marker=".", label=str(col))
        ax.set_xlabel(tr("Year"))
        ax.set_ylabel(tr("Weight"))
        ax.legend(frameon=False, ncol=min(5, len(dw.columns)), loc="lower center", bbox_to_anchor=(0.5, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def _panel_figures(result, Figure, tr) -> list[tuple[str, bytes]]:
    """A panel study's figures: the mean index of each region group over the years (one line per group; all
    regions' mean without groups), the kernel densities of the index across regions (one curve per year) when
    the kde companion ran, and the weights by dimension."""
    label = result.settings.index_label
    out = []
    means = result.index_tables.group_means
    if means is None:
        means = result.index[label].groupby(level=-1).mean().to_frame(tr("Mean index")).T
    fig = Figure(figsize=(6.0, 3.4))
    ax = fig.add_subplot()
    years = [int(y) for y in means.columns]
    for group, row in means.iterrows():
        ax.plot(years, row.to_numpy(dtype=float), marker="o", linewidth=1.6, label=str(group))
    ax.set_xlabel(tr("Year"))
    ax.set_ylabel(tr("Mean index"))
    ax.set_xticks(years[::max(1, len(years) // 8)])
    ax.legend(frameon=False, ncol=min(5, len(means)), loc="lower center", bbox_to_anchor=(0.5, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    out.append((f"Mean {label} index by region group and year", _png(fig)))

    kde = getattr(result.companions, "kde", None)
    if kde is not None:
        fig = Figure(figsize=(6.0, 3.4))
        ax = fig.add_subplot()
        for year, part in kde.density.groupby("Year", sort=True):
            ax.plot(part["x"].to_numpy(), part["Density"].to_numpy(), linewidth=1.2, label=str(int(year)))
        ax.set_xlabel(label)
        ax.set_ylabel(tr("Density"))
        ax.legend(frameon=False, ncol=min(6, kde.density["Year"].nunique()), fontsize=7, loc="lower center",
                  bbox_to_anchor=(0.5, 1.0))
        ax.spines[["top", "right"]].set_visible(False)
        out.append((f"Kernel density of {label} across regions, by year", _png(fig)))

    out.append(("Weights by dimension", _weights_png(result.dimension_weights, Figure, tr)))
    return out
