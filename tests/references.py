"""Reference values with their provenance. Never computed by dnqp.

NIST_LONGLEY
    NIST Statistical Reference Datasets (StRD), linear regression, "Longley" (higher difficulty):
    data and certified values from https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml
    (Longley, J. W. (1967), JASA 62, 819–841). Certified to 15 significant digits.
STATA_MACRO_HC1, STATA_MACRO_NEWEY4
    Stata output for ``regress g_realinv g_realgdp L.realint, vce(robust)`` and
    ``newey g_realinv g_realgdp L.realint, lag(4)`` on the US macro data shipped with statsmodels
    (``statsmodels.datasets.macrodata``; g_x = 400·Δln x), as recorded in statsmodels' test suite
    (statsmodels/regression/tests/results/results_macro_ols_robust.py, BSD-3).
PAPER_TABLE4
    The seed paper's Table 4 (Zhanjiang 2010–2024, n = 15, six regressors and a constant): Coef.,
    Std. Err. and the printed P>|t| (rounded to 3 decimals in the paper).
METHOD_ORACLE
    The hand-checked 5×4 entropy example of docs/method.md §2 (min–max, no shift, directions + + − +).
"""

LONGLEY_COLUMNS = ["y", "x1", "x2", "x3", "x4", "x5", "x6"]
LONGLEY_DATA = [
    (60323, 83.0, 234289, 2356, 1590, 107608, 1947),
    (61122, 88.5, 259426, 2325, 1456, 108632, 1948),
    (60171, 88.2, 258054, 3682, 1616, 109773, 1949),
    (61187, 89.5, 284599, 3351, 1650, 110929, 1950),
    (63221, 96.2, 328975, 2099, 3099, 112075, 1951),
    (63639, 98.1, 346999, 1932, 3594, 113270, 1952),
    (64989, 99.0, 365385, 1870, 3547, 115094, 1953),
    (63761, 100.0, 363112, 3578, 3350, 116219, 1954),
    (66019, 101.2, 397469, 2904, 3048, 117388, 1955),
    (67857, 104.6, 419180, 2822, 2857, 118734, 1956),
    (68169, 108.4, 442769, 2936, 2798, 120445, 1957),
    (66513, 110.8, 444546, 4681, 2637, 121950, 1958),
    (68655, 112.6, 482704, 3813, 2552, 123366, 1959),
    (69564, 114.2, 502601, 3931, 2514, 125368, 1960),
    (69331, 115.7, 518173, 4806, 2572, 127852, 1961),
    (70551, 116.9, 554894, 4007, 2827, 130081, 1962),
]
# term: (certified estimate, certified standard deviation)
NIST_LONGLEY = {
    "_cons": (-3482258.63459582, 890420.383607373),
    "x1": (15.0618722713733, 84.9149257747669),
    "x2": (-0.358191792925910e-01, 0.334910077722432e-01),
    "x3": (-2.02022980381683, 0.488399681651699),
    "x4": (-1.03322686717359, 0.214274163161675),
    "x5": (-0.511041056535807e-01, 0.226073200069370),
    "x6": (1829.15146461355, 455.478499142212),
}
NIST_LONGLEY_STATS = {
    "rmse": 304.854073561965,  # residual standard deviation
    "rsquared": 0.995479004577296,
    "fvalue": 330.285339234588,
    "df_resid": 9,
    "ssr": 836424.055505915,
}

# term: (coef, se, t, p, ci_low, ci_high); df_resid 199.
STATA_MACRO_HC1 = {
    "g_realgdp": (4.3742216647032, 0.32355452428856, 13.519272136038, 5.703151404e-30, 3.7361862031101, 5.0122571262963),
    "L.realint": (-0.61399696947899, 0.32772840315987, -1.8734933059173, 0.06246625509181, -1.2602631388273, 0.0322691998693),
    "_cons": (-9.4816727746549, 1.3690593206013, -6.9256843965613, 5.860240898e-11, -12.181398261383, -6.7819472879264),
}
STATA_MACRO_HC1_F = 92.94502024547633
STATA_MACRO_NEWEY4 = {
    "g_realgdp": (4.3742216647032, 0.33125644884286, 13.204940401864, 5.282334606e-29, 3.7209983425819, 5.0274449868245),
    "L.realint": (-0.61399696947899, 0.29582347593197, -2.0755518727668, 0.03922090940364, -1.1973480087863, -0.03064593017165),
    "_cons": (-9.4816727746549, 1.1859338087713, -7.9951112823729, 1.036821797e-13, -11.820282709911, -7.1430628393989),
}
STATA_MACRO_NEWEY4_F = 89.45120275471848

# term: (coef, se, printed p)
PAPER_TABLE4 = {
    "DNQP": (1.6890, 0.5370, 0.0140),
    "lnPort": (0.0101, 0.2366, 0.9670),
    "lnStruc": (0.0312, 0.0168, 0.0950),
    "lnOpen": (0.1001, 0.0399, 0.0360),
    "lnGov": (-15.3206, 7.9163, 0.0890),
    "lnResearch": (-0.3774, 0.1169, 0.0120),
}
PAPER_TABLE4_RSQUARED = 0.9643
PAPER_TABLE4_F_PRINTED = 56.19

METHOD_ORACLE = {
    "data": [[120, 3.2, 45, 0.8], [95, 4.1, 38, 1.2], [150, 2.7, 52, 0.6], [110, 3.9, 41, 1.0], [80, 3.5, 60, 0.9]],
    "directions": ["+", "+", "-", "+"],
    "entropy": [0.778169, 0.819373, 0.824870, 0.813654],
    "weights": [0.290380, 0.236443, 0.229248, 0.243930],
    "scores": [0.487990, 0.771844, 0.373743, 0.687720, 0.257075],
}
