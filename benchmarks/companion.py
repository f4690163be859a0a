"""Bench cases of the companion measures (issue 12), for ``python -m benchmarks.bench --cases companion``.

Each measure is timed against a bare NumPy implementation of the same formulas on the same data (the
yardsticks below), at 56,000 × 30; Dagum's decomposition against a straightforward pairwise (n²) NumPy
implementation at 2,800 regions × 20 years × 4 groups. Ratios are taken between timings of one run.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

__all__ = ["companion_case", "TARGET", "DAGUM_TARGET"]

TARGET = 1.5  # every measure: at most 1.5× bare NumPy
DAGUM_TARGET = 0.25  # Dagum: at most 0.25× the pairwise NumPy implementation


# ------------------------------------------------------------------------------------------------ yardsticks
def _minmax(x, d):
    lo, hi = x.min(axis=0), x.max(axis=0)
    return np.where(d > 0, x - lo, hi - x) / (hi - lo)


def _entropy_w(z):
    p = z / z.sum(axis=0)
    e = -(p * np.log(np.where(p > 0, p, 1.0))).sum(axis=0) / np.log(len(z))
    return (1 - e) / (1 - e).sum()


def bare_critic(x, d):
    z = _minmax(x, d)
    c = z.std(axis=0, ddof=1) * (1 - np.corrcoef(z, rowvar=False)).sum(axis=1)
    return c / c.sum()


def bare_topsis(x, d):
    z = _minmax(x, d)
    v = z * _entropy_w(z)
    dp = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    dm = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    return dm / (dp + dm)


def bare_coupling(u, revised=False):
    """C (classic or revised), T with equal α, D, its grade 1–10 and the lagging system, as dnqp returns them."""
    n = u.shape[1]
    if revised:
        s = np.sort(u, axis=1)
        spread = 1 - s @ (2.0 * np.arange(1, n + 1) - n - 1) / (n * (n - 1) / 2)
        c = np.sqrt(spread * np.prod(s[:, :-1] / s[:, -1:], axis=1) ** (1 / (n - 1)))
    else:
        c = n * np.prod(u, axis=1) ** (1 / n) / u.sum(axis=1)
    t = u.mean(axis=1)
    d = np.sqrt(c * t)
    level = np.minimum(np.floor(d * 10), 9) + 1  # the ten grades
    lag = np.where(u.max(axis=1) - u.min(axis=1) > 0.1, u.argmin(axis=1), -1)  # the lagging system
    return c, t, d, level, lag


def bare_obstacle(x, d):
    z = _minmax(x, d)
    o = _entropy_w(z) * (1 - z)
    o /= o.sum(axis=1, keepdims=True)
    return o, np.argsort(-o, axis=1)[:, :3]


def bare_grey(y, x):
    y0, xs = y / y[0], x / x[0]
    delta = np.abs(xs - y0[:, None])
    lo, hi = delta.min(), delta.max()
    return ((lo + 0.5 * hi) / (delta + 0.5 * hi)).mean(axis=0)


def bare_theil(y, years, groups, k):
    out = []
    for t in range(years.max() + 1):
        v, g = y[years == t], groups[years == t]
        m = v.mean()
        tt = np.mean(v / m * np.log(v / m))
        tw = tb = 0.0
        for j in range(k):
            vj = v[g == j]
            mj = vj.mean()
            sj = vj.sum() / v.sum()
            tw += sj * np.mean(vj / mj * np.log(vj / mj))
            tb += sj * np.log(mj / m)
        out.append((tt, tw, tb))
    return out


def bare_kde(y, years, gridsize=100):
    out = []
    for t in range(years.max() + 1):
        v = y[years == t]
        iqr = np.subtract(*np.percentile(v, [75, 25]))
        h = 0.9 * min(v.std(ddof=1), iqr / 1.349) * len(v) ** -0.2
        grid = np.linspace(v.min() - 3 * h, v.max() + 3 * h, gridsize)
        u = (grid[:, None] - v[None, :]) / h
        out.append(np.exp(-0.5 * u * u).sum(axis=1) / (len(v) * h * np.sqrt(2 * np.pi)))
    return out


def pairwise_dagum(y, years, groups, k):
    """Dagum (1997) per year, the pairwise way: an n_j × n_h matrix of differences for every pair of groups."""
    out = []
    for t in range(years.max() + 1):
        v, g = y[years == t], groups[years == t]
        n, m = len(v), v.mean()
        parts = [v[g == j] for j in range(k)]
        nj = np.array([len(p) for p in parts], float)
        mj = np.array([p.mean() for p in parts])
        pj, sj = nj / n, nj * mj / (n * m)
        gjj = np.array([np.abs(p[:, None] - p[None, :]).sum() / (2 * len(p) ** 2 * p.mean()) for p in parts])
        total = sum(np.abs(p[:, None] - p[None, :]).sum() for p in parts)
        gw, gnb, gt = (gjj * pj * sj).sum(), 0.0, 0.0
        for a, b in combinations(range(k), 2):
            j, h = (a, b) if mj[a] >= mj[b] else (b, a)
            diff = parts[j][:, None] - parts[h][None, :]
            ad = np.abs(diff).sum()
            total += 2 * ad
            gjh = ad / (nj[j] * nj[h] * (mj[j] + mj[h]))
            dd = diff[diff > 0].sum()
            pp = -diff[diff < 0].sum()
            djh = (dd - pp) / (dd + pp)
            share = pj[j] * sj[h] + pj[h] * sj[j]
            gnb += gjh * share * djh
            gt += gjh * share * (1 - djh)
        out.append((total / (2 * n * n * m), gw, gnb, gt))
    return out


# ------------------------------------------------------------------------------------------------ the case
def companion_case(section_cls, median_times, smoke: bool, repeats: int):
    """One Section: each measure's time, its yardstick's, the ratio and whether the target is met."""
    from dnqp.engine.companion import (coupling_coordination, critic_weights, dagum_gini, grey_relation,
                                       kernel_density, obstacle_degree, theil_index, topsis)

    n, m = (2_000, 8) if smoke else (56_000, 30)
    regions, years, k = (80, 4, 4) if smoke else (2_800, 20, 4)
    sec = section_cls(f"Companion measures: {n:,} × {m}; Dagum at {regions:,} regions × {years} years × {k} groups")
    rng = np.random.default_rng(12)
    x = rng.lognormal(0.0, 1.0, size=(n, m))
    d = np.where(np.arange(m) % 3 == 2, -1.0, 1.0)
    X = pd.DataFrame(x, columns=[f"X{j + 1}" for j in range(m)])
    dirs = ["+" if v > 0 else "-" for v in d]
    u = rng.uniform(0.01, 1.0, size=(n, m))
    U = pd.DataFrame(u, columns=[f"S{j + 1}" for j in range(m)])
    yref = rng.lognormal(size=n)
    Yref = pd.Series(yref, name="Export")
    # a panel of ≈ n region-years (n/30 regions × 30 years) for Theil and the densities
    pr, py = n // 30, 30
    pidx = pd.MultiIndex.from_product([[f"R{r:05d}" for r in range(pr)], range(py)], names=["Region", "Year"])
    pv = rng.gamma(2.0, 0.2, len(pidx))
    pg = np.arange(pr) % k
    pgroups = {f"R{r:05d}": f"G{pg[r]}" for r in range(pr)}
    pyears, pcodes = np.tile(np.arange(py), pr), np.repeat(pg, py)
    PV = pd.Series(pv, index=pidx, name="DNQP")
    cases = [
        ("CRITIC weights", lambda: critic_weights(X, dirs), lambda: bare_critic(x, d)),
        ("entropy-TOPSIS (pooled, min–max)", lambda: topsis(X, dirs), lambda: bare_topsis(x, d)),
        ("coupling coordination, classic C", lambda: coupling_coordination(U), lambda: bare_coupling(u)),
        ("coupling coordination, revised C", lambda: coupling_coordination(U, variant="revised"),
         lambda: bare_coupling(u, True)),
        ("obstacle degree (entropy weights, top 3)", lambda: obstacle_degree(X, dirs), lambda: bare_obstacle(x, d)),
        ("grey relational degree (initial value)", lambda: grey_relation(Yref, X), lambda: bare_grey(yref, x)),
        (f"Theil, by year and group ({pr:,} regions × {py} years)", lambda: theil_index(PV, pgroups),
         lambda: bare_theil(pv, pyears, pcodes, k)),
        (f"kernel density, Gaussian, every year ({py} curves)", lambda: kernel_density(PV),
         lambda: bare_kde(pv, pyears)),
    ]
    rows = []
    for label, ours, bare in cases:
        t_ours, t_bare = median_times([ours, bare], repeats)
        ratio = t_ours / t_bare
        ok = ratio <= TARGET
        rows.append([label, f"{t_ours * 1e3:.1f}", f"{t_bare * 1e3:.1f}", f"{ratio:.2f}", "met" if ok else
                     "**not met**"])
        if not ok:
            sec.unmet.append(f"{label}: {ratio:.2f}× bare NumPy (target ≤ {TARGET}×)")
    sec.add("Each measure as the engine computes it (inputs checked, results as labelled tables) against a bare "
            "NumPy implementation of the same formulas (`benchmarks/companion.py`), medians of interleaved "
            "samples.", "")
    sec.table(["measure", "dnqp ms", "bare NumPy ms", "ratio", f"≤ {TARGET}×"], rows)

    didx = pd.MultiIndex.from_product([[f"R{r:05d}" for r in range(regions)], range(years)], names=["Region", "Year"])
    dv = rng.gamma(2.0, 0.2, len(didx)) + np.repeat(np.arange(regions) % k, years) * 0.05
    dg = np.arange(regions) % k
    dgroups = {f"R{r:05d}": f"G{dg[r]}" for r in range(regions)}
    DV = pd.Series(dv, index=didx, name="DNQP")
    dyears, dcodes = np.tile(np.arange(years), regions), np.repeat(dg, years)
    ours = dagum_gini(DV, dgroups).overall[["G", "G_w", "G_nb", "G_t"]].to_numpy()
    theirs = np.array(pairwise_dagum(dv, dyears, dcodes, k))
    agree = float(np.abs(ours - theirs).max())
    t_ours, t_pair = median_times([lambda: dagum_gini(DV, dgroups), lambda: pairwise_dagum(dv, dyears, dcodes, k)],
                                  max(1, repeats // 2))
    ratio = t_ours / t_pair
    ok = ratio <= DAGUM_TARGET
    if not ok:
        sec.unmet.append(f"Dagum's Gini: {ratio:.3f}× the pairwise implementation (target ≤ {DAGUM_TARGET}×)")
    sec.table(["Dagum's Gini decomposition", "dnqp ms", "pairwise NumPy ms", "ratio", f"≤ {DAGUM_TARGET}×",
               "max |Δ| of G, G_w, G_nb, G_t"],
              [[f"{regions:,} × {years} × {k} groups", f"{t_ours * 1e3:.1f}", f"{t_pair * 1e3:.1f}", f"{ratio:.3f}",
                "met" if ok else "**not met**", f"{agree:.1e}"]])
    return sec
