"""The month's phases of the vectorised engine: each a function over the :class:`World`.

Every rule runs over all households of all villages at once. The order in which the phases run
is the step plan :data:`desmig_sim.model.desmigratif_model.MONTH_PLAN`; a phase's hand-off to a
later phase is its return value (the households that accepted a broker, from
:func:`choose_routes` to :func:`depart`), never an attribute.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from desmig_sim.core.enums import Channel, Destination, MigrantStatus, Occupation, Route
from desmig_sim.core.streams import Stream
from desmig_sim.model import cooperation
from desmig_sim.model import returns as stays
from desmig_sim.model.components import ProgrammeComponent
from desmig_sim.model.effects import Boost
from desmig_sim.model.ledger import Flow
from desmig_sim.model.world import World
from desmig_sim.rules import abroad as abroad_rules
from desmig_sim.rules import budget as budget_rules
from desmig_sim.rules import business as business_rules
from desmig_sim.rules import migration as migration_rules
from desmig_sim.rules import occupation as occupation_rules
from desmig_sim.rules import remittance as remittance_rules


def set_conditions(world: World, components: Sequence[ProgrammeComponent]) -> None:
    """Phase 0: exogenous conditions and programme effects in force this month."""
    world.conditions = world.conditions_in(world.month)
    world.migration_changed()
    if components:
        world.effects.reset()
        for component in components:
            component.apply_effect(world, world.month)


def pay_wages_abroad(world: World) -> None:
    """Phase 1: migrants abroad earn; broker debt accrues interest; brokers deduct what is still owed."""
    m, r, c, ab = world.migrants, world.params.remittance, world.conditions, world.abroad
    route = m.route[ab]
    wage = remittance_rules.wage_idr(
        route,
        m.destination[ab],
        c.min_wage_myr,
        c.idr_per_myr,
        r.non_procedural_wage_factor,
        r.other_destination_wage_factor,
        c.wage_factor,
        world.jobs.wage_factor[m.occupation[ab]],
    )
    owed = m.broker_debt[ab]
    debt = remittance_rules.broker_debt_with_interest(owed, r.broker_debt_interest_per_month)
    deduction = remittance_rules.broker_deduction(wage, debt, r.broker_debt_repayment_share)
    m.broker_debt[ab] = debt - deduction
    m.wage[ab] = wage - deduction
    village = world.households.village[m.household[ab]]
    world.ledger.book(Flow.WAGE_ABROAD, village, wage)
    world.ledger.book(Flow.BROKER_DEBT_INTEREST, village, debt - owed)
    world.ledger.book(Flow.BROKER_DEDUCTION, village, deduction)


def send_remittances(world: World) -> None:
    """Phase 2: remittances sent, charged, lost and received."""
    m, r, hh, ab = world.migrants, world.params.remittance, world.households, world.abroad
    route = m.route[ab]
    send_prob = np.where(route == Route.PROCEDURAL, r.procedural_send_prob, r.non_procedural_send_prob)
    sends = world.streams.uniform(Stream.REMITTANCE, world.month, ab) < send_prob
    sent = remittance_rules.amount_sent(
        m.wage[ab],
        m.propensity[ab],
        world.month - m.departure_month[ab],
        stays.remittance_decay(world, ab),
        sends,
    )
    lost = world.streams.uniform(Stream.REMITTANCE, world.month, ab, key="loss") < r.informal_loss_prob
    fees, losses = remittance_rules.channel_costs(sent, m.channel[ab], r.formal_fee_share, lost)
    m.remitted[world.remitted_last] = 0.0
    m.remitted[ab] = sent
    world.remitted_last = ab
    owner = m.household[ab]
    received = sent - fees - losses
    hh.remittances_received = np.bincount(owner, weights=received, minlength=hh.count)
    world.tally.remittances_sent = sent.sum()
    village = hh.village[owner]
    world.tally.fees_and_losses = np.bincount(village, weights=fees + losses, minlength=len(world.villages))
    saved = stays.save_abroad(world, ab, sent)
    world.ledger.book(Flow.REMITTANCE_RECEIVED, village, received)
    world.ledger.book(Flow.TRANSFER_FEE, village, fees)
    world.ledger.book(Flow.TRANSFER_LOSS, village, losses)
    world.ledger.book(Flow.KEPT_ABROAD, village, m.wage[ab] - sent - saved)


def allocate_budgets(world: World) -> None:
    """Phase 3: local income and the use of remittances; school enrolment each school year."""
    hh, p = world.households, world.params
    inc, b, cp = p.income, p.budget, p.cooperative
    u = world.streams.uniform(Stream.INCOME, world.month, hh.count)
    hh.local_income = budget_rules.local_income(
        world.resident_income_base(), world.local_income_level(), u, inc.income_shock_sd
    )
    members = np.flatnonzero(world.active_members()) if world.cooperatives.active.any() else None
    savings_before = hh.savings[members] if members is not None else None
    from_income, from_store = budget_rules.consumption_from_local_income(
        hh.local_income, hh.savings, inc.local_savings_rate, world.harvest_smoothing()
    )
    hh.savings += hh.local_income - from_income
    hh.savings -= from_store
    np.add(from_income, from_store, out=hh.consumption)
    world.ledger.book(Flow.LOCAL_INCOME, hh.village, hh.local_income)
    receiving = np.flatnonzero(hh.remittances_received > 0)
    boost = world.effects.boost(Boost.PRODUCTIVE_SHARE, receiving)
    if members is not None:
        boost = boost + world.active_members()[receiving] * cp.productive_share_boost
    use = budget_rules.allocate_remittances(
        hh.remittances_received[receiving],
        hh.debt[receiving],
        b.consumption,
        b.debt,
        b.education,
        b.housing,
        b.savings,
        b.productive,
        boost,
        budget_rules.consumption_gap(
            hh.consumption[receiving],
            world.residents()[receiving],
            b.need_poverty_lines * world.poverty_line(),
        ),
    )
    hh.debt[receiving] -= use.debt_repaid
    hh.savings[receiving] += use.savings
    hh.consumption[receiving] += use.consumption + use.education + use.housing
    hh.productive_investment.fill(0.0)
    hh.productive_investment[receiving] = use.productive
    hh.business_capital[receiving] += use.productive
    world.tally.productive_from_remittances = use.productive.sum()
    world.tally.invested_remittances = np.bincount(
        hh.village[receiving], weights=use.productive, minlength=len(world.villages)
    )
    world.ledger.book_villages(Flow.BUSINESS_INVESTMENT, world.tally.invested_remittances)
    world.ledger.book(Flow.DEBT_REPAYMENT, hh.village[receiving], use.debt_repaid)
    if members is not None:
        # Members deposit the month's savings and a compulsory share of local income.
        compulsory = cp.monthly_deposit_share * hh.local_income[members]
        # (A lean month's draw on the store stays a draw on cash savings, not on the deposit.)
        change = hh.savings[members] - savings_before
        deposit = np.maximum(change, 0.0) + compulsory
        hh.savings[members] = savings_before + np.minimum(change, 0.0)
        world.pay_from_budget(members, compulsory)
        hh.coop_deposit[members] += deposit
        deposited = np.bincount(hh.village[members], weights=deposit, minlength=len(world.villages))
        world.cooperatives.cash += deposited
        world.ledger.book_villages(Flow.COOP_DEPOSIT, deposited)
    if world.calendar_month() == p.schooling.school_year_start_month:
        world.decide_schooling(world.month)


def run_cooperatives(world: World) -> None:
    """Phase 4: deposit interest; loans repaid, defaulted or granted; cooperatives may fold; SHU yearly."""
    coops = world.cooperatives
    hh = world.households
    hh.coop_interest.fill(0.0)  # this month's flows start at zero (no new arrays in the step)
    hh.coop_loan_interest.fill(0.0)
    hh.coop_dividend.fill(0.0)
    if coops.exists.any():
        cooperation.operate(world)
        nv = len(world.villages)
        u = world.streams.uniform(Stream.COOPERATIVE, world.month, nv, key="inactivity")
        coops.active &= u >= world.rates.coop_inactivity
        cooperation.wind_down_inactive(world)
        if world.calendar_month() == world.params.cooperative.surplus_month:
            cooperation.share_surplus(world)


def run_businesses(world: World) -> None:
    """Phase 5: business revenue within the village market's limits, profit, failures, wear; then income."""
    hh, bp, fx = world.households, world.params.business, world.effects
    stays.invest_returnee_savings(world)
    firms = np.flatnonzero(hh.business_capital >= bp.min_capital_idr)
    firm_village = hh.village[firms]
    nv = len(world.villages)
    demand = world.business_demand(
        np.bincount(hh.village, weights=hh.consumption, minlength=nv), np.bincount(firm_village, minlength=nv)
    )
    multiplier = world.potential[firm_village]
    if world.cooperatives.exists.any():
        multiplier = multiplier * (
            1.0 + world.params.cooperative.marketing_uplift * world.active_members()[firms]
        )
    multiplier = multiplier * demand[firm_village]
    u = world.streams.uniform(Stream.BUSINESS, world.month, firms)
    hh.business_revenue.fill(0.0)
    hh.business_revenue[firms] = business_rules.business_income(
        hh.business_capital[firms],
        bp.return_per_month + fx.boost(Boost.BUSINESS_RETURN, firms),
        bp.return_sd,
        u,
        multiplier,
    )
    hh.business_income.fill(0.0)
    hh.business_income[firms] = business_rules.profit(hh.business_revenue[firms], bp.running_cost_share)
    u_fail = world.streams.uniform(Stream.BUSINESS, world.month, firms, key="failure")
    failed = firms[business_rules.failures(u_fail, fx.failure_prob(firms))]
    ledger, village = world.ledger, hh.village[firms]
    ledger.book(Flow.BUSINESS_FAILURE, hh.village[failed], hh.business_capital[failed])
    hh.business_capital[failed] = 0.0
    # Business profit (not revenue: running costs are paid) is spent and saved like local income.
    earned = hh.business_income[firms]
    ledger.book(Flow.BUSINESS_REVENUE, village, hh.business_revenue[firms])
    ledger.book(Flow.BUSINESS_RUNNING_COST, village, hh.business_revenue[firms] - earned)
    ledger.book(Flow.BUSINESS_PROFIT, village, earned)
    hh.consumption[firms] += earned * (1.0 - world.params.income.local_savings_rate)
    hh.savings[firms] += earned * world.params.income.local_savings_rate
    ledger.book(Flow.DEPRECIATION, hh.village, hh.business_capital * bp.depreciation_per_month)
    hh.business_capital *= 1.0 - bp.depreciation_per_month
    # The month's consumption is complete: no later phase spends.
    ledger.book(Flow.CONSUMPTION, hh.village, hh.consumption)
    world.account_incomes()


def form_intentions(world: World) -> None:
    """Phase 6: households start or give up aspiring to send a member abroad."""
    hh, mp, r, c = world.households, world.params.migration, world.params.remittance, world.conditions
    expected = (
        r.remit_share
        * c.min_wage_myr
        * c.idr_per_myr
        * r.non_procedural_wage_factor
        * r.non_procedural_send_prob
    )
    attitude = migration_rules.attitude(expected, hh.local_income + hh.business_income)
    norm = world.ties.norm
    index = migration_rules.intention_index(
        attitude,
        norm,
        world.village_stats.deprivation,
        world.perceived_risk(),
        mp.attitude_weight,
        mp.norm_weight,
        mp.deprivation_weight,
        mp.risk_weight,
    )
    index = index + stays.selection(world)
    p_start = migration_rules.aspiration_probability(index, mp.intention_intercept, mp.intention_slope)
    u = world.streams.uniform(Stream.INTENTION, world.month, hh.count)
    starts = ~hh.aspiring & (u < p_start)
    lapses = hh.aspiring & (u < mp.aspiration_lapse_prob)
    hh.aspiring = ((hh.aspiring & ~lapses) | starts) & world.can_send()


def choose_routes(world: World) -> np.ndarray:
    """Phase 7: procedural applications by those who know how; broker contacts for the rest.

    Brokers redirect part of the effort lost to this month's applications to the households still
    reachable in the same regency (:func:`~desmig_sim.rules.migration.broker_contact_probability`).
    """
    hh, mp, fx = world.households, world.params.migration, world.effects
    asp = np.flatnonzero(hh.aspiring)
    village = hh.village[asp]
    # The job order a household would apply for this month sets what the procedure costs it.
    u_job = world.streams.uniform(Stream.ROUTE, world.month, asp, key="occupation")
    offer = occupation_rules.draw_occupation(u_job, world.jobs.mix[Route.PROCEDURAL])
    cost = world.procedural_cost(asp, offer)
    afford = migration_rules.affordability(hh.savings[asp], mp.informal_credit_idr, cost)
    p_apply = migration_rules.application_probability(
        hh.knows_procedure[asp],
        mp.procedural_application_prob,
        afford,
        migration_rules.informed_risk(world.perceived_risk(asp), fx.boost(Boost.ROUTE_RISK, asp)),
        mp.risk_route_weight,
        world.conditions.procedural_application_factor,
    )
    applies = world.streams.uniform(Stream.ROUTE, world.month, asp) < p_apply
    who, cost = asp[applies], cost[applies]
    paid = np.minimum(np.maximum(hh.savings[who], 0.0), cost)
    hh.savings[who] -= paid
    hh.debt[who] += cost - paid
    world.ledger.book(Flow.PROCEDURAL_PLACEMENT_COST, hh.village[who], cost)
    world.ledger.book(Flow.INFORMAL_CREDIT, hh.village[who], cost - paid)
    span = mp.procedural_wait_months_max - mp.procedural_wait_months_min + 1
    u_wait = world.streams.uniform(Stream.ROUTE, world.month, who, key="wait")
    wait = (mp.procedural_wait_months_min + np.floor(u_wait * span)) * fx.wait_factor[village[applies]]
    hh.wait_months_left[who] = np.rint(wait).astype(np.int64)
    hh.job_offer[who] = offer[applies]
    hh.aspiring[who] = False
    rest = asp[~applies]
    regency = world.regency[village]
    regencies = world.regency.max() + 1
    contact_prob = migration_rules.broker_contact_probability(
        mp.broker_contact_prob,
        mp.broker_displacement,
        np.bincount(regency[applies], minlength=regencies),
        np.bincount(regency[~applies], minlength=regencies),
    )
    contact = world.streams.uniform(Stream.BROKER, world.month, rest)
    return rest[contact < contact_prob[regency[~applies]]]


def depart(world: World, broker_accepted: np.ndarray) -> np.ndarray:
    """Phase 8: departures by the procedural and the non-procedural route."""
    hh, r, ab = world.households, world.params.remittance, world.params.abroad
    ready = np.flatnonzero(hh.wait_months_left == 0)
    candidates = np.concatenate([ready, broker_accepted])
    is_np = np.r_[np.zeros(ready.size, dtype=bool), np.ones(broker_accepted.size, dtype=bool)]
    open_border = (
        world.streams.uniform(Stream.DEPARTURE, world.month, candidates) < world.conditions.departure_factor
    )
    able = world.free_count(candidates) > 0
    able &= world.residents()[candidates] >= 2
    go = open_border & able
    households, is_np = candidates[go], is_np[go]
    hh.wait_months_left[households[~is_np]] = -1
    hh.wait_months_left[hh.wait_months_left > 0] -= 1
    hh.aspiring[households] = False
    nv = len(world.villages)
    villages = hh.village[households]
    world.tally.departures_np = np.bincount(villages[is_np], minlength=nv)
    world.tally.departures_p = np.bincount(villages[~is_np], minlength=nv)
    # Procedural migrants take the job order applied for; brokers' recruits a job of their route's mix.
    u_job = world.streams.uniform(Stream.DEPARTURE, world.month, households, key="occupation")
    u_sex = world.streams.uniform(Stream.DEPARTURE, world.month, households, key="sex")
    drawn = occupation_rules.draw_occupation(u_job, world.jobs.mix[Route.NON_PROCEDURAL])
    occupation = np.where(is_np, drawn, hh.job_offer[households]).astype(np.int8)
    sex = occupation_rules.draw_sex(u_sex, occupation, world.jobs.women_share)
    hh.job_offer[households[~is_np]] = Occupation.NONE
    world.tally.count_departures(villages, is_np, sex)
    if households.size == 0:
        return households
    slots = world.free_slot(households)
    new_people = slots[world.migrants.status[slots] == MigrantStatus.NEVER_LEFT]
    was_home = world.migrants.status[slots] != MigrantStatus.NEVER_LEFT
    u_dest = world.streams.uniform(Stream.DEPARTURE, world.month, households, key="destination")
    u_channel = world.streams.uniform(Stream.DEPARTURE, world.month, households, key="channel")
    m = world.migrants
    m.status[slots] = MigrantStatus.ABROAD
    world.abroad_mask[slots] = True
    m.route[slots] = np.where(is_np, Route.NON_PROCEDURAL, Route.PROCEDURAL)
    m.destination[slots] = np.where(u_dest < r.malaysia_share, Destination.MALAYSIA, Destination.OTHER)
    informal = np.where(
        is_np, u_channel < r.non_procedural_informal_share, u_channel >= r.procedural_formal_share
    )
    m.channel[slots] = np.where(informal, Channel.INFORMAL, Channel.FORMAL)
    m.occupation[slots] = occupation
    m.sex[slots] = sex
    m.departure_month[slots] = world.month
    m.contract_end_month[slots] = world.month + np.where(is_np, 0, ab.contract_months)
    world.ledger.book(
        Flow.BROKER_PLACEMENT_DEBT, villages, np.where(is_np, r.broker_debt_idr, 0.0) - m.broker_debt[slots]
    )
    m.broker_debt[slots] = np.where(is_np, r.broker_debt_idr, 0.0)
    m.trips[slots] += 1
    stays.draw_stays(world, slots, households, is_np)
    hh.abroad_count[households] += 1
    world.migration_changed()
    np.subtract.at(hh.returnee_count, households[was_home], 1)
    world.residents_changed()
    hh.savings[households[is_np]] += r.sirih_pinang_idr
    world.ledger.book(Flow.SIRIH_PINANG, villages[is_np], r.sirih_pinang_idr)
    return new_people


def resolve_fates(world: World) -> None:
    """Phase 9: deaths, deportations and returns; returnees share what they know."""
    m, hh, ab, c = world.migrants, world.households, world.params.abroad, world.conditions
    at_risk = world.abroad[m.departure_month[world.abroad] < world.month]
    route, occupation = m.route[at_risk], m.occupation[at_risk]
    death = world.jobs.death[route, occupation]
    return_hazard, renewal_prob = stays.stay_hazards(world, at_risk)
    fate = abroad_rules.fates(
        route,
        m.contract_end_month[at_risk] - world.month,
        world.streams.uniform(Stream.FATE, world.month, at_risk),
        world.streams.uniform(Stream.FATE, world.month, at_risk, key="renewal"),
        death,
        death,
        world.jobs.deportation[route, occupation],
        return_hazard,
        renewal_prob,
        c.return_multiplier,
    )
    stays.carry_savings_home(world, at_risk, fate)
    dies = at_risk[fate == abroad_rules.Fate.DIES]
    deported = at_risk[fate == abroad_rules.Fate.DEPORTED]
    returns = at_risk[fate == abroad_rules.Fate.RETURNS]
    m.status[dies] = MigrantStatus.DEAD
    m.status[deported] = MigrantStatus.DEPORTED
    m.status[returns] = MigrantStatus.RETURNED
    m.contract_end_month[at_risk[fate == abroad_rules.Fate.RENEWS]] = world.month + ab.contract_months
    home = np.concatenate([dies, deported, returns])
    # Debt to brokers is not collected once the migrant is home (or dead): the brokers' loss.
    ended = np.sort(home)
    world.ledger.book(Flow.BROKER_DEBT_CANCELLED, hh.village[m.household[ended]], m.broker_debt[ended])
    m.broker_debt[home] = 0.0
    m.wage[home] = 0.0
    np.subtract.at(hh.abroad_count, m.household[home], 1)
    np.subtract.at(hh.size, m.household[dies], 1)
    np.add.at(hh.dead_count, m.household[dies], 1)
    np.add.at(hh.returnee_count, m.household[np.concatenate([deported, returns])], 1)
    world.migration_changed()
    world.residents_changed()
    hh.knows_procedure[m.household[returns[m.route[returns] == Route.PROCEDURAL]]] = True
    nv = len(world.villages)
    world.tally.deaths = np.bincount(hh.village[m.household[dies]], minlength=nv)
    world.tally.count_deaths(hh.village[m.household[dies]], m.sex[dies])
    world.tally.deportations = np.bincount(hh.village[m.household[deported]], minlength=nv)
    world.tally.returns = np.bincount(hh.village[m.household[returns]], minlength=nv)
    world.risk_events[world.month % 12] = world.tally.deaths + world.tally.deportations
    world.abroad_mask[home] = False
    world.abroad = np.flatnonzero(world.abroad_mask)
    share_knowledge(world)


def run_programme(world: World, components: Sequence[ProgrammeComponent]) -> None:
    """Phase 10: the programme components act and their costs are booked."""
    cost = np.zeros(len(world.villages))
    for component in components:
        cost += component.book(component.act(world, world.month))
    world.membership_changed()
    world.tally.programme_cost = cost
    # Grants go to the groups' businesses; the rest of the cost pays staff, sessions and offices.
    world.ledger.book_villages(Flow.GRANT, world.tally.invested_grants)
    world.ledger.book_villages(Flow.PROGRAMME_RUNNING_COST, cost - world.tally.invested_grants)


def share_knowledge(world: World) -> None:
    """Households learn the procedure from ties who know it, and knowledge goes out of date."""
    hh, mp = world.households, world.params.migration
    world.observe_ties()
    knows = hh.knows_procedure
    u = world.streams.uniform(Stream.KNOWLEDGE, world.month, hh.count)
    learns = migration_rules.learns_from_ties(u, hh.degree, world.ties.knowing, mp.knowledge_learning_prob)
    learners = np.flatnonzero(learns & ~knows)
    knowers = np.flatnonzero(knows)
    u = world.streams.uniform(Stream.KNOWLEDGE, world.month, knowers, key="forget")
    knows[knowers[u < mp.knowledge_forgetting_prob]] = False
    knows[learners] = True
