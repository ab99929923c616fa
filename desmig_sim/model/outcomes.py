"""Outcomes: the monthly table, per village and pooled over villages.

Rows: each village, then ``ALL`` (pooled over every village); in worlds with non-programme
neighbours also ``PROGRAMME`` and ``NEIGHBOURS``, pooled over the programme villages and over
their neighbours the same way ``ALL`` is pooled over all (the spill-over comparison).

The columns, their units, meanings and how they are pooled are the outcome catalogue,
:mod:`desmig_sim.config.outcomes`; this module computes them each month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from desmig_sim.config.outcomes import GROUPS, OUTCOMES, POOLED
from desmig_sim.core.calendar import format_year_month, parse_year_month
from desmig_sim.core.enums import Route, Sex
from desmig_sim.model.tally import MonthTally
from desmig_sim.model.world import World
from desmig_sim.rules import business as business_rules
from desmig_sim.rules.inequality import gini_sorted


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """``part / whole``; missing (NaN) where ``whole`` is zero: a share of nothing is not 0."""
    return np.divide(part, whole, out=np.full_like(part, np.nan, dtype=float), where=whole > 0)


class OutcomeRecorder:
    """Collects the outcome table month by month (preallocated arrays, one row per village, ALL, groups)."""

    def __init__(self, world: World) -> None:
        self.names = [v.name for v in world.villages]
        self.start = world.start
        self.horizon = world.horizon
        nv = len(self.names)
        programme = world.programme_villages
        #: Group label -> its villages (programme villages and neighbours), when there are neighbours.
        self.groups: dict[str, np.ndarray] = (
            dict(zip(GROUPS, (programme, ~programme), strict=True)) if not programme.all() else {}
        )
        self._group_households = [mask[world.households.village] for mask in self.groups.values()]
        rows = nv + 1 + len(self.groups)
        self.values = np.zeros((world.horizon, rows, len(OUTCOMES)))
        self.months_recorded = 0
        self._departures = np.zeros((12, rows, 2))  # rolling window: [procedural, non-procedural]
        self.remittances_sent = np.zeros(world.horizon)
        self.productive_from_remittances = np.zeros(world.horizon)
        self.households_with_migrant = np.zeros(world.horizon)
        self._col = {name: i for i, name in enumerate(OUTCOMES)}

    def new_tally(self) -> MonthTally:
        """An empty tally for the next month."""
        return MonthTally(villages=len(self.names))

    def record(self, world: World) -> None:
        """Compute every outcome for the month just simulated and store it."""
        if world.month > self.horizon:
            self._grow(world.month)
        hh, m, t = world.households, world.migrants, world.tally
        nv = len(self.names)
        n_hh = np.diff(world.village_offsets).astype(float)
        per_village = world.per_village

        def pooled(values: np.ndarray) -> np.ndarray:
            """Per-village values, their sum over all villages, then their sum over each group."""
            return np.array([*values, values.sum(), *(values[m].sum() for m in self.groups.values())])

        row = self.values[world.month - 1]
        col = self._col
        stats = world.village_stats
        income_sums = per_village(hh.income_per_capita)
        row[:nv, col["income_per_capita_mean"]] = income_sums / n_hh
        row[nv:, col["income_per_capita_mean"]] = pooled(income_sums)[nv:] / pooled(n_hh)[nv:]
        medians, ginis = self._group_statistics(hh.income_per_capita)
        row[:, col["income_per_capita_median"]] = [*stats.median, stats.pooled_median, *medians]
        row[:, col["gini"]] = [*stats.gini, stats.pooled_gini, *ginis]
        residents = hh.residents_counted  # people at home when welfare was measured (phase 5)
        people = pooled(per_village(residents))
        row[:, col["consumption_per_capita_mean"]] = _share(pooled(per_village(hh.consumption)), people)
        row[:, col["poverty_rate"]] = _share(pooled(per_village(residents * hh.poor)), people)
        row[:, col["poverty_rate_income"]] = _share(pooled(per_village(residents * hh.poor_income)), people)
        dep = np.stack([pooled(t.departures_p), pooled(t.departures_np)], axis=1)
        self._departures[(world.month - 1) % 12] = dep
        window = self._departures.sum(axis=0)
        row[:, col["departures_procedural"]] = dep[:, 0]
        row[:, col["departures_non_procedural"]] = dep[:, 1]
        row[:, col["non_procedural_share"]] = _share(dep[:, 1], dep.sum(axis=1))
        row[:, col["non_procedural_share_12m"]] = _share(window[:, 1], window.sum(axis=1))
        abroad = world.abroad_slots()
        mv = hh.village[m.household[abroad]]
        procedural = m.route[abroad] == Route.PROCEDURAL
        row[:, col["migrants_abroad_procedural"]] = pooled(np.bincount(mv[procedural], minlength=nv))
        row[:, col["migrants_abroad_non_procedural"]] = pooled(np.bincount(mv[~procedural], minlength=nv))
        row[:, col["migrant_households"]] = pooled(np.bincount(hh.village[hh.abroad_count > 0], minlength=nv))
        women = m.sex[abroad] == Sex.WOMAN
        row[:, col["migrants_abroad_women"]] = pooled(np.bincount(mv[women], minlength=nv))
        row[:, col["migrants_abroad_men"]] = pooled(np.bincount(mv[~women], minlength=nv))
        for r, route in enumerate(("procedural", "non_procedural")):
            for s, sex in enumerate(("women", "men")):
                row[:, col[f"departures_{route}_{sex}"]] = pooled(t.departures_by_sex[r, s])
        row[:, col["women_share_procedural_departures"]] = _share(
            pooled(t.departures_by_sex[0, 0]), dep[:, 0]
        )
        row[:, col["remittances_received"]] = pooled(per_village(hh.remittances_received))
        row[:, col["remittance_fees_and_losses"]] = pooled(t.fees_and_losses)
        row[:, col["productive_investment"]] = pooled(per_village(hh.productive_investment))
        row[:, col["productive_investment_remittances"]] = pooled(t.invested_remittances)
        row[:, col["productive_investment_loans"]] = pooled(t.invested_loans)
        row[:, col["productive_investment_grants"]] = pooled(t.invested_grants)
        row[:, col["productive_investment_returnee_savings"]] = pooled(t.invested_returnee_savings)
        if world.cooperatives.exists.any():  # all zero until a cooperative is founded
            row[:, col["coop_members"]] = pooled(per_village(world.active_members()))
            row[:, col["coop_savings"]] = pooled(per_village(hh.coop_deposit))
            row[:, col["coop_loans_outstanding"]] = pooled(per_village(hh.coop_loan))
            row[:, col["coop_active"]] = pooled(world.cooperatives.active.astype(float))
        firms = np.flatnonzero(hh.business_capital >= world.params.business.min_capital_idr)
        jobs = business_rules.local_jobs(
            hh.business_capital[firms], world.params.business.capital_per_job_idr
        )
        firm_village = hh.village[firms]
        row[:, col["businesses_active"]] = pooled(np.bincount(firm_village, minlength=nv))
        row[:, col["local_jobs"]] = pooled(np.bincount(firm_village, weights=jobs, minlength=nv))
        row[:, col["local_earnings"]] = pooled(per_village(hh.local_income))
        row[:, col["business_profit"]] = pooled(per_village(hh.business_income))
        row[:, col["children_in_school_share"]] = _share(
            pooled(world.school_totals[0]), pooled(world.school_totals[1])
        )
        row[:, col["deaths_abroad"]] = pooled(t.deaths)
        row[:, col["deaths_abroad_women"]] = pooled(t.deaths_by_sex[0])
        row[:, col["deaths_abroad_men"]] = pooled(t.deaths_by_sex[1])
        row[:, col["deportations"]] = pooled(t.deportations)
        row[:, col["returns"]] = pooled(t.returns)
        row[:, col["returnees_at_home"]] = pooled(per_village(hh.returnee_count))
        row[:, col["savings_brought_home"]] = pooled(t.savings_brought_home)
        row[:, col["returnee_businesses_started"]] = pooled(t.returnee_investments)
        row[:, col["program_cost"]] = pooled(t.programme_cost)
        self.remittances_sent[world.month - 1] = t.remittances_sent
        self.productive_from_remittances[world.month - 1] = t.productive_from_remittances
        self.households_with_migrant[world.month - 1] = np.count_nonzero(hh.abroad_count)
        self.months_recorded = world.month

    def _group_statistics(self, values: np.ndarray) -> tuple[list[float], list[float]]:
        """Median and Gini of a household value over each group's households (as pooled over ALL)."""
        medians, ginis = [], []
        for households in self._group_households:
            x = np.sort(values[households])
            medians.append(0.5 * (x[(x.size - 1) // 2] + x[x.size // 2]))
            ginis.append(gini_sorted(x))
        return medians, ginis

    def _grow(self, month: int) -> None:
        extra = month - self.horizon
        self.values = np.concatenate([self.values, np.zeros((extra, *self.values.shape[1:]))])
        self.remittances_sent = np.append(self.remittances_sent, np.zeros(extra))
        self.productive_from_remittances = np.append(self.productive_from_remittances, np.zeros(extra))
        self.households_with_migrant = np.append(self.households_with_migrant, np.zeros(extra))
        self.horizon = month

    def to_frame(self) -> pd.DataFrame:
        """The table so far, rows ordered by month then village (``ALL``, then the groups, last).

        Its columns are :data:`~desmig_sim.config.outcomes.COLUMNS`.
        """
        months = self.months_recorded
        labels = [*self.names, POOLED, *self.groups]
        data = self.values[:months].reshape(months * len(labels), len(OUTCOMES))
        frame = pd.DataFrame(data, columns=list(OUTCOMES))
        first = parse_year_month(self.start)
        month_col = np.repeat(np.arange(1, months + 1), len(labels))
        dates = np.array([format_year_month(first + mo) for mo in range(months)], dtype=object)
        frame.insert(0, "village", np.tile(np.array(labels, dtype=object), months))
        frame.insert(0, "date", np.repeat(dates, len(labels)))
        frame.insert(0, "month", month_col)
        counts = [
            c
            for c in OUTCOMES
            if c.startswith(
                (
                    "departures_",
                    "migrants_",
                    "migrant_households",
                    "coop_members",
                    "coop_active",
                    "businesses",
                    "local_jobs",
                    "deaths",
                    "deportations",
                    "returns",
                    "returnee",
                )
            )
        ]
        frame[counts] = frame[counts].round().astype(np.int64)
        return frame
