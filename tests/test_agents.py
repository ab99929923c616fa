"""Mesa integration: agents as views onto the arrays, AgentSet operations, DataCollector."""

from __future__ import annotations

import numpy as np
import pytest
from mesa import DataCollector

import desmig_sim
from desmig_sim import Cooperative, Household, Migrant
from desmig_sim.core.enums import MigrantStatus
from tests.helpers import COMPONENT_START_MONTH, small_scenario

SEED = 5


@pytest.fixture
def model() -> desmig_sim.DesmigratifModel:
    scenario = small_scenario(households=60, months=24, overrides={"components.cooperative.enabled": True})
    return desmig_sim.DesmigratifModel(scenario, seed=SEED)


def step(model: desmig_sim.DesmigratifModel, months: int) -> None:
    for _ in range(months):
        model.step()


def test_one_household_agent_per_household(model: desmig_sim.DesmigratifModel) -> None:
    households = model.agents_by_type[Household]
    assert len(households) == model.households.count, "one Household agent per household slot"
    assert sorted(a.slot for a in households) == list(range(model.households.count)), (
        "every slot exactly once"
    )
    assert [a.slot for a in model.household_agents] == list(range(model.households.count)), (
        "household_agents lists the agents in slot order"
    )
    names = [v.name for v in model.villages]
    villages = np.array([names.index(a.village) for a in model.household_agents])
    np.testing.assert_array_equal(
        villages, model.households.village, err_msg="each agent reports its own village"
    )


def test_agentset_select_and_agg(model: desmig_sim.DesmigratifModel) -> None:
    step(model, 3)
    households = model.agents_by_type[Household]
    hh = model.households
    total = households.agg("savings", sum)
    assert total == pytest.approx(hh.savings.sum(), rel=1e-12), "agg('savings', sum) is the sum of the array"
    assert households.agg("size", max) == hh.size.max(), "agg('size', max) is the array's max"
    poor = households.select(lambda a: a.poor)
    assert len(poor) == int(hh.poor.sum()), "select(poor) keeps exactly the poor households"
    assert {a.slot for a in poor} == set(np.flatnonzero(hh.poor).tolist()), (
        "select keeps the right households"
    )
    np.testing.assert_allclose(
        households.get("income_per_capita"),
        hh.income_per_capita,
        err_msg="AgentSet.get reads the current array values, in slot order",
    )
    with_business = households.select(lambda a: a.has_business)
    expected = int((hh.business_capital >= model.params.business.min_capital_idr).sum())
    assert len(with_business) == expected, "has_business agrees with the business threshold"


def test_datacollector_with_agent_reporters(model: desmig_sim.DesmigratifModel) -> None:
    collector = DataCollector(
        model_reporters={"savings_total": lambda m: float(m.households.savings.sum())},
        agenttype_reporters={Household: {"savings": "savings", "poor": "poor", "abroad": "members_abroad"}},
    )
    for _ in range(4):
        model.step()
        collector.collect(model)
    frame = collector.get_agenttype_vars_dataframe(Household)
    n = model.households.count
    assert len(frame) == 4 * n, "one row per household and collection"
    last = frame.xs(model.steps, level="Step")
    assert len(last) == n, "the last collection covers every household"
    by_slot = {a.unique_id: a.slot for a in model.household_agents}
    slots = np.array([by_slot[uid] for uid in last.index])
    np.testing.assert_allclose(
        last["savings"].to_numpy(),
        model.households.savings[slots],
        err_msg="reported savings are the array's",
    )
    np.testing.assert_array_equal(
        last["poor"].to_numpy(dtype=bool),
        model.households.poor[slots],
        err_msg="reported poverty is the array's",
    )
    model_frame = collector.get_model_vars_dataframe()
    assert len(model_frame) == 4, "one model row per collection"
    assert model_frame["savings_total"].iloc[-1] == pytest.approx(last["savings"].sum()), (
        "model and agent reporters agree"
    )
    first = frame.xs(frame.index.get_level_values("Step").min(), level="Step")
    assert not np.allclose(first["savings"].to_numpy(), last["savings"].to_numpy()), (
        "collections at different steps capture the state of their own month"
    )


def test_datacollector_with_plain_agent_reporters(model: desmig_sim.DesmigratifModel) -> None:
    # Plain agent reporters visit every agent (households and migrants); migrants have no savings.
    collector = DataCollector(agent_reporters={"savings": "savings", "size": "size"})
    step(model, 2)
    collector.collect(model)
    frame = collector.get_agent_vars_dataframe().xs(model.steps, level="Step")
    by_slot = {a.unique_id: a.slot for a in model.household_agents}
    households = frame.loc[frame.index.isin(list(by_slot))]
    assert len(households) == model.households.count, "every household is collected"
    slots = np.array([by_slot[uid] for uid in households.index])
    np.testing.assert_allclose(
        households["savings"].to_numpy(dtype=float),
        model.households.savings[slots],
        err_msg="plain agent reporters read the Household properties",
    )
    np.testing.assert_array_equal(
        households["size"].to_numpy(dtype=int), model.households.size[slots], err_msg="sizes as in the arrays"
    )
    others = frame.loc[~frame.index.isin(list(by_slot))]
    assert len(others) == len(model.agents) - model.households.count, "the other agents are collected too"


def test_migrant_agents_for_every_slot_that_ever_left(model: desmig_sim.DesmigratifModel) -> None:
    at_start = {a.slot for a in model.agents_by_type[Migrant]}
    step(model, 18)
    departures = model.timeseries().query("village == 'ALL'")
    new_people = int((departures["departures_procedural"] + departures["departures_non_procedural"]).sum())
    assert new_people > 0, "precondition: some people leave during these 18 months"
    m = model.migrants
    left = set(np.flatnonzero(m.status != MigrantStatus.NEVER_LEFT).tolist())
    agents = model.agents_by_type[Migrant]
    assert {a.slot for a in agents} == left, "exactly the slots that ever left have a Migrant agent"
    assert len(agents) == len(left), "one Migrant agent per such slot"
    assert at_start < {a.slot for a in agents}, "agents are added for people leaving for the first time"
    for agent in agents:
        assert model.migrant_agent(agent.slot) is agent, "migrant_agent(slot) finds the agent"
        assert agent.status == MigrantStatus(int(m.status[agent.slot])), "agent status is the array's status"
        assert agent.household is model.household_agents[agent.slot // model.world.k], (
            "a migrant belongs to its household"
        )
        assert agent in agent.household.migrants, "the household lists its migrants"
    abroad = {a.slot for a in agents if a.status == MigrantStatus.ABROAD}
    assert abroad == set(model.world.abroad_slots().tolist()), "agents abroad are the model's abroad slots"
    members_abroad = np.array([a.members_abroad for a in model.household_agents])
    np.testing.assert_array_equal(
        members_abroad,
        model.households.abroad_count,
        err_msg="members abroad counted from migrant slots equal the household's running count",
    )
    never_left = np.flatnonzero(m.status == MigrantStatus.NEVER_LEFT)
    assert all(model.migrant_agent(s) is None for s in never_left[:50]), "slots that never left have no agent"


def test_cooperative_agents_appear_when_founded(model: desmig_sim.DesmigratifModel) -> None:
    step(model, COMPONENT_START_MONTH - 1)
    assert Cooperative not in model.agent_types, "no cooperative agent before the component starts"
    model.step()
    coops = model.agents_by_type[Cooperative]
    programme = [v.name for v in model.villages if v.programme]
    assert len(coops) == len(programme), (
        "one cooperative per programme village once founded (component runs in all of them)"
    )
    assert sorted(c.village for c in coops) == sorted(programme), "one in each programme village"
    for coop in coops:
        assert coop.active, f"{coop.village}: the new cooperative is active"
        assert coop.members > 0, f"{coop.village}: the cooperative starts with members"
        assert coop.members <= model.params.cooperative.initial_members, (
            f"{coop.village}: at most initial_members"
        )
        v = coop.village_index
        in_village = model.households.coop_member & (model.households.village == v)
        assert coop.members == int(in_village.sum()), f"{coop.village}: members counted from the arrays"
    step(model, 3)
    assert len(model.agents_by_type[Cooperative]) == len(programme), "cooperatives are not duplicated later"


def test_cooperatives_need_the_component() -> None:
    scenario = small_scenario(households=60, months=12)
    model = desmig_sim.DesmigratifModel(scenario, seed=SEED)
    step(model, 12)
    assert Cooperative not in model.agent_types, "without the cooperative component no cooperative is founded"


def test_setting_a_property_writes_the_array(model: desmig_sim.DesmigratifModel) -> None:
    agent = model.household_agents[7]
    before = model.households.savings.copy()
    agent.savings = 123_456.0
    assert model.households.savings[7] == 123_456.0, "setting Household.savings writes the savings array"
    np.testing.assert_array_equal(
        np.delete(model.households.savings, 7),
        np.delete(before, 7),
        err_msg="only the agent's own slot is written",
    )
    agent.knows_procedure = not agent.knows_procedure
    assert model.households.knows_procedure[7] == agent.knows_procedure, (
        "boolean properties write the array too"
    )
    step(model, 1)
    assert agent.savings == model.households.savings[7], "the agent shows the state after the step"
    migrant = next(iter(model.agents_by_type[Migrant]))
    migrant.broker_debt = 42.0
    assert model.migrants.broker_debt[migrant.slot] == 42.0, (
        "setting Migrant.broker_debt writes the migrant array"
    )


def test_model_steps_track_months(model: desmig_sim.DesmigratifModel) -> None:
    step(model, 5)
    assert model.month == 5, "one step is one month"
    assert model.steps == 5, "Mesa's step counter advances with every step"
    assert model.date() == "2017-05", "the fifth month of a run from January 2017 is May 2017"
