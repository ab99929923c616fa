"""Stays, savings abroad, returns and reintegration, and selection into migration (vectorised).

The helpers the phases (:mod:`desmig_sim.model.phases`) call for these mechanisms; the rules are
:mod:`desmig_sim.rules.returns` and :mod:`desmig_sim.rules.selection`, and the reference engine's
agents apply the same rules one migrant or household at a time. Money flows are tallied per
village (:class:`~desmig_sim.model.tally.MonthTally`): wages saved abroad, savings brought home,
savings lost abroad, and returnee savings invested in businesses.
"""

from __future__ import annotations

import numpy as np

from desmig_sim.core.enums import Route
from desmig_sim.core.streams import Stream
from desmig_sim.model.ledger import Flow
from desmig_sim.model.world import World
from desmig_sim.rules import abroad as abroad_rules
from desmig_sim.rules import returns as returns_rules
from desmig_sim.rules import selection as selection_rules


def remittance_decay(world: World, slots: np.ndarray) -> np.ndarray:
    """Yearly decline of the remitted share of the given migrants (settled stayers: their own)."""
    return returns_rules.remittance_decay(
        world.migrants.stay_type[slots],
        world.params.remittance.decay_per_year,
        world.params.stays.settled_decay_per_year,
    )


def save_abroad(world: World, slots: np.ndarray, sent: np.ndarray) -> np.ndarray:
    """Migrants abroad save what is left of the wage after living costs and remittances; returns it."""
    m, hh = world.migrants, world.households
    saved = returns_rules.saved_abroad(m.wage[slots], sent, world.params.stays.living_cost_share)
    m.savings_abroad[slots] += saved
    world.tally.saved_abroad = np.bincount(
        hh.village[m.household[slots]], weights=saved, minlength=len(world.villages)
    )
    return saved


def draw_stays(world: World, slots: np.ndarray, households: np.ndarray, is_np: np.ndarray) -> None:
    """Departing migrants draw their stay type (at the household's slot) and leave with no savings."""
    m = world.migrants
    u = world.streams.uniform(Stream.DEPARTURE, world.month, households, key="stay")
    route = np.where(is_np, Route.NON_PROCEDURAL, Route.PROCEDURAL)
    m.stay_type[slots] = returns_rules.stay_types(route, u, world.params.stays.settled_share)
    m.savings_abroad[slots] = 0.0
    m.savings_brought[slots] = 0.0


def stay_hazards(world: World, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return hazard (non-procedural) and contract renewal chance of the given migrants abroad."""
    ab = world.params.abroad
    return returns_rules.stay_hazards(
        world.migrants.stay_type[slots],
        1.0 / ab.non_procedural_mean_months_abroad,
        ab.contract_renewal_prob,
        world.params.stays.settled_return_factor,
    )


def carry_savings_home(world: World, at_risk: np.ndarray, fate: np.ndarray) -> None:
    """Migrants leaving their work abroad bring their savings home (deportation and death lose most)."""
    m, hh = world.migrants, world.households
    home = fate != abroad_rules.Fate.STAYS
    home &= fate != abroad_rules.Fate.RENEWS
    slots = at_risk[home]
    fate = fate[home]
    savings = m.savings_abroad[slots]
    reaching = returns_rules.savings_reaching_home(
        savings, fate == abroad_rules.Fate.RETURNS, world.params.stays.unplanned_savings_loss_share
    )
    owner = m.household[slots]
    # Slots are in order, so a household with two members coming home adds them in slot order.
    np.add.at(hh.savings, owner, reaching)
    living = fate != abroad_rules.Fate.DIES
    m.savings_brought[slots[living]] = reaching[living]
    m.return_month[slots[living]] = world.month
    m.savings_abroad[slots] = 0.0
    nv, village = len(world.villages), hh.village[owner]
    world.tally.savings_brought_home = np.bincount(village, weights=reaching, minlength=nv)
    world.tally.savings_lost_abroad = np.bincount(village, weights=savings - reaching, minlength=nv)
    world.ledger.book(Flow.SAVINGS_BROUGHT_HOME, village, reaching)
    world.ledger.book(Flow.SAVINGS_LOST_ABROAD, village, savings - reaching)


def invest_returnee_savings(world: World) -> None:
    """Returnees in their first months back may invest the savings they brought home in a business."""
    m, hh, st = world.migrants, world.households, world.params.stays
    recent = m.return_month >= world.month - st.returnee_business_window_months
    candidates = np.flatnonzero((m.savings_brought > 0) & recent)
    if candidates.size == 0:
        return
    p = returns_rules.returnee_investment_probability(
        m.savings_brought[candidates], world.params.business.min_capital_idr, st.returnee_business_prob
    )
    u = world.streams.uniform(Stream.BUSINESS, world.month, candidates, key="returnee_start")
    starting = candidates[u < p]
    if starting.size == 0:
        return
    households, which = np.unique(m.household[starting], return_inverse=True)
    brought = np.bincount(which, weights=m.savings_brought[starting])
    invested = np.minimum(brought, np.maximum(hh.savings[households], 0.0))
    m.savings_brought[starting] = 0.0
    hh.savings[households] -= invested
    hh.business_capital[households] += invested
    hh.productive_investment[households] += invested
    nv, village = len(world.villages), hh.village[households]
    world.tally.invested_returnee_savings = np.bincount(village, weights=invested, minlength=nv)
    world.ledger.book(Flow.RETURNEE_INVESTMENT, village, invested)
    world.tally.returnee_investments = np.bincount(village[invested > 0], minlength=nv)


def selection(world: World) -> np.ndarray:
    """What each household's characteristics add to its intention index (selection into migration)."""
    hh, sel = world.households, world.params.selection
    return selection_rules.selection_term(
        np.maximum(hh.working_age_adults - hh.abroad_count, 0),
        hh.land_ha,
        hh.head_educated,
        hh.returnee_count > 0,
        sel.land_mean_ha,
        sel.labour_weight,
        sel.land_weight,
        sel.education_weight,
        sel.remigration_weight,
    )
