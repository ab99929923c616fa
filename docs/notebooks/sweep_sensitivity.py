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
# # A sweep and its sensitivity analysis
#
# Two shipped experiments (`experiments/`), each reduced to a small world so that this notebook
# runs in well under a minute: a full-factorial sweep of the information centre's **levers**
# (coverage × intensity), and a Morris screening of ten behavioural **uncertainties**. The same
# calls on the experiments as shipped are what `desmig-sim sweep information_centre_sweep` and
# `desmig-sim sensitivity behaviour_morris` run. Sweeps write a resumable store in a folder; here
# a temporary one.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

import desmig_sim

work = Path(tempfile.mkdtemp(prefix="desmig-notebook-"))

# %% [markdown]
# ## A sweep of two levers
#
# `information_centre_sweep` crosses four coverages with four learning intensities (16 design
# points). Reduced: 36 months, two villages of 100 households, two replications per point. Every
# design point runs on the same replication seeds (common random numbers).

# %%
experiment = desmig_sim.load_experiment("information_centre_sweep").reduced(
    months=36, villages=2, households=100, replications=2
)
experiment.design

# %%
table = desmig_sim.sweep(experiment, work / "information_centre")
table.head()

# %% [markdown]
# The mean non-procedural share of departures (12 months, averaged over the run) at each design
# point, over the replications:

# %%
coverage = "components.information_centre.coverage"
intensity = "components.information_centre.learn_share_first_year"
share = table[table["outcome"] == "non_procedural_share_12m_mean"]
grid = share.groupby([coverage, intensity])["value"].mean().unstack(intensity)
grid.round(3)

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for level, column in grid.items():
    ax.plot(grid.index, column, marker="o", label=f"learning/yr {level}")
ax.set_xlabel("coverage (share of households reached)")
ax.set_ylabel("non-procedural share, 12 months")
ax.legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# ## Morris screening of the behavioural uncertainties
#
# `behaviour_morris` ranks ten behavioural parameters by their elementary effects (μ*: the mean
# absolute effect of moving one parameter across its range; σ: how much that effect depends on
# the others). Reduced: four trajectories (4 × 11 = 44 design points), one replication, 36
# months, two villages of 100 households: enough to show the method, too few for conclusions.

# %%
morris = desmig_sim.load_experiment("behaviour_morris").reduced(
    months=36, villages=2, households=100, replications=1, samples=4
)
indices = desmig_sim.sensitivity(morris, work / "morris")
indices.round(4)

# %%
outcome = indices["outcome"].iloc[0]
ranked = indices[indices["outcome"] == outcome].sort_values("mu_star")
fig, ax = plt.subplots(figsize=(6, 4))
ax.barh(ranked["factor"].str.rsplit(".", n=1).str[-1], ranked["mu_star"], xerr=ranked["mu_star_conf"])
ax.set_xlabel(f"μ* of {outcome}")
fig.tight_layout()

# %% [markdown]
# `sensitivity` also writes the indices as tables and a figure per outcome into the sweep folder
# (`sensitivity/`), beside the store of the runs (`store.duckdb`) and the sweep's manifest:

# %%
sorted(str(p.relative_to(work / "morris")) for p in (work / "morris").rglob("*") if p.is_file())
