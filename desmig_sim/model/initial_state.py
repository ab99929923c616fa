"""Initialisation: the households, migrants and networks of the villages in January 2017.

Every draw comes from the ``init`` or ``network`` stream, one array per attribute, indexed by
household or migrant slot, so the starting world depends only on the seed and the parameters.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from desmig_sim.config.parameters import Parameters
from desmig_sim.core.enums import Channel, Destination, MigrantStatus, Route
from desmig_sim.core.streams import RandomStreams, Stream
from desmig_sim.model.jobs import JobTables
from desmig_sim.model.state import HouseholdArrays, MigrantArrays
from desmig_sim.rules import returns as returns_rules
from desmig_sim.rules.occupation import draw_occupation
from desmig_sim.rules.remittance import wage_idr

#: Longest time abroad of a migrant at the start: since January 1998 (ref:katongntt-2023-deaths,
#: ref:tribun-kaltara-2024-deportations [V]: many NTT migrants who died or were deported had been
#: abroad since 1998).
LONGEST_STAY_AT_START_MONTHS = 228


def village_offsets(villages: int, households_per_village: int) -> np.ndarray:
    """Start slot of each village's block of households, plus the total at the end."""
    return np.arange(villages + 1, dtype=np.int64) * households_per_village


def local_income_distribution(mean: float, cv: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the lognormal local income per capita with the given mean and spread.

    ``sigma = sqrt(ln(1 + cv**2))`` and ``mu = ln(mean) - sigma**2 / 2``, so that the mean is
    ``mean`` and the coefficient of variation ``cv``.
    """
    sigma = float(np.sqrt(np.log1p(cv**2)))
    mu = float(np.log(mean) - 0.5 * sigma**2)
    return mu, sigma


def village_network(offsets: np.ndarray, ties_mean: float, streams: RandomStreams) -> sp.csr_matrix:
    """A random symmetric network of ties inside each village (no self-ties, no duplicates).

    Each household proposes ``ties_mean / 2`` ties to random households of its own village; the
    union of proposals, made symmetric, gives a mean degree close to ``ties_mean``.
    """
    n = int(offsets[-1])
    per = round(ties_mean / 2)
    if per == 0 or n == 0:
        return sp.csr_matrix((n, n))
    sizes = np.diff(offsets)
    village = np.repeat(np.arange(sizes.size), sizes)
    u = streams.generator(Stream.NETWORK, 0).random((per, n))
    src = np.tile(np.arange(n), per)
    lo = offsets[:-1][village]
    size = sizes[village]
    # Draw among the other (size - 1) households of the village, skipping oneself.
    pick = np.floor(u * np.maximum(size - 1, 1)[None, :]).astype(np.int64).ravel()
    own = np.tile(np.arange(n) - lo, per)
    dst = np.tile(lo, per) + pick + (pick >= own)
    keep = np.tile(size > 1, per)
    src, dst = src[keep], dst[keep]
    data = np.ones(src.size * 2)
    # Picks never name the proposer itself, so there are no self-ties; duplicates merge into one tie.
    graph = sp.coo_matrix((data, (np.r_[src, dst], np.r_[dst, src])), shape=(n, n)).tocsr()
    graph.data[:] = 1.0
    return graph


def initial_households(params: Parameters, offsets: np.ndarray, streams: RandomStreams) -> HouseholdArrays:
    """Households at the start: size, local income, knowledge, ties, children, businesses, savings."""
    v, inc, biz = params.village, params.income, params.business
    n = int(offsets[-1])
    village = np.repeat(np.arange(offsets.size - 1), np.diff(offsets))
    gen = streams.generator(Stream.INIT, 0, key="households")
    size = 1 + gen.poisson(v.household_size_mean - 1.0, n)
    mu, sigma = local_income_distribution(inc.local_income_per_capita_mean_idr, inc.local_income_cv)
    income_pc = np.exp(mu + sigma * gen.standard_normal(n))
    u = gen.random((4, n))
    knows = u[0] < v.knowledge_share
    has_business = u[1] < biz.initial_business_share
    capital = np.where(has_business, biz.initial_capital_idr * (0.5 + u[2]), 0.0)
    savings = income_pc * size * v.initial_savings_months * 2.0 * u[3]
    network = village_network(offsets, v.network_ties_mean, streams)
    adults, land, educated = household_characteristics(params, size, streams)
    sel = params.selection
    income_pc *= land_income_factor(land, sel.land_mean_ha, sel.land_income_elasticity, sel.land_cv)
    # School-age children are at most the members who are not of working age.
    children = np.minimum(np.clip(size - 2, 0, params.schooling.max_children), size - adults)
    return HouseholdArrays(
        village=village,
        size=size.astype(np.int64),
        local_income_pc_base=income_pc,
        knows_procedure=knows,
        network=network,
        degree=np.asarray(network.sum(axis=1)).ravel(),
        children=children.astype(np.int64),
        business_capital=capital,
        savings=savings,
        debt=np.zeros(n),
        working_age_adults=adults.astype(np.int64),
        land_ha=land,
        head_educated=educated,
    )


def household_characteristics(
    params: Parameters, size: np.ndarray, streams: RandomStreams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Working-age adults, farm land (ha) and the head's education of each household.

    The head is of working age; each other member is with ``working_age_share``. Land is lognormal
    with the ledger's mean and spread. Drawn from their own ``init`` generator, so the other
    starting draws do not change.
    """
    sel = params.selection
    gen = streams.generator(Stream.INIT, 0, key="characteristics")
    n = size.size
    adults = 1 + gen.binomial(np.maximum(size - 1, 0), sel.working_age_share)
    sigma = float(np.sqrt(np.log1p(sel.land_cv**2)))
    z = gen.standard_normal(n)
    land = sel.land_mean_ha * np.exp(sigma * z - 0.5 * sigma**2)
    educated = gen.random(n) < sel.head_secondary_share
    return adults, land, educated


def land_income_factor(
    land_ha: np.ndarray, land_mean_ha: float, elasticity: float, land_cv: float
) -> np.ndarray:
    """Local income's factor for land: ``(land / mean) ** elasticity``, scaled to a mean of one.

    Land is lognormal with coefficient of variation ``land_cv``, so ``(land / mean) ** e`` has the
    expectation ``exp(-e (1 - e) s**2 / 2)`` with ``s**2 = ln(1 + cv**2)``; dividing by it keeps the
    mean of local income at its sourced level (land redistributes income, it does not add any).
    """
    if land_mean_ha <= 0 or elasticity == 0:
        return np.ones_like(land_ha)
    s2 = float(np.log1p(land_cv**2))
    return (land_ha / land_mean_ha) ** elasticity / np.exp(-elasticity * (1.0 - elasticity) * s2 / 2.0)


def initial_migrants(
    params: Parameters, jobs: JobTables, households: HouseholdArrays, streams: RandomStreams
) -> MigrantArrays:
    """Migrant slots, with one member abroad in a share of households at the start.

    Migrants abroad at the start have already spent part of their stay: procedural migrants a
    uniform part of their contract, non-procedural ones an exponential time with the mean stay.
    Their occupation and sex are drawn as at a departure by their route (from a stream key of
    their own, so the other starting draws do not move). Every slot carries a personal remittance
    propensity drawn once (a trait of the person).
    """
    v, rem, abroad = params.village, params.remittance, params.abroad
    k = params.migration.max_migrants_per_household
    n = households.count
    migrants = MigrantArrays(household=np.repeat(np.arange(n), k))
    gen = streams.generator(Stream.INIT, 0, key="migrants")
    z = gen.standard_normal(n * k)
    sd = rem.remit_propensity_sd
    migrants.propensity[:] = np.clip(rem.remit_share * np.exp(sd * z - 0.5 * sd**2), 0.0, 0.95)
    u = gen.random((5, n))
    abroad_now = (u[0] < v.migrant_household_share) & (households.size >= 2)
    first_slot = np.flatnonzero(abroad_now) * k
    uu = u[:, abroad_now]
    non_proc = uu[1] < v.non_procedural_share
    route = np.where(non_proc, Route.NON_PROCEDURAL, Route.PROCEDURAL)
    destination = np.where(uu[2] < rem.malaysia_share, Destination.MALAYSIA, Destination.OTHER)
    informal = np.where(
        non_proc, uu[3] < rem.non_procedural_informal_share, uu[3] >= rem.procedural_formal_share
    )
    stay_np = np.minimum(
        np.floor(-np.log1p(-uu[4]) * abroad.non_procedural_mean_months_abroad), LONGEST_STAY_AT_START_MONTHS
    )
    stay_p = np.floor(uu[4] * abroad.contract_months)
    months = np.where(non_proc, stay_np, stay_p).astype(np.int64)
    u_job = streams.generator(Stream.INIT, 0, key="migrant_jobs").random((2, n))[:, abroad_now]
    occupation, sex = jobs.draw(route, u_job[0], u_job[1])
    wage = wage_idr(
        route,
        destination,
        rem.min_wage_myr_per_month,
        rem.exchange_rate_idr_per_myr,
        rem.non_procedural_wage_factor,
        rem.other_destination_wage_factor,
        job_factor=jobs.wage_factor[occupation],
    )
    repaid = months * rem.broker_debt_repayment_share * wage
    migrants.status[first_slot] = MigrantStatus.ABROAD
    migrants.route[first_slot] = route
    migrants.destination[first_slot] = destination
    migrants.channel[first_slot] = np.where(informal, Channel.INFORMAL, Channel.FORMAL)
    migrants.occupation[first_slot] = occupation
    migrants.sex[first_slot] = sex
    migrants.departure_month[first_slot] = -months
    migrants.contract_end_month[first_slot] = np.where(non_proc, -months, abroad.contract_months - months)
    migrants.broker_debt[first_slot] = np.where(non_proc, np.maximum(rem.broker_debt_idr - repaid, 0.0), 0.0)
    migrants.trips[first_slot] = 1
    st = params.stays
    u_stay = streams.generator(Stream.INIT, 0, key="stays").random(first_slot.size)
    migrants.stay_type[first_slot] = returns_rules.stay_types(route, u_stay, st.settled_share)
    # Savings abroad so far, roughly: each past month's saving at the start's wage with sending as
    # expected, less what the broker has deducted.
    expected_sent = (
        wage
        * migrants.propensity[first_slot]
        * np.where(non_proc, rem.non_procedural_send_prob, rem.procedural_send_prob)
    )
    deducted = np.where(non_proc, np.minimum(repaid, rem.broker_debt_idr), 0.0)
    saved = months * returns_rules.saved_abroad(wage, expected_sent, st.living_cost_share)
    migrants.savings_abroad[first_slot] = np.maximum(saved - deducted, 0.0)
    households.knows_procedure[np.flatnonzero(abroad_now)[~non_proc]] = True
    return migrants


def initial_applications(
    params: Parameters,
    jobs: JobTables,
    households: HouseholdArrays,
    can_apply: np.ndarray,
    streams: RandomStreams,
) -> None:
    """Procedural applications already in progress at the start (``wait_months_left``, ``job_offer``)."""
    gen = streams.generator(Stream.INIT, 0, key="applications")
    u = gen.random((2, households.count))
    pending = can_apply & households.knows_procedure & (u[0] < params.village.pending_application_share)
    longest = params.migration.procedural_wait_months_max
    households.wait_months_left[pending] = np.floor(u[1][pending] * (longest + 1)).astype(np.int64)
    u_job = streams.generator(Stream.INIT, 0, key="application_jobs").random(households.count)[pending]
    households.job_offer[pending] = draw_occupation(u_job, jobs.mix[Route.PROCEDURAL])
