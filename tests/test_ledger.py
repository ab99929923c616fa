"""The money ledger balances: every change of a money stock is a booked flow, in both engines.

For every stock account, month and village, ``closing - opening == inflows - outflows`` within
1e-9 of the account's gross flows and stocks. A flow nobody booked (money created or destroyed by
a phase) leaves a residual, and the tests below show that such a change is caught.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from desmig_sim import DesmigratifModel, ReferenceModel
from desmig_sim.cli.main import main as cli_main
from desmig_sim.config.scenario import Scenario
from desmig_sim.core.paths import SCENARIO_DIR
from desmig_sim.model import phases
from desmig_sim.model.ledger import FLOW_ACCOUNTS, STOCK_ACCOUNTS, Account, Flow
from tests.helpers import small_scenario

#: Largest residual allowed, relative to the account's gross flows and stocks.
TOLERANCE = 1e-9
SHIPPED = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
#: Flows that may stay at zero in a three-year full programme: a surplus to share (interest on
#: deposits can exceed interest on loans) and the refunds of a cooperative that folded.
OCCASIONAL = {Flow.SHU_DIVIDEND, Flow.COOP_DEPOSIT_REFUND}


def run_small(name: str, model: type[DesmigratifModel] = DesmigratifModel, **kwargs: int) -> DesmigratifModel:
    """A run of a shipped scenario on a small world (three villages of 80 households, 36 months)."""
    settings = {"households": 80, "months": 36, **kwargs}
    scenario: Scenario = small_scenario(name, **settings)
    built = model(scenario) if model is ReferenceModel else model(scenario, agents=False)
    built.run()
    return built


@pytest.mark.parametrize("name", SHIPPED)
def test_every_account_balances_every_month_in_every_shipped_scenario(name: str) -> None:
    model = run_small(name)
    ledger = model.world.ledger
    assert len(ledger.flows) == model.world.horizon
    worst = ledger.relative_residuals().max()
    assert worst < TOLERANCE, f"{name}: unbooked money, residual {worst:.3g} of the gross flows"


def test_the_full_programme_moves_money_through_every_flow() -> None:
    # A ledger that balances because nothing moves would prove nothing.
    flows = run_small("full_program").world.ledger.flow_array().sum(axis=(0, 2))
    idle = [f.name for f in Flow if flows[f] == 0.0 and f not in OCCASIONAL]
    assert not idle, f"flows never used in the full programme: {idle}"
    assert (run_small("full_program").ledger()["amount_idr"] >= 0).all(), "flows have a direction"


def test_a_phase_that_creates_money_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    original = phases.run_businesses

    def generous(world: object) -> None:
        original(world)
        world.households.savings[0] += 1_000.0  # type: ignore[attr-defined]

    monkeypatch.setattr(phases, "run_businesses", generous)
    model = run_small("baseline", months=6)
    residual = model.world.ledger.residuals()
    assert np.allclose(residual[:, STOCK_ACCOUNTS.index(Account.HOUSEHOLDS), 0], 1_000.0)
    assert model.world.ledger.relative_residuals().max() > TOLERANCE
    balances = model.ledger_balances()
    caught = balances[balances["residual"].abs() > 1.0]
    assert set(caught["account"]) == {"households"}
    assert set(caught["village"]) == {model.world.villages[0].name}


def test_a_flow_left_unbooked_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    from desmig_sim.model.ledger import Ledger

    book = Ledger.book

    def forgetful(self: Ledger, flow: Flow, villages: np.ndarray, amounts: np.ndarray | float) -> None:
        if flow != Flow.COOP_WITHDRAWAL:
            book(self, flow, villages, amounts)

    monkeypatch.setattr(Ledger, "book", forgetful)
    ledger = run_small("cooperative").world.ledger
    assert ledger.relative_residuals().max() > TOLERANCE


def test_both_engines_book_the_same_ledger() -> None:
    villages = ("Buraen", "Bokong")
    fast = run_small("full_program", villages=villages, households=40)  # type: ignore[arg-type]
    slow = run_small("full_program", ReferenceModel, villages=villages, households=40)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(fast.ledger(), slow.ledger(), check_exact=True)
    pd.testing.assert_frame_equal(fast.ledger_balances(), slow.ledger_balances(), check_exact=True)
    assert slow.world.ledger.relative_residuals().max() < TOLERANCE


def test_ledger_agrees_with_the_state_and_the_outcome_table() -> None:
    model = run_small("full_program")
    world, ledger = model.world, model.world.ledger
    flows = ledger.flow_array()
    # The cooperative's own funds are its reserves and this book year's surplus.
    own = np.array(ledger.stocks)[-1, STOCK_ACCOUNTS.index(Account.COOPERATIVE)]
    coops = world.cooperatives
    np.testing.assert_allclose(own, coops.reserves + coops.surplus, rtol=1e-9, atol=1e-3)
    # The migrants' account holds their savings abroad: wages are deducted, sent, spent or saved.
    saved = np.bincount(
        world.households.village[world.migrants.household],
        weights=world.migrants.savings_abroad,
        minlength=len(world.villages),
    )
    migrants = np.array(ledger.stocks)[-1, STOCK_ACCOUNTS.index(Account.MIGRANTS)]
    np.testing.assert_allclose(migrants, saved, rtol=1e-12)
    assert saved.sum() > 0, "migrants abroad have savings"
    # Remittances received and programme cost match the outcome table.
    table = model.timeseries()
    pooled = table[table["village"] == "ALL"].set_index("month")
    np.testing.assert_allclose(
        flows[:, Flow.REMITTANCE_RECEIVED].sum(axis=1), pooled["remittances_received"], rtol=1e-9
    )
    np.testing.assert_allclose(
        flows[:, [Flow.GRANT, Flow.PROGRAMME_RUNNING_COST]].sum(axis=(1, 2)),
        pooled["program_cost"],
        rtol=1e-9,
    )


def test_ledger_frames_are_tidy() -> None:
    model = run_small("full_program", months=12)
    frame = model.ledger()
    assert list(frame.columns) == [
        "month",
        "date",
        "village",
        "flow",
        "from_account",
        "to_account",
        "amount_idr",
    ]
    assert frame["date"].iloc[0] == model.world.start
    named = {f.name.lower(): (a.name.lower(), b.name.lower()) for f, (a, b) in FLOW_ACCOUNTS.items()}
    pairs = frame[["flow", "from_account", "to_account"]].drop_duplicates()
    assert all(named[f] == (a, b) for f, a, b in pairs.itertuples(index=False))
    balances = model.ledger_balances()
    assert len(balances) == 12 * len(Account) * len(model.world.villages)
    stock = balances[balances["account"].isin([a.name.lower() for a in STOCK_ACCOUNTS])]
    assert stock["residual"].abs().max() < 1.0
    assert balances[~balances.index.isin(stock.index)]["closing"].isna().all()


def test_run_command_writes_the_ledger(tmp_path: Path) -> None:
    out = tmp_path / "run"
    full = (SCENARIO_DIR / "full_program.toml").as_posix()
    path = tmp_path / "small.toml"
    path.write_text(
        f'name = "small"\nextends = "{full}"\n[run]\nmonths = 12\n'
        '[world]\nvillages = ["Buraen"]\n[parameters.village]\nhouseholds_per_village = 30\n'
    )
    assert cli_main(["run", str(path), "--out", str(out), "--replications", "2", "--no-plot"]) == 0
    ledger = pd.read_csv(out / "ledger.csv")
    assert set(ledger["replication"]) == {0}, "the first replication's ledger"
    assert {"month", "village", "flow", "amount_idr"} <= set(ledger.columns)


def test_dividends_and_a_folding_cooperative_balance_too() -> None:
    # Dear loans pay a surplus to share; a high inactivity hazard folds cooperatives, which refund deposits.
    overrides = {
        "parameters.cooperative.loan_rate_per_month": 0.05,
        "parameters.cooperative.inactivity_prob_per_year": 0.6,
    }
    model = DesmigratifModel(small_scenario("cooperative", households=80, months=48, overrides=overrides))
    model.run()
    flows = model.world.ledger.flow_array().sum(axis=(0, 2))
    assert flows[Flow.SHU_DIVIDEND] > 0 and flows[Flow.COOP_DEPOSIT_REFUND] > 0
    assert model.world.ledger.relative_residuals().max() < TOLERANCE
