"""The county-level panel case of ``benchmarks.bench``: 2,800 regions × 20 years × 30 indicators.

* global entropy (:func:`dnqp.engine.panel.panel_entropy`, ``mode="global"``, with its panel checks: text
  regions, numeric years, a region-year given once, missing values) vs bare NumPy on the same matrix
  (:func:`benchmarks.bench.bare_entropy`), target ≤ 1.3×; weights cross-checked;
* two-way fixed effects clustered by region (:func:`dnqp.engine.panel_regression.panel_ols`) vs the library's
  own call (linearmodels ``PanelOLS(..., entity_effects=True, time_effects=True).fit(cov_type="clustered",
  cluster_entity=True)`` on the same MultiIndexed data), target ≤ 1.5×; coefficients cross-checked;
* how both grow from 300 to 2,800 regions (20 years each).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = ["panel_data", "panel_fe_case"]

SIZES = (300, 1000, 2800)
SMOKE_SIZES = (20, 40)


def panel_data(regions: int, years: int = 20, m: int = 30, k: int = 5, seed: int = 2800):
    """A seeded region × year panel: ``m`` indicators, an outcome and ``k`` regressors, on a (Region, Year) index."""
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_product([[f"County{r:04d}" for r in range(regions)], range(2004, 2004 + years)],
                                     names=["Region", "Year"])
    n = len(idx)
    X = pd.DataFrame(rng.lognormal(0.0, 1.0, size=(n, m)), index=idx, columns=[f"X{j + 1}" for j in range(m)])
    signs = np.array([1.0 if j % 3 != 2 else -1.0 for j in range(m)])
    reg = pd.DataFrame(rng.normal(size=(n, k)), index=idx, columns=[f"x{j + 1}" for j in range(k)])
    y = (reg.sum(axis=1) + np.repeat(rng.normal(size=regions), years) + np.tile(rng.normal(size=years), regions)
         + rng.normal(size=n)).rename("y")
    return X, signs, y, reg


def panel_fe_case(section_cls, median_times, bare_entropy, ms, mark, repeats: int, smoke: bool = False):
    """The Section of the panel case (the helpers are bench.py's, passed in to keep one copy of each)."""
    from linearmodels import PanelOLS

    from dnqp.engine.panel import panel_entropy
    from dnqp.engine.panel_regression import panel_ols

    sizes = SMOKE_SIZES if smoke else SIZES
    sec = section_cls(f"Panel: up to {sizes[-1]:,} regions × 20 years × 30 indicators (global entropy, two-way FE)")
    rows = []
    for regions in sizes:
        X, signs, y, reg = panel_data(regions)
        directions = ["+" if s > 0 else "-" for s in signs]
        values = X.to_numpy()

        def dnqp_entropy():
            return panel_entropy(X, directions)

        def numpy_entropy():
            return bare_entropy(values, signs)

        w_dnqp = dnqp_entropy().weights.to_numpy()
        w_bare, _ = numpy_entropy()
        assert np.allclose(w_dnqp, w_bare, rtol=1e-10), "panel entropy weights disagree with bare NumPy"
        t_ent, t_np = median_times([dnqp_entropy, numpy_entropy], repeats)

        exog = reg.assign(_cons=1.0)

        def dnqp_fe():
            return panel_ols(y, reg, effects="twoway", cov="cluster")

        def library_fe():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return PanelOLS(y, exog, entity_effects=True, time_effects=True).fit(
                    cov_type="clustered", cluster_entity=True)

        b_dnqp = dnqp_fe().params[reg.columns].to_numpy()
        b_lib = library_fe().params[reg.columns].to_numpy()
        assert np.allclose(b_dnqp, b_lib, rtol=1e-10), "panel_ols coefficients disagree with linearmodels"
        t_fe, t_lib = median_times([dnqp_fe, library_fe], max(1, repeats // 2), min_time=0.0)
        rows.append((regions, len(X), t_ent, t_np, t_fe, t_lib))

    table = []
    for regions, n, t_ent, t_np, t_fe, t_lib in rows:
        r_ent, r_fe = t_ent / t_np, t_fe / t_lib
        last = regions == sizes[-1] and not smoke  # targets are judged at the real size only
        table.append([f"{regions:,}", f"{n:,}", ms(t_ent), ms(t_np), f"{r_ent:.2f}×" + (f" ({mark(r_ent <= 1.3)})" if last else ""),
                      ms(t_fe), ms(t_lib), f"{r_fe:.2f}×" + (f" ({mark(r_fe <= 1.5)})" if last else "")])
        if last and r_ent > 1.3:
            sec.unmet.append(f"panel global entropy took {r_ent:.2f}× bare NumPy at {n:,} rows (target 1.3×)")
        if last and r_fe > 1.5:
            sec.unmet.append(f"two-way FE took {r_fe:.2f}× linearmodels' own call at {n:,} rows (target 1.5×)")
    sec.add("Global entropy: `panel_entropy` (panel checks included) vs bare NumPy on the same stacked matrix. "
            "Two-way FE clustered by region: `panel_ols` (checks, singletons, absorbed regressors, reghdfe's "
            "degrees of freedom) vs linearmodels' `PanelOLS(...).fit(cov_type='clustered')` on the same data.", "")
    sec.table(["regions", "rows", "entropy ms", "NumPy ms", "ratio (≤ 1.3×)", "two-way FE ms", "linearmodels ms",
               "ratio (≤ 1.5×)"], table)
    first, last = rows[0], rows[-1]
    growth = last[1] / first[1]
    sec.add(f"From {first[0]:,} to {last[0]:,} regions ({growth:.1f}× the rows): global entropy "
            f"{last[2] / first[2]:.1f}× the time, two-way FE {last[4] / first[4]:.1f}× the time.", "")
    return sec
