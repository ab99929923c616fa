"""The occupation tables of a run: mixes, women's shares, wages, costs and monthly risks by job.

Built once from the parameter ledger when the world is built (the yearly risks are converted to
monthly probabilities here, once, like :class:`~desmig_sim.config.parameters.MonthlyRates`); the
phases and the reference engine's verbs index them by
:class:`~desmig_sim.core.enums.Occupation` (and :class:`~desmig_sim.core.enums.Route`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desmig_sim.config.parameters import Parameters, monthly_probability
from desmig_sim.core.enums import Route
from desmig_sim.rules import occupation as occupation_rules


@dataclass(frozen=True, eq=False)
class JobTables:
    """What a migrant's occupation changes, as lookup tables."""

    #: Occupation shares of each route, ``[route, occupation]`` (row ``NONE`` unused).
    mix: np.ndarray
    #: Share of women in each occupation.
    women_share: np.ndarray
    #: Wage relative to the destination minimum wage, by occupation.
    wage_factor: np.ndarray
    #: Placement cost of a procedural job order relative to the route's cost, by occupation.
    cost_factor: np.ndarray
    #: Monthly probability of death abroad, ``[route, occupation]``.
    death: np.ndarray
    #: Monthly probability of deportation, ``[route, occupation]``.
    deportation: np.ndarray

    @classmethod
    def of(cls, params: Parameters) -> JobTables:
        """The tables of a parameter set."""
        op, ab = params.occupation, params.abroad
        mix = np.zeros((len(Route), 4))
        mix[Route.PROCEDURAL] = occupation_rules.occupation_mix(
            op.procedural_domestic_share, op.procedural_plantation_share
        )
        mix[Route.NON_PROCEDURAL] = occupation_rules.occupation_mix(
            op.non_procedural_domestic_share, op.non_procedural_plantation_share
        )
        monthly = np.vectorize(monthly_probability, otypes=[float])
        death = occupation_rules.yearly_risk_by_job(
            ab.death_prob_procedural_per_year,
            ab.death_prob_non_procedural_per_year,
            np.array([0.0, op.death_multiplier_domestic, 1.0, op.death_multiplier_other]),
            mix[Route.PROCEDURAL],
            mix[Route.NON_PROCEDURAL],
        )
        deportation = occupation_rules.yearly_risk_by_job(
            0.0,
            ab.deportation_prob_per_year,
            np.array([0.0, op.deportation_multiplier_domestic, 1.0, op.deportation_multiplier_other]),
            mix[Route.PROCEDURAL],
            mix[Route.NON_PROCEDURAL],
        )
        return cls(
            mix=mix,
            women_share=np.array(
                [0.0, op.women_share_domestic, op.women_share_plantation, op.women_share_other]
            ),
            wage_factor=np.array([1.0, op.domestic_wage_factor, 1.0, op.other_wage_factor]),
            cost_factor=np.array(
                [
                    1.0,
                    op.procedural_cost_factor_domestic,
                    op.procedural_cost_factor_plantation,
                    op.procedural_cost_factor_other,
                ]
            ),
            death=monthly(death),
            deportation=monthly(deportation),
        )

    def draw(
        self, route: np.ndarray | int, u_occupation: np.ndarray, u_sex: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Occupation (from the route's mix) and sex (from the occupation) of departing migrants."""
        occupation = occupation_rules.draw_occupation(u_occupation, self.mix[route])
        return occupation, occupation_rules.draw_sex(u_sex, occupation, self.women_share)
