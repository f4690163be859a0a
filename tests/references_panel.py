"""Panel regression references with their provenance. Never computed by dnqp.

STATA_XTREG
    Stata 13's own output, stored in linearmodels' test suite (NCSA licence):
    bashtage/linearmodels, ``linearmodels/tests/panel/results/stata-panel-simulated-results.txt`` (last
    changed in commit c51a031b20, 2017-04-18; read at 2ce5503d2014). The do-file that made it is written by
    ``execute-stata-simulated-data.py`` beside it: ``xtset firm_id time`` then, for each variable set
    ``y x1 x2 x3 x4 x5`` (and the ``_light`` / ``_heavy`` copies with 5 % / 20 % of values missing),
    ``xtreg {vars}, fe vce(conventional)``, ``xtreg {vars}, fe vce(robust)``, ``xtreg {vars}, fe vce(cluster
    firm_id)``, ``regress {vars}, vce(ols)``, ``regress {vars}, vce(robust)`` and ``regress {vars},
    vce(cluster firm_id)``, exported with ``estout … cells(b t p) stats(… N df_r r2_w F rmse sigma_e …)``
    at 12 significant digits. Keys are ``{estimator}-{vce}--{suffix}`` as in that file; 'b_t' maps each term
    to (b, t); Stata drops incomplete rows (listwise) and, under ``fe``, keeps singleton panels.
    The data are ``simulated-panel.dta`` there, made by ``generate-panel-data.py`` (1000 firms × 3 years,
    NumPy's legacy RandomState(12345)); :func:`linearmodels_simulated_panel` repeats that generator's
    draws in the same order (checked against the .dta to 4e-16: the same numbers).
PYFIXEST_REGHDFE
    ``reghdfe`` output printed in pyfixest's documentation (MIT licence): py-econometrics/pyfixest,
    ``docs/how-to/stata-2-pyfixest.qmd`` (commit 7244fc2ca3b2), on ``pf.get_data()``
    (``pyfixest/utils/utils.py``, seed 1234; :func:`pyfixest_data` repeats its draws, and ``regress Y X1``
    printed there checks the data). Commands: ``reghdfe Y X1 X2, absorb(f1)``,
    ``reghdfe Y X1 X2, absorb(f1) cluster(f1)``, ``reghdfe Y X1 X2, absorb(f1 f2) cluster(f1)``, printed to
    7 significant digits (4 for R², 2 for F). f1 × f2 cells repeat (they are not region-years), so these
    hold dnqp's small-sample rule (:func:`dnqp.engine.panel_regression.small_sample_scale`) applied to
    linearmodels' unscaled covariance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def linearmodels_simulated_panel() -> pd.DataFrame:
    """linearmodels' ``generate-panel-data.py``: firm ``firm.0001``…``firm.1000``, year 1999–2001 (Stata's
    ``time``, 1999-12-31 … 2001-12-31), y, x1…x5 and the ``_light``/``_heavy`` copies with missing values."""
    rs = np.random.RandomState(12345)
    n, t, k = 1000, 3, 6
    x = rs.randn(k + 1, t, n)
    x[0] = 1
    beta = (np.arange(1, k + 2) / (k + 1)).reshape(k + 1, 1, 1)
    eps = rs.randn(t, n)
    y = (beta * x).sum(0) + eps
    y += rs.randn(1, n)
    rs.chisquare(10, size=(1, n))  # the weights w: drawn, unused here
    firm = np.repeat(np.arange(n), t)
    time = np.tile(np.arange(t), n)
    out = pd.DataFrame({"firm": [f"firm.{i + 1:04d}" for i in firm], "year": 1999 + time, "y": y[time, firm]})
    for j in range(1, 6):
        out[f"x{j}"] = x[j, time, firm]
    for suffix, share in (("_light", 0.05), ("_heavy", 0.20)):
        for v in ["y", "x1", "x2", "x3", "x4", "x5"]:
            locs = rs.choice(n * t, int(n * t * share))
            col = out[v].copy()
            col.iloc[locs] = np.nan
            out[v + suffix] = col
    return out


def pyfixest_data(N: int = 1000, seed: int = 1234) -> pd.DataFrame:
    """pyfixest's ``get_data()`` (Feols model, beta_type 1, error_type 1): Y, X1, X2, f1, f2, f3, group_id.

    Its design matrix (``~ X1 + X2 + f1 + f2 + f3``, treatment-coded, levels sorted) is built here in the
    same column order as formulaic's, so the draws that follow it are the same.
    """
    rng = np.random.default_rng(seed)
    G = rng.choice(list(range(10, 20))).astype("int64")
    fe_dims = rng.choice(list(range(2, int(np.floor(np.sqrt(N))))), 3, True).astype("int64")
    X = rng.normal(0, 3, N * 5).reshape((N, 5))
    X[:, 0] = rng.choice(range(3), N, True)
    X[:, 2] = rng.choice(list(range(fe_dims[0])), N, True)
    X[:, 3] = rng.choice(list(range(fe_dims[1])), N, True)
    X[:, 4] = rng.choice(list(range(fe_dims[2])), N, True)
    cols = [np.ones(N), X[:, 0], X[:, 1]]
    for j in (2, 3, 4):
        levels = np.unique(X[:, j])
        cols += [(X[:, j] == v).astype(float) for v in levels[1:]]
    mm = np.column_stack(cols)
    beta = rng.normal(0, 1, mm.shape[1]).reshape(-1, 1)
    u = rng.normal(0, 1, N).reshape(N, 1)
    Y = (1 + mm @ beta + u).flatten()
    rng.normal(0, 5, N)  # Y2: drawn, unused here
    cluster = rng.choice(list(range(G)), N)
    df = pd.DataFrame({"Y": Y, "X1": X[:, 0], "X2": X[:, 1], "f1": X[:, 2], "f2": X[:, 3], "f3": X[:, 4],
                       "group_id": cluster.astype(float)})
    df.loc[0, "Y"] = np.nan
    df.loc[1, "X1"] = np.nan
    df.loc[2, "f1"] = np.nan
    return df


#: Stata ``regress Y X1`` on pyfixest_data() (docs/how-to/stata-2-pyfixest.qmd): checks the data.
PYFIXEST_REGRESS = {"N": 998, "b": {"X1": -1.000086, "_cons": 0.9185178}, "se": {"X1": 0.0847353, "_cons": 0.1118212}}

PYFIXEST_REGHDFE = {
    "absorb(f1)": {
        "N": 997, "df": (2, 965), "F": 151.33, "r2": 0.4890, "r2_a": 0.4726, "r2_within": 0.2388, "rmse": 1.6751,
        "b": {"X1": -0.9495256, "X2": -0.1742253, "_cons": 0.842222},
        "se": {"X1": 0.0663728, "X2": 0.0175957, "_cons": 0.0872525},
    },
    "absorb(f1) cluster(f1)": {
        "N": 997, "df": (2, 29), "F": 146.33, "r2": 0.4890, "r2_a": 0.4726, "r2_within": 0.2388, "rmse": 1.6751,
        "clusters": 30,
        "b": {"X1": -0.9495256, "X2": -0.1742253, "_cons": 0.842222},
        "se": {"X1": 0.0665572, "X2": 0.018409, "_cons": 0.0694639},
    },
    "absorb(f1 f2) cluster(f1)": {
        "N": 997, "df": (2, 29), "F": 182.76, "r2": 0.6590, "r2_a": 0.6372, "r2_within": 0.3026, "rmse": 1.3893,
        "clusters": 30, "absorbed": {"f1": (30, 30, 0), "f2": (30, 1, 29)},
        "b": {"X1": -0.9240462, "X2": -0.1741073, "_cons": 0.8156588},
        "se": {"X1": 0.0618743, "X2": 0.0148338, "_cons": 0.064596},
    },
}

STATA_XTREG = {  # see the module docstring for provenance
    'fixed_effect-conventional--': {
        'b_t': {'x1': (0.28022361411, 8.5686731168), 'x2': (0.4385940643, 13.919877875), 'x3': (0.53002552812, 16.346293266), 'x4': (0.7463911872, 23.040994785), 'x5': (0.79970892549, 25.036604602), '_cons': (0.16350736191, 6.2739880077)},
        'stats': {'N': 3000.0, 'N_g': 1000.0, 'df_r': 1995.0, 'r2_w': 0.48194518288, 'F': 371.18876538, 'rmse': 1.4255418371, 'sigma_e': 1.4255418371, 'r2': 0.48194518288, 'r2_a': 0.22122987642},
    },
    'fixed_effect-conventional--_light': {
        'b_t': {'x1': (0.26776317358, 6.5738055555), 'x2': (0.4599590167, 11.705396877), 'x3': (0.51779361137, 12.762752078), 'x4': (0.74735044748, 18.06357282), 'x5': (0.79040889139, 19.557503867), '_cons': (0.14447613586, 4.794106448)},
        'stats': {'N': 2239.0, 'N_g': 991.0, 'df_r': 1243.0, 'r2_w': 0.47633293409, 'F': 226.12910974, 'rmse': 1.4235837045, 'sigma_e': 1.4235837045, 'r2': 0.47633293409, 'r2_a': 0.05714650563},
    },
    'fixed_effect-conventional--_heavy': {
        'b_t': {'x1': (0.38455903296, 4.0365158118), 'x2': (0.5073037462, 5.9462814575), 'x3': (0.53406323725, 6.0209039771), 'x4': (0.70711078719, 7.8969698103), 'x5': (0.70954846223, 8.0181634917), '_cons': (0.11702024313, 2.4337327119)},
        'stats': {'N': 891.0, 'N_g': 639.0, 'df_r': 247.0, 'r2_w': 0.47934026469, 'F': 45.479624158, 'rmse': 1.4094625798, 'sigma_e': 1.4094625798, 'r2': 0.47934026469, 'r2_a': -0.87606139442},
    },
    'fixed_effect-robust--': {
        'b_t': {'x1': (0.28022361411, 8.2791010289), 'x2': (0.4385940643, 14.101839089), 'x3': (0.53002552812, 16.69456826), 'x4': (0.7463911872, 22.400384677), 'x5': (0.79970892549, 26.507222888), '_cons': (0.16350736191, 124.34303763)},
        'stats': {'N': 3000.0, 'N_g': 1000.0, 'df_r': 999.0, 'r2_w': 0.48194518288, 'F': 377.85748702, 'rmse': 1.1636584288, 'sigma_e': 1.4255418371, 'r2': 0.48194518288, 'r2_a': 0.48108002787},
    },
    'fixed_effect-robust--_light': {
        'b_t': {'x1': (0.26776317358, 6.1858523894), 'x2': (0.4599590167, 11.877201408), 'x3': (0.51779361137, 12.361768895), 'x4': (0.74735044748, 17.336193597), 'x5': (0.79040889139, 20.254574012), '_cons': (0.14447613586, 83.781889264)},
        'stats': {'N': 2239.0, 'N_g': 991.0, 'df_r': 990.0, 'r2_w': 0.47633293409, 'F': 218.93319829, 'rmse': 1.0621215262, 'sigma_e': 1.4235837045, 'r2': 0.47633293409, 'r2_a': 0.47516037013},
    },
    'fixed_effect-robust--_heavy': {
        'b_t': {'x1': (0.38455903296, 3.8129625382), 'x2': (0.5073037462, 6.8554730459), 'x3': (0.53406323725, 6.4413207654), 'x4': (0.70711078719, 8.1814950477), 'x5': (0.70954846223, 9.4123814836), '_cons': (0.11702024313, 14.408923203)},
        'stats': {'N': 891.0, 'N_g': 639.0, 'df_r': 638.0, 'r2_w': 0.47934026469, 'F': 54.453610586, 'rmse': 0.74461261811, 'sigma_e': 1.4094625798, 'r2': 0.47934026469, 'r2_a': 0.47639868427},
    },
    'fixed_effect-cluster--': {
        'b_t': {'x1': (0.28022361411, 8.2791010289), 'x2': (0.4385940643, 14.101839089), 'x3': (0.53002552812, 16.69456826), 'x4': (0.7463911872, 22.400384677), 'x5': (0.79970892549, 26.507222888), '_cons': (0.16350736191, 124.34303763)},
        'stats': {'N': 3000.0, 'N_g': 1000.0, 'df_r': 999.0, 'r2_w': 0.48194518288, 'F': 377.85748702, 'rmse': 1.1636584288, 'sigma_e': 1.4255418371, 'r2': 0.48194518288, 'r2_a': 0.48108002787},
    },
    'fixed_effect-cluster--_light': {
        'b_t': {'x1': (0.26776317358, 6.1858523894), 'x2': (0.4599590167, 11.877201408), 'x3': (0.51779361137, 12.361768895), 'x4': (0.74735044748, 17.336193597), 'x5': (0.79040889139, 20.254574012), '_cons': (0.14447613586, 83.781889264)},
        'stats': {'N': 2239.0, 'N_g': 991.0, 'df_r': 990.0, 'r2_w': 0.47633293409, 'F': 218.93319829, 'rmse': 1.0621215262, 'sigma_e': 1.4235837045, 'r2': 0.47633293409, 'r2_a': 0.47516037013},
    },
    'fixed_effect-cluster--_heavy': {
        'b_t': {'x1': (0.38455903296, 3.8129625382), 'x2': (0.5073037462, 6.8554730459), 'x3': (0.53406323725, 6.4413207654), 'x4': (0.70711078719, 8.1814950477), 'x5': (0.70954846223, 9.4123814836), '_cons': (0.11702024313, 14.408923203)},
        'stats': {'N': 891.0, 'N_g': 639.0, 'df_r': 638.0, 'r2_w': 0.47934026469, 'F': 54.453610586, 'rmse': 0.74461261811, 'sigma_e': 1.4094625798, 'r2': 0.47934026469, 'r2_a': 0.47639868427},
    },
    'pooled-conventional--': {
        'b_t': {'x1': (0.23022942233, 7.0488449432), 'x2': (0.45328333987, 14.37909286), 'x3': (0.5571182147, 16.995089151), 'x4': (0.70135323042, 21.796395863), 'x5': (0.83076510182, 26.252366717), '_cons': (0.16498597792, 5.1328302153)},
        'stats': {'N': 3000.0, 'df_r': 2994.0, 'F': 361.04035299, 'rmse': 1.7589950867, 'r2': 0.37614625376, 'r2_a': 0.37510441384},
    },
    'pooled-conventional--_light': {
        'b_t': {'x1': (0.2223491183, 5.8926852831), 'x2': (0.45834268058, 12.476393345), 'x3': (0.56439657561, 14.95873091), 'x4': (0.70351597399, 18.951127674), 'x5': (0.83631450707, 22.648081795), '_cons': (0.14670658895, 3.9315367544)},
        'stats': {'N': 2239.0, 'df_r': 2233.0, 'F': 269.05617127, 'rmse': 1.7640030669, 'r2': 0.37595731312, 'r2_a': 0.37455999407},
    },
    'pooled-conventional--_heavy': {
        'b_t': {'x1': (0.25238162881, 4.1504016353), 'x2': (0.41377845487, 7.1169813729), 'x3': (0.63845025193, 10.635206278), 'x4': (0.64499996909, 10.953809438), 'x5': (0.7632506805, 12.778466468), '_cons': (0.11709299014, 1.9490390578)},
        'stats': {'N': 891.0, 'df_r': 885.0, 'F': 96.475697888, 'rmse': 1.7831103611, 'r2': 0.35277612831, 'r2_a': 0.34911949627},
    },
    'pooled-robust--': {
        'b_t': {'x1': (0.23022942233, 7.0950958307), 'x2': (0.45328333987, 14.454703191), 'x3': (0.5571182147, 17.284291755), 'x4': (0.70135323042, 21.598569443), 'x5': (0.83076510182, 26.996903601), '_cons': (0.16498597792, 5.1280283769)},
        'stats': {'N': 3000.0, 'df_r': 2994.0, 'F': 386.79388868, 'rmse': 1.7589950867, 'r2': 0.37614625376, 'r2_a': 0.37510441384},
    },
    'pooled-robust--_light': {
        'b_t': {'x1': (0.2223491183, 5.9028626555), 'x2': (0.45834268058, 12.677529755), 'x3': (0.56439657561, 15.201383585), 'x4': (0.70351597399, 18.539116633), 'x5': (0.83631450707, 23.271303911), '_cons': (0.14670658895, 3.9267362049)},
        'stats': {'N': 2239.0, 'df_r': 2233.0, 'F': 283.9350009, 'rmse': 1.7640030669, 'r2': 0.37595731312, 'r2_a': 0.37455999407},
    },
    'pooled-robust--_heavy': {
        'b_t': {'x1': (0.25238162881, 4.1650794558), 'x2': (0.41377845487, 6.9570859347), 'x3': (0.63845025193, 11.311996131), 'x4': (0.64499996909, 10.681380071), 'x5': (0.7632506805, 13.960360244), '_cons': (0.11709299014, 1.9317613072)},
        'stats': {'N': 891.0, 'df_r': 885.0, 'F': 96.735896585, 'rmse': 1.7831103611, 'r2': 0.35277612831, 'r2_a': 0.34911949627},
    },
    'pooled-cluster--': {
        'b_t': {'x1': (0.23022942233, 7.0473011908), 'x2': (0.45328333987, 14.318056968), 'x3': (0.5571182147, 17.972883425), 'x4': (0.70135323042, 20.753073237), 'x5': (0.83076510182, 26.735635477), '_cons': (0.16498597792, 3.9517298456)},
        'stats': {'N': 3000.0, 'df_r': 999.0, 'F': 384.67928463, 'rmse': 1.7589950867, 'r2': 0.37614625376, 'r2_a': 0.37510441384},
    },
    'pooled-cluster--_light': {
        'b_t': {'x1': (0.2223491183, 5.8852090921), 'x2': (0.45834268058, 12.427964562), 'x3': (0.56439657561, 15.777447656), 'x4': (0.70351597399, 17.892939997), 'x5': (0.83631450707, 22.910462515), '_cons': (0.14670658895, 3.1800071543)},
        'stats': {'N': 2239.0, 'df_r': 990.0, 'F': 269.69177094, 'rmse': 1.7640030669, 'r2': 0.37595731312, 'r2_a': 0.37455999407},
    },
    'pooled-cluster--_heavy': {
        'b_t': {'x1': (0.25238162881, 4.0766652613), 'x2': (0.41377845487, 7.0122693047), 'x3': (0.63845025193, 11.32819739), 'x4': (0.64499996909, 10.89130788), 'x5': (0.7632506805, 13.963609006), '_cons': (0.11709299014, 1.7403786532)},
        'stats': {'N': 891.0, 'df_r': 638.0, 'F': 95.745487565, 'rmse': 1.7831103611, 'r2': 0.35277612831, 'r2_a': 0.34911949627},
    },
}
