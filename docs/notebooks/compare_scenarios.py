# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Comparing scenarios
#
# This notebook compares the baseline (no programme) with the information centre alone and with
# the full programme, on **common random numbers**: replication *i* of every scenario runs on the
# same seed, so the paired differences are free of the chance events the runs share. It runs on a
# reduced world (four villages of 150 households, 2017–2020) so that it finishes in seconds; the
# same calls on the shipped scenarios as they are give the default world (20 villages, 2017–2026).
# The command-line equivalent is `desmig-sim compare baseline information_centre full_program`.
#
# These figures come from a model with hand-set behavioural constants, not yet fitted to data:
# read them as what the mechanisms imply, not as estimates.

# %%
import matplotlib.pyplot as plt
import pandas as pd

import desmig_sim
from desmig_sim.config.outcomes import CATALOGUE, POOLED
from desmig_sim.config.scenario import scenario_from_dict

VILLAGES = ["Buraen", "Bokong", "Mawar", "Letekonda"]
HOUSEHOLDS = 150
MONTHS = 48  # 2017-01 to 2020-12
REPLICATIONS = 6


def reduced(name: str) -> desmig_sim.Scenario:
    """A shipped scenario on a smaller world (same mechanisms, components and events)."""
    data = desmig_sim.load_scenario(name).to_dict()
    data["world"]["villages"] = VILLAGES
    data["parameters"]["village"]["households_per_village"] = HOUSEHOLDS
    data["run"]["months"] = MONTHS
    return scenario_from_dict(data, f"<reduced {name}>")


pd.set_option("display.float_format", "{:,.4g}".format)
scenarios = [reduced(name) for name in ("baseline", "information_centre", "full_program")]
[s.name for s in scenarios]

# %% [markdown]
# ## Run the comparison
#
# `compare` runs every scenario on the same replication seeds (spawned from one root seed) and
# computes, for every outcome column, each scenario's mean and 10–90 % band and, against the
# baseline, the paired difference with its 95 % confidence interval and the share of runs in
# which the policy does better.

# %%
comparison = desmig_sim.compare(scenarios, replications=REPLICATIONS, seed=1, horizons=["2019-12"])
comparison.seeds

# %% [markdown]
# ## The key outcomes at the end of the programme
#
# The end of the programme is the last month in which an enabled component of a policy is
# scheduled to run (here the run ends earlier, so it is the last month of the run).

# %%
KEY = ["income_per_capita_mean", "poverty_rate", "non_procedural_share_12m", "remittances_received"]
horizons = comparison.horizons
table = horizons[(horizons["horizon"] == "end_of_programme") & horizons["outcome"].isin(KEY)]
shown = ["scenario", "outcome", "mean", "p10", "p90", "diff_mean", "diff_low", "diff_high", "share_better"]
table[shown]

# %% [markdown]
# ## Over time
#
# The non-procedural share of departures over the last 12 months, mean and 10–90 % band over the
# replications, pooled over the villages.

# %%
column = "non_procedural_share_12m"
over_time = comparison.over_time
rows = over_time[over_time["outcome"] == column]
fig, ax = plt.subplots(figsize=(8, 3.5))
for name, group in rows.groupby("scenario", sort=False):
    dates = pd.to_datetime(group["date"])
    (line,) = ax.plot(dates, group["mean"], label=name)
    ax.fill_between(dates, group["p10"], group["p90"], color=line.get_color(), alpha=0.2, linewidth=0)
ax.set_title(CATALOGUE[column].label)
ax.set_ylabel(CATALOGUE[column].unit)
ax.legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# ## One run, one village
#
# Every run's table has one row per month and village, plus pooled rows (`village == "ALL"`).

# %%
result = desmig_sim.run(scenarios[2], seed=comparison.seeds[0])
last = result.timeseries[result.timeseries["month"] == MONTHS]
last[last["village"] != POOLED][["village", *KEY]].round(3)

# %% [markdown]
# ## How many replications?
#
# From the spread of the paired differences in these pilot runs: the replications each policy
# needs for a 95 % interval of the non-procedural share no wider than 0.02.

# %%
comparison.replications_needed("non_procedural_share_12m", 0.02, horizon="end_of_run")
