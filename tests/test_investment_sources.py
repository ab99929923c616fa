"""Productive investment by source: the parts add up to the total, in every month, village and engine.

``productive_investment`` is summed over households; its parts (remittances, cooperative loans,
programme grants, returnees' savings brought home) are summed over the flows where the money is
invested. The two sums run
in different orders, so they agree to rounding (relative 1e-12), not bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from desmig_sim import build_model
from tests.test_reference_engine import programme_world

PARTS = (
    "productive_investment_remittances",
    "productive_investment_loans",
    "productive_investment_grants",
    "productive_investment_returnee_savings",
)


@pytest.mark.parametrize("engine", ["vectorised", "reference"])
def test_investment_parts_add_up_to_the_total(engine: str) -> None:
    scenario = programme_world(40, months=48, **{"parameters.cooperative.loan_demand_prob": 0.5})
    table = build_model(scenario, seed=5, engine=engine).run()
    total = table["productive_investment"].to_numpy()
    parts = table[list(PARTS)].to_numpy()
    assert (parts >= 0).all(), "no source invests a negative amount"
    assert np.allclose(parts.sum(axis=1), total, rtol=1e-12, atol=1e-6), (
        "every month and village (and ALL): the parts add up to the total"
    )
    for part in PARTS:
        assert table[part].sum() > 0, f"the world exercises {part}"
