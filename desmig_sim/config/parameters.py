"""The parameter ledger: every behavioural and economic constant of the model, in one place.

Each parameter has a unit in its name or description, a default, an allowed range and a source:
``"ref:KEY [V]: what the source says"`` with one or more keys of ``docs/references.md`` (tagged
[V] verified, [D] derived, [M] from memory, [UNVERIFIED]), or ``"assumption: ..."``.
``docs/parameters.md`` is generated from this module (``desmig-sim docs``), and a test fails when
the two drift apart.

Rates given per year in the sources are converted to monthly probabilities once, by
:func:`monthly_probability`, when the model is built (:class:`MonthlyRates`, Covasim/Starsim
practice).

The module is longer than the project's usual 400 lines on purpose: it is the ledger, about ten
lines per parameter (default, unit, range, source, meaning), and one file keeps every number of
the model and its source in one place to read, review and generate docs from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import ConfigDict, Field, model_validator

from desmig_sim.config.inputs import InputModel


def param(
    default: Any,
    *,
    unit: str,
    source: str,
    description: str,
    ge: float | None = None,
    le: float | None = None,
) -> Any:
    """Declare one ledger entry: a pydantic field that also carries its unit and source.

    Args:
        default: The default value.
        unit: Physical or monetary unit ("IDR/month", "probability/year", "share", ...).
        source: ``"ref:KEY [V]: ..."`` (keys of ``docs/references.md``), or ``"assumption: ..."``.
        description: What the parameter means in the model, in plain words.
        ge: Smallest allowed value (inclusive), if any.
        le: Largest allowed value (inclusive), if any.

    Returns:
        A ``pydantic.Field`` with the metadata in ``json_schema_extra``.
    """
    return Field(
        default,
        ge=ge,
        le=le,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
    )


class _Section(InputModel):
    """A frozen, strict group of parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class VillageParams(_Section):
    """The villages and their households at the start (January 2017)."""

    households_per_village: int = param(
        300,
        unit="households",
        ge=5,
        le=2_000_000,
        source=(
            "ref:bps-ntt-population-2020, ref:bps-ntt-poverty-2019 [D]: 4.14 m rural people / 3,026 desa / "
            "4.6 per household ≈ 300"
        ),
        description="Households in each village (sensitivity range 150-600).",
    )
    household_size_mean: float = param(
        4.6,
        unit="persons",
        ge=2.0,
        le=8.0,
        source=(
            "assumption: mean 4.6 [M] (no BPS figure for all NTT households found); poor households 5.6-6.0 "
            "[V] ref:bps-ntt-poverty-2019, ref:bps-ntt-poverty-2024"
        ),
        description="Mean household size; sizes are drawn as 1 + Poisson(mean - 1).",
    )
    network_ties_mean: float = param(
        10.0,
        unit="ties per household",
        ge=0.0,
        le=50.0,
        source=(
            "assumption: ~10 network ties, in line with TPB migration ABMs (ref:klabunde-2017-multistate, "
            "ref:kniveton-2011)"
        ),
        description="Mean number of ties a household has to other households of its village.",
    )
    migrant_household_share: float = param(
        0.20,
        unit="share of households",
        ge=0.0,
        le=0.6,
        source="assumption: a migrant-pocket ('kantong') village; no survey source for the share",
        description="Share of households with a member abroad at the start.",
    )
    non_procedural_share: float = param(
        0.90,
        unit="share of migrants",
        ge=0.0,
        le=1.0,
        source=(
            "ref:antara-ntt-2018-undocumented, ref:antara-ntt-2018-registered-malaysia [D]: >50,000 irregular"
            " vs 5,007 registered NTT workers in Malaysia ≈ 0.90"
        ),
        description="Share of the migrants abroad at the start who left by the non-procedural route.",
    )
    initial_savings_months: float = param(
        2.0,
        unit="months of local income",
        ge=0.0,
        le=60.0,
        source="assumption",
        description=(
            "Mean savings at the start, in months of the household's local income (uniform, 0 to 2x"
            " the mean)."
        ),
    )
    pending_application_share: float = param(
        0.02,
        unit="share of knowing households",
        ge=0.0,
        le=1.0,
        source="assumption, set so that procedural departures flow from the first months",
        description=(
            "Share of the households that know the procedure which have a procedural application"
            " in progress at the start (cost paid before the start; remaining wait uniform up to the"
            " longest wait)."
        ),
    )
    knowledge_share: float = param(
        0.10,
        unit="share of households",
        ge=0.0,
        le=1.0,
        source=(
            "ref:worldbank-2019-safe-migration [V]: Safe Migration Survey 2018, ~1 in 10 know the "
            "requirements"
        ),
        description="Share of households that know the procedural route's requirements at the start.",
    )


class IncomeParams(_Section):
    """Local (non-migrant) income, poverty line and consumption."""

    poverty_line_idr_per_capita_month: float = param(
        340_000.0,
        unit="IDR/person/month",
        ge=1.0,
        source=(
            "ref:bps-ntt-poverty-2016, ref:bps-ntt-poverty-2018 [V]: BPS NTT, Rp 327,003 (Sep 2016) and Rp "
            "354,898 (Mar 2018)"
        ),
        description="Poverty line at the start (January 2017), indexed by `price_growth_per_year`.",
    )
    price_growth_per_year: float = param(
        0.066,
        unit="share/year",
        ge=0.0,
        le=0.5,
        source=(
            "ref:bps-ntt-poverty-2016, ref:bps-ntt-poverty-2024 [D]: the BPS NTT poverty line grew from Rp "
            "327,003 (Sep 2016) to Rp 527,275 (Mar 2024): (527,275 / 327,003) ** (1 / 7.5) - 1 = 6.6%/yr"
            " (6.3-6.8%/yr over other spans of Mar 2016-Mar 2024); was 4%/yr, not what the source gives"
        ),
        description="Yearly growth of the poverty line and of nominal local incomes.",
    )
    local_income_per_capita_mean_idr: float = param(
        572_000.0,
        unit="IDR/person/month (January 2017 prices)",
        ge=1.0,
        source=(
            "ref:databoks-2021-ntt-expenditure [D]: BPS, mean expenditure per person in rural NTT Rp"
            " 700,794 a month in 2020, deflated to January 2017 by the poverty line's growth"
            " (`price_growth_per_year`, 6.6%/yr over 3.2 years): 700,794 / 1.066 ** 3.17 = Rp 572,000;"
            " expenditure stands in for income (BPS publishes no rural household income for NTT)"
        ),
        description=(
            "Mean of the households' local (farm and wage) income per person at the start. Nothing"
            " rescales it: the share of people below the poverty line follows from this mean, the"
            " spread (`local_income_cv`) and what households receive and spend."
        ),
    )
    local_income_cv: float = param(
        0.6,
        unit="coefficient of variation",
        ge=0.05,
        le=2.0,
        source="assumption: lognormal, CV ~0.6",
        description="Spread of local income per capita across households (lognormal).",
    )
    income_shock_sd: float = param(
        0.10,
        unit="share of income (standard deviation)",
        ge=0.0,
        le=0.5,
        source="assumption (harvest and casual-work variability)",
        description=(
            "Standard deviation of the monthly shock to local income: income is multiplied by"
            " 1 + U(-sqrt(3) sd, sqrt(3) sd), which stays positive up to the largest allowed sd."
        ),
    )
    local_savings_rate: float = param(
        0.03,
        unit="share of local income",
        ge=0.0,
        le=0.5,
        source="assumption",
        description="Share of local income a household saves each month.",
    )
    farm_income_share: float = param(
        0.6,
        unit="share of local income",
        ge=0.0,
        le=1.0,
        source=(
            "assumption (ref:fox-2010-ntt-food-security [V]: over 85% of NTT's people live from farming,"
            " fishing or livestock; ref:irin-2011-ntt-drought [V]: ~80% farm; the rest of local income is"
            " casual wage work and trade)"
        ),
        description=(
            "Share of local income that comes from the household's own farm (rain-fed maize): the part"
            " that follows the harvest season and that droughts cut; 0 turns both off."
        ),
    )
    harvest_seasonality: float = param(
        0.3,
        unit="share of farm income (amplitude)",
        ge=0.0,
        le=1.0,
        source=(
            "assumption (ref:fox-2010-ntt-food-security [V]: one maize harvest a year decides most"
            " farmers' year; stored maize smooths part of it, and consumption in the model follows"
            " income, so the amplitude is kept moderate; range 0-1)"
        ),
        description=(
            "Amplitude of the yearly farm-income cycle: farm income is multiplied by"
            " 1 + amplitude * cos(2 pi (month - harvest_month) / 12), which averages 1 over a year"
            " (0: no season)."
        ),
    )
    harvest_month: int = param(
        4,
        unit="calendar month (1-12)",
        ge=1,
        le=12,
        source=(
            "ref:irin-2011-ntt-drought [V]: four months of rain, planting in October, harvest in April;"
            " ref:jakartapost-2016-ntt-drought [V]: planting normally in December"
        ),
        description="Calendar month in which farm income peaks (the main wet-season maize harvest).",
    )
    drought_prob_per_year: float = param(
        0.25,
        unit="probability/year",
        ge=0.0,
        le=0.6,
        source=(
            "ref:apsn-2009-rote-harvest, ref:fox-2010-ntt-food-security, ref:jakartapost-2016-ntt-drought"
            " [D]: harvests failed across NTT or large parts of it in 2009, 2010 and 2015-16 (El Niño), and"
            " El Niño dry seasons again in 2019 and 2023 [M]: about 4-5 years in 15, ~0.25/yr (range 0-0.6)"
        ),
        description=(
            "Yearly chance that a calendar year is a drought year in every simulated village (one draw"
            " a year from the `climate` stream, the same in every scenario run on a seed)."
        ),
    )
    drought_farm_income_loss: float = param(
        0.4,
        unit="share of farm income",
        ge=0.0,
        le=1.0,
        source=(
            "ref:jakartapost-2016-ntt-drought [D]: ~40% of Timor Tengah Selatan's 78,000 ha of cornfield"
            " in severe drought (Feb 2016), read as 40% of the year's farm income lost (range 0-1)"
        ),
        description="Share of farm income lost in each month of a randomly drawn drought year.",
    )


class RemittanceParams(_Section):
    """Wages abroad, remittance amounts and the cost of sending them home."""

    min_wage_myr_per_month: float = param(
        1000.0,
        unit="MYR/month",
        ge=1.0,
        source="ref:malaysia-minimum-wages-orders [V]: Minimum Wages Order 2016, RM 1,000 (Peninsular)",
        description="Destination minimum wage at the start; later steps are dated events.",
    )
    exchange_rate_idr_per_myr: float = param(
        3200.0,
        unit="IDR/MYR",
        ge=1.0,
        source="assumption: ~Rp 3,200/MYR (2017) [M], from memory, not checked against a source",
        description="Exchange rate at the start; later values are dated events.",
    )
    non_procedural_wage_factor: float = param(
        0.8,
        unit="ratio",
        ge=0.1,
        le=1.5,
        source="assumption: non-procedural wage 0.7-0.9x procedural",
        description="Wage of a non-procedural migrant relative to the destination minimum wage.",
    )
    other_destination_wage_factor: float = param(
        1.5,
        unit="ratio",
        ge=0.1,
        le=5.0,
        source="assumption (Singapore, Hong Kong pay above Malaysia)",
        description="Wage outside Malaysia relative to the Malaysian minimum wage.",
    )
    malaysia_share: float = param(
        0.95,
        unit="share of departures",
        ge=0.0,
        le=1.0,
        source=(
            "ref:katongntt-2024-placements, ref:dppkspsi-2018-deaths [V]: 1,179 of 1,305 placements (2023); "
            "102 of 105 deaths (2018) in Malaysia"
        ),
        description="Share of departures going to Malaysia; the rest go to other destinations.",
    )
    remit_share: float = param(
        0.55,
        unit="share of wage",
        ge=0.0,
        le=0.95,
        source="ref:kobumi-2017-sumut-remittances [V]: ~60% (Sumut 2016); 0.55 assumed for NTT",
        description="Mean share of the (debt-free) wage a migrant sends home.",
    )
    remit_propensity_sd: float = param(
        0.2,
        unit="log-points",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Spread across migrants of the remitted share (lognormal multiplier).",
    )
    non_procedural_send_prob: float = param(
        0.6,
        unit="probability/month",
        ge=0.0,
        le=1.0,
        source="assumption: sent in a given month with probability 0.6",
        description="Chance that a non-procedural migrant sends money in a given month.",
    )
    procedural_send_prob: float = param(
        0.95,
        unit="probability/month",
        ge=0.0,
        le=1.0,
        source="assumption (regular monthly bank transfers)",
        description="Chance that a procedural migrant sends money in a given month.",
    )
    procedural_formal_share: float = param(
        0.9,
        unit="share of migrants",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Share of procedural migrants who use the formal (bank, post) channel.",
    )
    non_procedural_informal_share: float = param(
        0.8,
        unit="share of migrants",
        ge=0.0,
        le=1.0,
        source=(
            "ref:hernandez-coss-2008-malaysia-corridor [V]: ~90% of Malaysia flows informal (2008); 0.8 "
            "assumed"
        ),
        description="Share of non-procedural migrants who use the informal channel.",
    )
    formal_fee_share: float = param(
        0.03,
        unit="share of amount sent",
        ge=0.0,
        le=0.5,
        source=(
            "ref:worldbank-rpw [UNVERIFIED]: Malaysia-Indonesia corridor value not found; global average "
            "6.2-7.4% [V]"
        ),
        description="Fee of the formal channel.",
    )
    informal_loss_prob: float = param(
        0.02,
        unit="probability/transfer",
        ge=0.0,
        le=1.0,
        source="assumption: loss risk 2% per informal transfer",
        description="Chance that an informal transfer is lost altogether.",
    )
    decay_per_year: float = param(
        0.0,
        unit="share/year abroad",
        ge=0.0,
        le=0.5,
        source=(
            "ref:worldbank-blog-remittance-decay [V]: evidence for remittance decay not consistently "
            "supportive"
        ),
        description="Yearly decline of the remitted share with time abroad (0 = no decay).",
    )
    broker_debt_idr: float = param(
        6_000_000.0,
        unit="IDR",
        ge=0.0,
        source="ref:pikiran-rakyat-2022-ntb-brokers [V]: NTB 2022, Rp 6-10 m paid to brokers",
        description="Debt a non-procedural migrant owes the broker, deducted from wages.",
    )
    broker_debt_repayment_share: float = param(
        0.5,
        unit="share of wage",
        ge=0.01,
        le=1.0,
        source="assumption",
        description="Share of the wage deducted each month until the broker debt is repaid.",
    )
    sirih_pinang_idr: float = param(
        1_000_000.0,
        unit="IDR",
        ge=0.0,
        source=(
            "ref:kompas-2019-sirih-pinang-sumba, ref:kompas-2019-sirih-pinang-tts [V]: Rp 0.5-1.5 m paid to "
            "the family"
        ),
        description="Cash a broker gives the family at a non-procedural departure.",
    )
    broker_debt_interest_per_month: float = param(
        0.02,
        unit="share of debt outstanding/month",
        ge=0.0,
        le=0.1,
        source=(
            "assumption: no source on interest on recruitment debt; set at the credit unions' nominal"
            " rate (2%/month flat, ref:peluangnews-2026-pintu-air) as a floor for informal credit;"
            " sensitivity 0-0.1 (0 = the debt is a fixed sum, as before)"
        ),
        description=(
            "Monthly interest on the debt a non-procedural migrant owes the broker, added before each"
            " month's deduction from wages."
        ),
    )


_RESCALED = (
    "; rescaled with the other non-debt shares by 0.62/0.75 when debt rose to 0.38, rounded to 3 decimals"
)


class BudgetParams(_Section):
    """How households allocate remittances (uses must sum to 1)."""

    consumption: float = param(
        0.331,
        unit="share of remittances",
        ge=0.0,
        le=1.0,
        source=(
            "ref:jpnn-2015-ilo-remittance-use, ref:uniteller-2019-recipients, "
            "ref:neraca-2016-wb-remittance-use [D]: blend of ILO 2015 (26% daily needs), UniTeller 2019 "
            "(25%), WB; was 0.40" + _RESCALED
        ),
        description="Share of remittances spent on consumption.",
    )
    debt: float = param(
        0.38,
        unit="share of remittances",
        ge=0.0,
        le=1.0,
        source=(
            "ref:jpnn-2015-ilo-remittance-use [V]: ILO 2015, 38% debt repayment (was 0.25, not what the"
            " source gives); the other five shares are scaled by (1 - 0.38) / (1 - 0.25) = 0.62/0.75 so"
            " that the shares still sum to 1"
        ),
        description="Share used to repay household debt (consumed when there is none).",
    )
    education: float = param(
        0.124,
        unit="share of remittances",
        ge=0.0,
        le=1.0,
        source=(
            "ref:jpnn-2015-ilo-remittance-use, ref:neraca-2016-wb-remittance-use [V]: ILO 22%, WB 8%;"
            " was 0.15" + _RESCALED
        ),
        description="Share spent on children's schooling.",
    )
    housing: float = param(
        0.066,
        unit="share of remittances",
        ge=0.0,
        le=1.0,
        source=(
            "ref:jpnn-2015-ilo-remittance-use [V]: ILO 2015, 2.8% housing; brick houses in "
            "ref:bisnis-2015-bakiruk [V]; was 0.08" + _RESCALED
        ),
        description="Share spent on housing.",
    )
    savings: float = param(
        0.058,
        unit="share of remittances",
        ge=0.0,
        le=1.0,
        source=(
            "ref:uniteller-2019-recipients [V]: UniTeller 2019, 15% savings (online sample, biased upward);"
            " was 0.07" + _RESCALED
        ),
        description="Share saved (deposited with the cooperative by members).",
    )
    productive: float = param(
        0.041,
        unit="share of remittances",
        ge=0.0,
        le=1.0,
        source=(
            "ref:jpnn-2015-ilo-remittance-use, ref:neraca-2016-wb-remittance-use [V]: ILO 4%, WB 6% "
            "investment; was 0.05" + _RESCALED
        ),
        description="Share invested in a household business.",
    )
    need_poverty_lines: float = param(
        1.0,
        unit="poverty lines (consumption need per resident)",
        ge=0.0,
        le=2.0,
        source=(
            "ref:adams-cuecuecha-2010 [V]: at the margin, remittance-receiving households in Indonesia"
            " spend more on food (they are poorer than average); the need at the poverty line is an"
            " assumption; 0 turns the priority off (every household splits remittances by the shares)"
        ),
        description=(
            "Consumption need per resident, in poverty lines: remittances first cover the gap between"
            " a household's consumption from local income and this need, taking from education,"
            " housing, savings and investment, so that poorer households invest a smaller share."
        ),
    )

    #: The use shares of remittances (they sum to 1).
    SHARES: ClassVar[tuple[str, ...]] = (
        "consumption",
        "debt",
        "education",
        "housing",
        "savings",
        "productive",
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> BudgetParams:
        total = sum(getattr(self, name) for name in self.SHARES)
        if abs(total - 1.0) > 1e-6:
            shares = ", ".join(f"{n}={getattr(self, n)}" for n in self.SHARES)
            raise ValueError(f"remittance-use shares must sum to 1, but {shares} sum to {total:.6g}")
        return self


class MigrationParams(_Section):
    """Migration intention (theory of planned behaviour, NELM) and route choice."""

    attitude_weight: float = param(
        0.5,
        unit="weight",
        ge=0.0,
        le=1.0,
        source="assumption (TPB: Klabunde et al. 2017; Kniveton et al. 2011)",
        description="Weight of the attitude (expected income gain) in the intention index.",
    )
    norm_weight: float = param(
        0.3,
        unit="weight",
        ge=0.0,
        le=1.0,
        source=(
            "assumption: network weight 0.3, in line with TPB ABMs (ref:klabunde-2017-multistate, "
            "ref:kniveton-2011)"
        ),
        description="Weight of the subjective norm (share of ties with a migrant abroad).",
    )
    deprivation_weight: float = param(
        0.2,
        unit="weight",
        ge=0.0,
        le=1.0,
        source="assumption: relative-deprivation weight 0.2; the mechanism is ref:stark-taylor-1991 [V]",
        description="Weight of relative deprivation in the village (NELM).",
    )
    risk_weight: float = param(
        0.2,
        unit="weight",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Weight of perceived risk (recent deaths and deportations) against migrating.",
    )
    intention_intercept: float = param(
        -7.0,
        unit="log-odds",
        ge=-20.0,
        le=5.0,
        source=(
            "assumption, calibrated so the baseline migrant stock is roughly steady (was -6.5 before"
            " settled stays and selection into migration)"
        ),
        description="Log-odds of a household starting to aspire to migration at intention 0.",
    )
    intention_slope: float = param(
        6.0,
        unit="log-odds per unit intention",
        ge=0.0,
        le=30.0,
        source="assumption, calibrated with `intention_intercept`",
        description="How strongly the intention index raises the monthly chance of aspiring.",
    )
    aspiration_lapse_prob: float = param(
        0.05,
        unit="probability/month",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Chance an aspiring household gives up the plan in a month.",
    )
    broker_contact_prob: float = param(
        0.05,
        unit="probability/month",
        ge=0.0,
        le=1.0,
        source="assumption: calo contact 0.05/month",
        description="Chance a broker (calo) reaches an aspiring household in a month.",
    )
    broker_displacement: float = param(
        0.5,
        unit="share",
        ge=0.0,
        le=1.0,
        source=(
            "assumption: no measurement of how far calo shift their effort when households choose the"
            " procedural route; 0 (effort lost) to 1 (all of it redirected), midpoint as default"
        ),
        description=(
            "Share of the broker effort lost to procedural applications in a month that the"
            " regency's brokers redirect to the aspiring households still reachable in the same"
            " regency (programme villages and their non-programme neighbours alike)."
        ),
    )
    procedural_application_prob: float = param(
        0.08,
        unit="probability/month",
        ge=0.0,
        le=1.0,
        source=(
            "assumption, calibrated to a 0.85-0.95 non-procedural share (ref:antara-ntt-2018-undocumented "
            "[D])"
        ),
        description="Monthly chance an aspiring household that knows the procedure applies.",
    )
    procedural_cost_idr: float = param(
        10_000_000.0,
        unit="IDR",
        ge=0.0,
        source=(
            "ref:merdeka-2015-belu-costs, ref:jakartapost-2009-recruitment-fees [V]: Belu 2015 Rp 25 m (unit "
            "ambiguous); UNDP HDR ~6 months' wage; Rp 10 m assumed"
        ),
        description="Cost of the procedural route borne by the household (savings, then debt).",
    )
    procedural_wait_months_min: int = param(
        6,
        unit="months",
        ge=0,
        le=36,
        source="assumption: 6-12 months to process",
        description="Shortest processing time of a procedural application.",
    )
    procedural_wait_months_max: int = param(
        12,
        unit="months",
        ge=0,
        le=48,
        source="assumption: 6-12 months to process",
        description="Longest processing time of a procedural application.",
    )
    informal_credit_idr: float = param(
        5_000_000.0,
        unit="IDR",
        ge=0.0,
        source="assumption (loans from relatives)",
        description="What a household can borrow informally towards the procedural cost.",
    )
    risk_route_weight: float = param(
        1.0,
        unit="multiplier per unit risk",
        ge=0.0,
        le=10.0,
        source="assumption",
        description="How much perceived risk raises the chance of choosing the procedural route.",
    )
    risk_per_event: float = param(
        0.1,
        unit="risk per death or deportation",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Perceived risk added by each death or deportation from the village in 12 months.",
    )
    knowledge_learning_prob: float = param(
        0.02,
        unit="probability/month",
        ge=0.0,
        le=1.0,
        source="assumption (learning from returnees of the procedural route)",
        description="Monthly chance to learn the procedure, times the share of ties who know it.",
    )
    knowledge_forgetting_prob: float = param(
        0.018,
        unit="probability/month",
        ge=0.0,
        le=1.0,
        source=(
            "assumption (rules change; knowledge goes out of date); with `knowledge_learning_prob`"
            " it keeps baseline knowledge near 0.1 (ref:worldbank-2019-safe-migration [V]: ~1 in 10)"
        ),
        description="Monthly chance that a household's knowledge of the procedure goes out of date.",
    )
    max_migrants_per_household: int = param(
        2,
        unit="persons",
        ge=1,
        le=4,
        source="assumption",
        description="Most members one household can have abroad at once (fixed migrant slots).",
    )

    @model_validator(mode="after")
    def _wait_window_ordered(self) -> MigrationParams:
        if self.procedural_wait_months_max < self.procedural_wait_months_min:
            raise ValueError(
                "procedural_wait_months_max must be at least procedural_wait_months_min, but "
                f"{self.procedural_wait_months_max} < {self.procedural_wait_months_min}"
            )
        return self


class AbroadParams(_Section):
    """Life abroad: contracts, returns, deportation and death."""

    contract_months: int = param(
        24,
        unit="months",
        ge=1,
        le=120,
        source="ref:antara-2019-ntt-procedural [V]: contracts last 2 years (BP3TKI Kupang)",
        description="Length of a procedural contract.",
    )
    contract_renewal_prob: float = param(
        0.3,
        unit="probability",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Chance a procedural migrant renews the contract instead of returning.",
    )
    non_procedural_mean_months_abroad: float = param(
        60.0,
        unit="months",
        ge=1.0,
        le=600.0,
        source=(
            "assumption: 60 months, geometric return hazard ~1.7%/month; many deaths and deportees were "
            "abroad 10+ years (ref:katongntt-2023-deaths [V])"
        ),
        description="Mean stay of a non-procedural migrant (geometric return).",
    )
    death_prob_non_procedural_per_year: float = param(
        0.0025,
        unit="probability/year",
        ge=0.0,
        le=0.2,
        source=(
            "ref:jakartapost-2020-deaths, ref:katongntt-2023-deaths, ref:antara-ntt-2018-undocumented [D]: "
            "~100-130 deaths / ~50-100k irregular migrants"
        ),
        description="Yearly chance of death abroad, non-procedural route.",
    )
    death_prob_procedural_per_year: float = param(
        0.0005,
        unit="probability/year",
        ge=0.0,
        le=0.2,
        source="assumption",
        description="Yearly chance of death abroad, procedural route.",
    )
    deportation_prob_per_year: float = param(
        0.0065,
        unit="probability/year",
        ge=0.0,
        le=0.5,
        source=(
            "ref:tribun-kaltara-2024-deportations, ref:kalimantan-news-2013-deportations, "
            "ref:niaga-asia-2019-undocumented [D]: ~18% of 1,771-1,981 Nunukan deportees/yr = ~300-350 NTT "
            "deportees/yr, / ~50k irregular = 0.6-0.7%/yr (midpoint 0.65%; was 1.5%/yr, not what the"
            " sources give; deportations through other ports are not counted)"
        ),
        description="Yearly chance of deportation for a non-procedural migrant.",
    )


class OccupationParams(_Section):
    """Who migrates and at what: each migrant's occupation and sex, by route.

    A departure's occupation is drawn from its route's occupation mix (a procedural migrant takes
    the occupation of the job order the household applied for), then the migrant's sex from the
    women's share of that occupation. Wages, placement costs and the risks abroad differ by
    occupation; the risk multipliers are relative to plantation work and normalised so that each
    route's mean death and deportation rates over its occupation mix stay the calibrated ones.
    """

    procedural_domestic_share: float = param(
        0.891,
        unit="share of procedural departures",
        ge=0.0,
        le=1.0,
        source=(
            "ref:katongntt-2024-placements [V]: 1,163 of 1,305 NTT procedural placements in 2023 were in"
            " the informal sector (domestic and care work) = 0.891"
        ),
        description="Share of procedural departures in domestic and care work.",
    )
    procedural_plantation_share: float = param(
        0.03,
        unit="share of procedural departures",
        ge=0.0,
        le=1.0,
        source=(
            "assumption: the 142 formal-sector placements of 2023 (ref:katongntt-2024-placements [V]) are"
            " not split by occupation; about a quarter taken to be estate work, the rest factories and"
            " other work"
        ),
        description="Share of procedural departures in plantation work (the rest is construction/other).",
    )
    non_procedural_domestic_share: float = param(
        0.027,
        unit="share of non-procedural departures",
        ge=0.0,
        le=1.0,
        source=(
            "ref:katongntt-2023-tawau [V]: of registered Indonesian workers in the Tawau consulate area,"
            " 2.7% in domestic work (the area of NTT's traditional, mostly irregular migration to Sabah)"
        ),
        description="Share of non-procedural departures in domestic and care work.",
    )
    non_procedural_plantation_share: float = param(
        0.789,
        unit="share of non-procedural departures",
        ge=0.0,
        le=1.0,
        source=(
            "ref:katongntt-2023-tawau [V]: 78.9% on oil-palm estates, 14.3% in mills and factories (the"
            " rest, 18.4% with other work, is construction/other here)"
        ),
        description="Share of non-procedural departures in plantation work (the rest is construction/other).",
    )
    women_share_domestic: float = param(
        1.0,
        unit="share of migrants",
        ge=0.0,
        le=1.0,
        source=(
            "assumption: domestic and care placements are women's work (ref:katongntt-2024-placements [V]:"
            " 1,211 women and 1,163 informal-sector placements of 1,305); sensitivity 0.8-1"
        ),
        description="Share of women among migrants in domestic and care work.",
    )
    women_share_plantation: float = param(
        0.10,
        unit="share of migrants",
        ge=0.0,
        le=1.0,
        source=(
            "assumption, set with `women_share_other` so that the route mixes give ~0.92 women among"
            " procedural departures (ref:katongntt-2024-placements [V]: 0.93 in 2023) and ~0.17 among"
            " non-procedural ones (ref:tribun-kaltara-2024-deportations [V]: 1,670 of 1,981 deportees"
            " via Nunukan in 2023 were men, 84%)"
        ),
        description="Share of women among migrants in plantation work.",
    )
    women_share_other: float = param(
        0.35,
        unit="share of migrants",
        ge=0.0,
        le=1.0,
        source=(
            "assumption (factory work employs women, construction men), set with `women_share_plantation`;"
            " ref:katongntt-2024-placements [D]: 1,211 - 1,163 = 48 of the 142 formal placements were"
            " women (0.34) if every informal placement was a woman's"
        ),
        description="Share of women among migrants in construction/other work.",
    )
    domestic_wage_factor: float = param(
        0.9,
        unit="ratio",
        ge=0.3,
        le=2.0,
        source=(
            "assumption: domestic workers are excluded from Malaysia's minimum-wage orders"
            " (ref:malaysia-minimum-wages-orders [V]); their pay relative to the minimum wage is not in the"
            " sources (sensitivity 0.6-1.2)"
        ),
        description=(
            "Wage of domestic and care work relative to the destination minimum wage (before the"
            " route and destination factors)."
        ),
    )
    other_wage_factor: float = param(
        1.1,
        unit="ratio",
        ge=0.3,
        le=3.0,
        source=(
            "assumption: construction and factory work pays at or a little above the minimum wage"
            " (plantation work is paid the minimum wage: ref:malaysia-minimum-wages-orders [V]);"
            " sensitivity 0.9-1.5"
        ),
        description=(
            "Wage of construction/other work relative to the destination minimum wage (plantation work"
            " earns the minimum wage, factor 1)."
        ),
    )
    procedural_cost_factor_domestic: float = param(
        1.0,
        unit="ratio",
        ge=0.0,
        le=3.0,
        source="assumption: no source on placement costs by occupation (sensitivity 0.5-2)",
        description="Placement cost of a domestic/care job order relative to `procedural_cost_idr`.",
    )
    procedural_cost_factor_plantation: float = param(
        1.0,
        unit="ratio",
        ge=0.0,
        le=3.0,
        source="assumption: no source on placement costs by occupation (sensitivity 0.5-2)",
        description="Placement cost of a plantation job order relative to `procedural_cost_idr`.",
    )
    procedural_cost_factor_other: float = param(
        1.0,
        unit="ratio",
        ge=0.0,
        le=3.0,
        source="assumption: no source on placement costs by occupation (sensitivity 0.5-2)",
        description="Placement cost of a construction/other job order relative to `procedural_cost_idr`.",
    )
    death_multiplier_domestic: float = param(
        1.0,
        unit="multiplier (plantation = 1)",
        ge=0.0,
        le=5.0,
        source=(
            "assumption: no source on deaths by occupation (sensitivity 0.5-2); the causes given are illness,"
            " work accidents, murder and suicide (ref:kompas-2021-malaka-deaths [V])"
        ),
        description="Death risk abroad in domestic/care work relative to plantation work (same route).",
    )
    death_multiplier_other: float = param(
        1.5,
        unit="multiplier (plantation = 1)",
        ge=0.0,
        le=5.0,
        source=(
            "assumption: construction has more fatal work accidents (work accidents are among the causes"
            " given, ref:kompas-2021-malaka-deaths [V]); sensitivity 1-3"
        ),
        description="Death risk abroad in construction/other work relative to plantation work (same route).",
    )
    deportation_multiplier_domestic: float = param(
        0.5,
        unit="multiplier (plantation = 1)",
        ge=0.0,
        le=5.0,
        source=(
            "assumption: live-in domestic workers are less exposed to immigration raids (sensitivity 0.25-1);"
            " deportees are 84% men (ref:tribun-kaltara-2024-deportations [V])"
        ),
        description="Deportation risk of domestic/care workers relative to plantation workers.",
    )
    deportation_multiplier_other: float = param(
        1.0,
        unit="multiplier (plantation = 1)",
        ge=0.0,
        le=5.0,
        source="assumption: no source (sensitivity 0.5-2)",
        description="Deportation risk of construction/other workers relative to plantation workers.",
    )

    @model_validator(mode="after")
    def _mixes_are_shares(self) -> OccupationParams:
        for route in ("procedural", "non_procedural"):
            domestic = getattr(self, f"{route}_domestic_share")
            plantation = getattr(self, f"{route}_plantation_share")
            if domestic + plantation > 1.0 + 1e-9:
                raise ValueError(
                    f"{route}_domestic_share + {route}_plantation_share must be at most 1 (the rest is"
                    f" construction/other), but {domestic} + {plantation} = {domestic + plantation:.6g}"
                )
        return self


class BusinessParams(_Section):
    """Household enterprises."""

    initial_business_share: float = param(
        0.10,
        unit="share of households",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Share of households running a small business at the start.",
    )
    initial_capital_idr: float = param(
        3_000_000.0,
        unit="IDR",
        ge=0.0,
        source="assumption",
        description="Mean starting capital of an existing business (uniform, 0.5 to 1.5 times the mean).",
    )
    min_capital_idr: float = param(
        1_000_000.0,
        unit="IDR",
        ge=0.0,
        source="assumption",
        description="Capital at which a household's business counts as active.",
    )
    return_per_month: float = param(
        0.02,
        unit="share of capital/month",
        ge=0.0,
        le=0.5,
        source="assumption: 2% mean monthly return",
        description="Mean monthly revenue (sales) of a business relative to its capital.",
    )
    running_cost_share: float = param(
        0.5,
        unit="share of revenue",
        ge=0.0,
        le=0.95,
        source=(
            "assumption: no source on the costs of NTT household enterprises; half of revenue spent on"
            " inputs, transport and hired help (sensitivity range 0.3-0.8)"
        ),
        description=(
            "Running costs of a household business as a share of its revenue (`return_per_month` of"
            " capital); the household's business income is the profit, revenue less these costs."
        ),
    )
    return_sd: float = param(
        0.01,
        unit="share of capital/month",
        ge=0.0,
        le=0.5,
        source="assumption",
        description="Month-to-month spread of the business return.",
    )
    depreciation_per_month: float = param(
        0.005,
        unit="share of capital/month",
        ge=0.0,
        le=0.5,
        source="assumption",
        description="Monthly wear of business capital.",
    )
    failure_prob_per_year: float = param(
        0.20,
        unit="probability/year",
        ge=0.0,
        le=1.0,
        source="assumption: 20%/yr without mentoring",
        description="Yearly chance an unmentored business fails and its capital is lost.",
    )
    capital_per_job_idr: float = param(
        20_000_000.0,
        unit="IDR/job",
        ge=1.0,
        source="assumption",
        description="Capital that creates one local job beyond the owner's own.",
    )
    market_capacity_share: float = param(
        0.2,
        unit="businesses per household",
        ge=0.01,
        le=2.0,
        source=(
            "assumption: no source on how many household enterprises an NTT village's market supports;"
            " 0.2 is twice the starting share of households with a business (sensitivity range 0.1-1;"
            " ref:antara-ntt-2017-desmigratif [V] and the evaluations name weak marketing as a limit)"
        ),
        description=(
            "Businesses per household the village market supports at the village's starting real"
            " consumption; the capacity grows and shrinks with the village's real consumption."
        ),
    )
    crowding_elasticity: float = param(
        0.5,
        unit="elasticity",
        ge=0.0,
        le=2.0,
        source=(
            "assumption: 0 means no demand limit, 1 a fixed village market in which more businesses"
            " only share the same sales; 0.5 between the two (range 0-1)"
        ),
        description=(
            "How strongly businesses beyond the market's capacity lower each other's returns: the"
            " return multiplier is min(1, capacity / businesses) ** elasticity."
        ),
    )


class CooperativeParams(_Section):
    """Village savings-and-loan cooperative (koperasi / Kopdit)."""

    initial_members: int = param(
        40,
        unit="households",
        ge=1,
        le=100_000,
        source=(
            "assumption: 40 members (~13% of the village), from group sizes of 10-20 "
            "(ref:sumbawabaratpost-2019-grant [V])"
        ),
        description="Members when the cooperative is founded.",
    )
    monthly_deposit_share: float = param(
        0.03,
        unit="share of local income",
        ge=0.0,
        le=0.5,
        source="assumption (simpanan wajib, compulsory monthly savings)",
        description="Share of local income members deposit each month, on top of remittance savings.",
    )
    savings_rate_per_month: float = param(
        0.01,
        unit="share/month",
        ge=0.0,
        le=0.1,
        source="ref:peluangnews-2026-pintu-air [V]: Kopdit Pintu Air regular savings ~12%/yr (before 2026)",
        description="Interest paid on members' deposits.",
    )
    withdrawal_share_per_month: float = param(
        0.03,
        unit="share of deposits/month",
        ge=0.0,
        le=1.0,
        source=(
            "assumption, keeps deposits per member near NTT credit-union levels"
            " (ref:ekora-2026-pintu-air [V]: Kopdit Pintu Air Rp 2.58 tn / 483,321 members = Rp 5.3 m)"
        ),
        description="Share of their deposits members withdraw each month for spending (as cash allows).",
    )
    loan_rate_per_month: float = param(
        0.0369,
        unit="share of outstanding principal/month",
        ge=0.0,
        le=0.2,
        source=(
            "ref:peluangnews-2026-pintu-air [D]: Kopdit Pintu Air charged 2%/month *flat* (on the"
            " original principal) before 2026, i.e. 0.24 x principal over a 12-month loan; on the"
            " declining balance with equal instalments the same interest is 0.24 / 6.5 = 3.69%/month"
            " (was 0.02 on the declining balance: half what the source gives; 2% on the declining"
            " balance applies only from January 2026)"
        ),
        description=(
            "Interest on the outstanding loan balance (declining balance), paid monthly by the borrower"
            " out of the month's budget and received by the cooperative."
        ),
    )
    loan_term_months: int = param(
        12,
        unit="months",
        ge=1,
        le=120,
        source="assumption",
        description="Repayment period of a loan.",
    )
    max_loan_to_savings: float = param(
        3.0,
        unit="ratio",
        ge=0.0,
        le=20.0,
        source=(
            "assumption: 3x member savings; the CoMSES microfinance model uses 10x "
            "(ref:comses-microfinance-abm [V])"
        ),
        description="Largest loan as a multiple of the member's deposits.",
    )
    loan_demand_prob: float = param(
        0.05,
        unit="probability/month",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Monthly chance a member without a loan asks for a productive loan.",
    )
    default_prob_per_year: float = param(
        0.05,
        unit="probability/year",
        ge=0.0,
        le=1.0,
        source="assumption: 5%/yr",
        description="Yearly chance a borrower defaults on the rest of a loan.",
    )
    inactivity_prob_per_year: float = param(
        0.04,
        unit="probability/year",
        ge=0.0,
        le=1.0,
        source="ref:ntt-cooperatives-2018-2020 [D]: NTT inactive share 8.5-12% (2018-20)",
        description="Yearly chance an active cooperative becomes inactive.",
    )
    surplus_reserve_share: float = param(
        0.25,
        unit="share of the year's surplus",
        ge=0.0,
        le=1.0,
        source=(
            "ref:uu-25-1992 art. 45: the surplus (SHU) is shared among members after reserves;"
            " the reserve share is an assumption (set by each cooperative's statutes)"
        ),
        description=(
            "Share of a cooperative's positive yearly surplus (loan interest received less deposit"
            " interest credited and loans written off) kept as reserves; the rest is paid to members"
            " in proportion to their deposits."
        ),
    )
    surplus_month: int = param(
        3,
        unit="calendar month",
        ge=1,
        le=12,
        source="assumption: after the annual members' meeting (RAT) that closes the book year",
        description="Calendar month in which the yearly surplus (SHU) is shared and the book year closes.",
    )
    marketing_uplift: float = param(
        0.2,
        unit="share of business income",
        ge=0.0,
        le=2.0,
        source="assumption (joint marketing of members' products)",
        description="Extra business income members earn through cooperative marketing.",
    )
    productive_share_boost: float = param(
        0.03,
        unit="share of remittances",
        ge=0.0,
        le=0.5,
        source=(
            "assumption (savings discipline; ref:suryadi-2018-cooperatives links cooperatives and migration)"
        ),
        description="Remittance share members move from consumption to productive investment.",
    )


class SchoolingParams(_Section):
    """Children's schooling (for the community-parenting pillar)."""

    max_children: int = param(
        6,
        unit="children",
        ge=0,
        le=12,
        source="assumption",
        description="Most children counted per household (children = size - 2, capped).",
    )
    attendance_prob: float = param(
        0.90,
        unit="probability",
        ge=0.0,
        le=1.0,
        source="assumption (NTT school participation)",
        description="Chance a child attends school in a school year.",
    )
    left_behind_penalty: float = param(
        0.05,
        unit="probability",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Lower attendance chance for children of households with a member abroad.",
    )
    school_year_start_month: int = param(
        7,
        unit="calendar month",
        ge=1,
        le=12,
        source="assumption: the Indonesian school year starts in July (general knowledge)",
        description="Calendar month in which enrolment is decided each year.",
    )


class StayParams(_Section):
    """Stays abroad, savings abroad, returns and the reintegration of returnees."""

    settled_share: float = param(
        0.2,
        unit="share of departures",
        ge=0.0,
        le=0.6,
        source=(
            "assumption: about a fifth of departures settle abroad for long; many NTT migrants who died or"
            " were deported had been abroad 10+ years, some since 1998 (ref:katongntt-2023-deaths [V]); the"
            " corridor records far fewer returns than entries (no citable count)"
        ),
        description=(
            "Chance that a departing migrant (either route) is a long, settled stayer; the others stay"
            " for a contract (procedural) or a temporary stay (non-procedural)."
        ),
    )
    settled_return_factor: float = param(
        0.2,
        unit="multiplier",
        ge=0.0,
        le=1.0,
        source="assumption: settled migrants return rarely (0 = never, 1 = like the others)",
        description=(
            "Multiplies a settled migrant's monthly return hazard and, for procedural contracts, the"
            " chance of not renewing at the contract's end."
        ),
    )
    settled_decay_per_year: float = param(
        0.05,
        unit="share/year abroad",
        ge=0.0,
        le=0.3,
        source=(
            "ref:dustmann-mestres-2010 [V]: temporary migrants remit more, and changes in return plans go"
            " with large changes in remittances; ref:worldbank-blog-remittance-decay [V]: decay evidence"
            " is mixed (hence the range from zero)"
        ),
        description=(
            "Yearly decline of the remitted share of a settled migrant (other migrants use"
            " `remittance.decay_per_year`)."
        ),
    )
    living_cost_share: float = param(
        0.5,
        unit="share of wage",
        ge=0.0,
        le=1.0,
        source="assumption: food, lodging and transport abroad take about half of the wage",
        description=(
            "Share of the wage (after broker deductions) spent on living costs abroad; what is neither"
            " spent nor remitted is saved abroad and carried home on return."
        ),
    )
    unplanned_savings_loss_share: float = param(
        0.8,
        unit="share of savings abroad",
        ge=0.0,
        le=1.0,
        source=(
            "assumption: deportees are detained and sent home without their wages and belongings"
            " (ref:tribun-kaltara-2024-deportations [V] on deportations through Nunukan); the same share"
            " is lost of what a migrant who dies abroad had saved"
        ),
        description=(
            "Share of the savings abroad lost when a migrant is deported or dies abroad (the rest"
            " reaches the household)."
        ),
    )
    returnee_business_prob: float = param(
        0.05,
        unit="probability/month",
        ge=0.0,
        le=0.5,
        source=(
            "assumption: returnees with savings and skills start businesses; the Desmigratif field"
            " experiment in Kenanga started from the premise that most spend on consumption"
            " (ref:sudaryana-kenanga [V]), so the chance is low and the range includes zero"
        ),
        description=(
            "Monthly chance that a returnee with savings brought home invests them in a household"
            " business, times min(1, savings brought / `business.min_capital_idr`)."
        ),
    )
    returnee_business_window_months: int = param(
        12,
        unit="months",
        ge=0,
        le=120,
        source="assumption: the decision is taken in the first year back",
        description="Months after the return during which a returnee may invest the savings brought home.",
    )


class SelectionParams(_Section):
    """Household characteristics that select who migrates (land, working-age adults, education)."""

    working_age_share: float = param(
        0.6,
        unit="share of members",
        ge=0.0,
        le=1.0,
        source="assumption: about 60% of NTT's people are of working age (15-64) [M]",
        description=(
            "Chance that a member beyond the first (the head, always of working age) is of working"
            " age; school-age children are at most the members who are not."
        ),
    )
    land_mean_ha: float = param(
        1.0,
        unit="ha",
        ge=0.0,
        le=10.0,
        source="assumption: about 1 ha of farm land per rural household [M] (no BPS NTT figure at hand)",
        description="Mean farm land of a household (lognormal; 0 = nobody farms land).",
    )
    land_cv: float = param(
        1.0,
        unit="coefficient of variation",
        ge=0.05,
        le=3.0,
        source="assumption: land holdings are very unequal",
        description="Spread of farm land across households (lognormal).",
    )
    head_secondary_share: float = param(
        0.3,
        unit="share of households",
        ge=0.0,
        le=1.0,
        source="assumption: about 3 in 10 rural household heads completed junior secondary school [M]",
        description="Share of households whose head has at least junior secondary education.",
    )
    land_income_elasticity: float = param(
        0.3,
        unit="elasticity",
        ge=0.0,
        le=1.0,
        source="assumption: farm income grows less than in proportion to land (0 = land does not matter)",
        description=(
            "Local income per capita is multiplied by (land / mean land) ** elasticity before the"
            " poverty-share calibration."
        ),
    )
    labour_weight: float = param(
        0.15,
        unit="weight",
        ge=0.0,
        le=1.0,
        source=(
            "assumption: households with spare working-age members send migrants (NELM household"
            " diversification, ref:stark-taylor-1991 [V])"
        ),
        description=(
            "Weight in the intention index of spare labour: (working-age adults at home - 1) / 3,"
            " capped at 1, less its value for three adults at home."
        ),
    )
    land_weight: float = param(
        0.15,
        unit="weight",
        ge=0.0,
        le=1.0,
        source=(
            "assumption: land ties households to farming and lowers migration; strong selection of"
            " migrants in rural ABMs (ref:entwisle-2016 [V])"
        ),
        description=(
            "Weight in the intention index against migrating of land: land / (land + mean land),"
            " less its value at mean land (0.5)."
        ),
    )
    education_weight: float = param(
        0.0,
        unit="weight",
        ge=-0.5,
        le=0.5,
        source="assumption: the direction is unclear for NTT's low-wage migration: 0, in a range about it",
        description="Weight in the intention index of a head with junior secondary education or more.",
    )
    remigration_weight: float = param(
        0.1,
        unit="weight",
        ge=0.0,
        le=1.0,
        source=(
            "assumption: returnees often leave again; ref:niaga-asia-2019-undocumented [V]: of 2,105 deported"
            " through Nunukan in 2018 only 197 returned with documents (re-migration is mostly irregular)"
        ),
        description="Weight in the intention index of having a returnee (returned or deported) at home.",
    )


class Parameters(_Section):
    """All model parameters, grouped by submodel."""

    village: VillageParams = Field(default_factory=VillageParams)
    income: IncomeParams = Field(default_factory=IncomeParams)
    remittance: RemittanceParams = Field(default_factory=RemittanceParams)
    budget: BudgetParams = Field(default_factory=BudgetParams)
    migration: MigrationParams = Field(default_factory=MigrationParams)
    abroad: AbroadParams = Field(default_factory=AbroadParams)
    occupation: OccupationParams = Field(default_factory=OccupationParams)
    business: BusinessParams = Field(default_factory=BusinessParams)
    cooperative: CooperativeParams = Field(default_factory=CooperativeParams)
    schooling: SchoolingParams = Field(default_factory=SchoolingParams)
    stays: StayParams = Field(default_factory=StayParams)
    selection: SelectionParams = Field(default_factory=SelectionParams)


def monthly_probability(per_year: float) -> float:
    """Convert a yearly probability into the monthly one with the same yearly total.

    Args:
        per_year: Probability of the event within one year, in [0, 1].

    Returns:
        ``1 - (1 - per_year) ** (1 / 12)``.
    """
    return 1.0 - (1.0 - per_year) ** (1.0 / 12.0)


@dataclass(frozen=True)
class MonthlyRates:
    """The parameters' yearly probabilities as monthly ones (:func:`monthly_probability`).

    Built once when a run is built (:meth:`of`); the phases read these, never the yearly values.
    """

    #: Death abroad of a non-procedural migrant.
    death_non_procedural: float
    #: Death abroad of a procedural migrant.
    death_procedural: float
    #: Deportation of a non-procedural migrant.
    deportation: float
    #: Failure of a household business (without the programme's mentoring).
    business_failure: float
    #: Default on a cooperative loan.
    coop_default: float
    #: A cooperative becoming inactive.
    coop_inactivity: float

    @classmethod
    def of(cls, params: Parameters) -> MonthlyRates:
        """The monthly rates of a parameter set."""
        ab, cp = params.abroad, params.cooperative
        return cls(
            death_non_procedural=monthly_probability(ab.death_prob_non_procedural_per_year),
            death_procedural=monthly_probability(ab.death_prob_procedural_per_year),
            deportation=monthly_probability(ab.deportation_prob_per_year),
            business_failure=monthly_probability(params.business.failure_prob_per_year),
            coop_default=monthly_probability(cp.default_prob_per_year),
            coop_inactivity=monthly_probability(cp.inactivity_prob_per_year),
        )
