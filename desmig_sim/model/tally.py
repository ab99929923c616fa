"""The month's tally: flows counted during one month's phases, read by the outcome recorder."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from desmig_sim.core.enums import Sex


@dataclass
class MonthTally:
    """Flows counted during one month's phases, per village."""

    villages: int
    remittances_sent: float = 0.0
    productive_from_remittances: float = 0.0
    fees_and_losses: np.ndarray = field(default=None)  # type: ignore[assignment]
    departures_p: np.ndarray = field(default=None)  # type: ignore[assignment]
    departures_np: np.ndarray = field(default=None)  # type: ignore[assignment]
    deaths: np.ndarray = field(default=None)  # type: ignore[assignment]
    deportations: np.ndarray = field(default=None)  # type: ignore[assignment]
    returns: np.ndarray = field(default=None)  # type: ignore[assignment]
    programme_cost: np.ndarray = field(default=None)  # type: ignore[assignment]
    # Productive investment by source (IDR this month): the parts of ``productive_investment``.
    invested_remittances: np.ndarray = field(default=None)  # type: ignore[assignment]
    invested_loans: np.ndarray = field(default=None)  # type: ignore[assignment]
    invested_grants: np.ndarray = field(default=None)  # type: ignore[assignment]
    #: Departures by route (procedural, non-procedural), sex (women, men) and village.
    departures_by_sex: np.ndarray = field(default=None)  # type: ignore[assignment]
    #: Deaths abroad by sex (women, men) and village.
    deaths_by_sex: np.ndarray = field(default=None)  # type: ignore[assignment]
    invested_returnee_savings: np.ndarray = field(default=None)  # type: ignore[assignment]
    # Stays and returns (IDR this month, per village): wages saved abroad, savings that reached home
    # with a returning, deported or dead migrant, savings lost on deportation or death.
    saved_abroad: np.ndarray = field(default=None)  # type: ignore[assignment]
    savings_brought_home: np.ndarray = field(default=None)  # type: ignore[assignment]
    savings_lost_abroad: np.ndarray = field(default=None)  # type: ignore[assignment]
    #: Households in which a returnee invested savings brought home.
    returnee_investments: np.ndarray = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        for name in (
            "fees_and_losses",
            "departures_p",
            "departures_np",
            "deaths",
            "deportations",
            "returns",
            "programme_cost",
            "invested_remittances",
            "invested_loans",
            "invested_grants",
            "invested_returnee_savings",
            "saved_abroad",
            "savings_brought_home",
            "savings_lost_abroad",
            "returnee_investments",
        ):
            if getattr(self, name) is None:
                setattr(self, name, np.zeros(self.villages))
        if self.departures_by_sex is None:
            self.departures_by_sex = np.zeros((2, 2, self.villages))
        if self.deaths_by_sex is None:
            self.deaths_by_sex = np.zeros((2, self.villages))

    def count_departures(self, villages: np.ndarray, non_procedural: np.ndarray, sex: np.ndarray) -> None:
        """Count departures by route, sex and village (arrays of the same length, or scalars)."""
        np.add.at(
            self.departures_by_sex, (np.asarray(non_procedural, dtype=np.int64), sex - Sex.WOMAN, villages), 1
        )

    def count_deaths(self, villages: np.ndarray, sex: np.ndarray) -> None:
        """Count deaths abroad by sex and village."""
        np.add.at(self.deaths_by_sex, (sex - Sex.WOMAN, villages), 1)
