"""Village statistics of income per capita, computed village by village (the reference engine).

The median, the Gini coefficient (:func:`desmig_sim.rules.inequality.gini`) and each household's
relative deprivation (Yitzhaki's index: the income gaps to every richer household of its village,
summed and divided by the village's total income), pooled over all villages as well.

The vectorised engine (:class:`~desmig_sim.rules.inequality.VillageGroups`) computes the same
quantities from one sort of all villages at once and sums in another order, so the Gini and the
deprivation agree to rounding (about 1e-15 relative), not bit for bit; the medians are the same.
"""

from __future__ import annotations

import numpy as np

from desmig_sim.rules.inequality import VillageStats, gini


def median(values: list[float]) -> float:
    """The median of a list of values (the mean of the two middle ones for an even count)."""
    ordered = sorted(values)
    n = len(ordered)
    return 0.5 * (ordered[(n - 1) // 2] + ordered[n // 2])


def deprivation(incomes: list[float]) -> list[float]:
    """Each household's relative deprivation within its village, in [0, 1].

    For a household with income ``x``: the sum over richer households of ``(x_richer - x)``,
    divided by the village's total income. Going from the richest down, the richer households'
    sum and count are kept as running totals.
    """
    total = 0.0
    for x in incomes:
        total += x
    safe_total = total if total > 0 else 1.0
    result = [0.0] * len(incomes)
    richer_sum = 0.0
    richest_first = sorted(range(len(incomes)), key=lambda i: incomes[i], reverse=True)
    for richer_count, i in enumerate(richest_first):
        x = incomes[i]
        result[i] = min(max((richer_sum - richer_count * x) / safe_total, 0.0), 1.0)
        richer_sum += x
    return result


def village_statistics(incomes_by_village: list[list[float]]) -> VillageStats:
    """Median, Gini and deprivation of each village's incomes per capita, and the pooled median and Gini."""
    medians, ginis, deprivations = [], [], []
    for incomes in incomes_by_village:
        medians.append(median(incomes))
        ginis.append(gini(np.array(incomes)))
        deprivations.extend(deprivation(incomes))
    everything = [x for incomes in incomes_by_village for x in incomes]
    return VillageStats(
        median=np.array(medians),
        gini=np.array(ginis),
        deprivation=np.array(deprivations),
        pooled_median=median(everything),
        pooled_gini=gini(np.array(everything)),
    )
