"""The companion measures of an entropy index (issue 12): pure functions, frozen results with a ``table()``.

- :mod:`.weights`: CRITIC, equal and combined weights; the index and sub-indices with any weights.
- :mod:`.topsis`: entropy-TOPSIS.
- :mod:`.coupling`: coupling coordination degree and its ten grades.
- :mod:`.obstacle`: obstacle degree.
- :mod:`.grey`: grey relational analysis.
- :mod:`.inequality`: Dagum's Gini decomposition, Theil's index, kernel densities.
"""

from .coupling import (COUPLING_GRADES, COUPLING_SCALINGS, COUPLING_VARIANTS, CouplingResult,
                       coupling_coordination, coupling_grade)
from .grey import GREY_NORMALISATIONS, GreyResult, grey_relation
from .inequality import KERNELS, DagumResult, DensityResult, TheilResult, dagum_gini, kernel_density, theil_index
from .obstacle import ObstacleResult, obstacle_degree
from .topsis import PANEL_MODES, TOPSIS_NORMALISATIONS, TopsisResult, topsis
from .weights import (COMBINATIONS, CRITIC_CORRELATIONS, WEIGHT_METHODS, CriticResult, ScoresResult, WeightsResult,
                      combine_weights, companion_weights, composite_scores, critic_weights, equal_weights)

__all__ = [
    "COUPLING_GRADES", "COUPLING_SCALINGS", "COUPLING_VARIANTS", "CouplingResult", "coupling_coordination",
    "coupling_grade", "GREY_NORMALISATIONS", "GreyResult", "grey_relation", "KERNELS", "DagumResult",
    "DensityResult", "TheilResult", "dagum_gini", "kernel_density", "theil_index", "ObstacleResult",
    "obstacle_degree", "PANEL_MODES", "TOPSIS_NORMALISATIONS", "TopsisResult", "topsis", "COMBINATIONS",
    "CRITIC_CORRELATIONS", "WEIGHT_METHODS", "CriticResult", "ScoresResult", "WeightsResult", "combine_weights",
    "companion_weights", "composite_scores", "critic_weights", "equal_weights",
]
