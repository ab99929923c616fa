"""The dashboard's compare view: the programme against no programme on the same seeds.

The computation is :mod:`desmig_sim.dashboard.compare`; this module is its user interface: the
settings, the background task with its progress bar, the charts, the table of paired
differences and the downloads.
"""

from __future__ import annotations

import solara
import solara.lab

from desmig_sim.config.outcomes import CATALOGUE, KEY_OUTCOMES
from desmig_sim.config.scenario import Scenario
from desmig_sim.dashboard import charts, compare
from desmig_sim.dashboard.widgets import Prose
from desmig_sim.experiments.comparison import Comparison
from desmig_sim.reporting.tables import format_number


@solara.component
def CompareView(scenario: Scenario, village: str):
    """Baseline against the policy over several seeds, in the background, with downloads."""
    replications = solara.use_reactive(10)
    months = solara.use_reactive(min(scenario.run.months, 120))
    scope = solara.use_reactive("all")
    progress = solara.use_reactive((0, 0))
    message = solara.use_reactive(None)

    def work(policy: Scenario, runs: int) -> Comparison:
        return compare.run_comparison(policy, runs, progress=lambda done, total: progress.set((done, total)))

    task = solara.lab.use_task(work, dependencies=None, raise_error=False)

    def start():
        try:
            policy = compare.comparison_scenario(
                scenario, months=int(months.value), village=None if scope.value == "all" else village
            )
        except Exception as exc:  # a refused setting must never reach the server
            message.set(str(exc))
            return
        if not policy.enabled_components():
            message.set("No programme component is switched on: switch one on in the left panel first.")
            return
        message.set(None)
        progress.set((0, 2 * int(replications.value)))
        task(policy, int(replications.value))

    with solara.Card("Compare: the programme against no programme"):
        Prose(
            "Runs the scenario as set on the left **with** the programme and **without** it (every"
            " component off, everything else the same), on the same seeds: each pair of runs shares"
            " its chance events (common random numbers), so the paired difference shows the"
            " programme's effect. Runs take about a second each for all villages."
        )
        with solara.Row(style={"flex-wrap": "wrap", "gap": "24px"}):
            with solara.Column(style={"min-width": "220px"}):
                solara.SliderInt("Runs (seeds) per side", value=replications, min=2, max=30)
                solara.Text(f"{replications.value} seeds", classes=["dm-help"])
            with solara.Column(style={"min-width": "220px"}):
                solara.SliderInt("Months", value=months, min=6, max=scenario.run.months)
                solara.Text(f"{months.value} months from {scenario.run.start}", classes=["dm-help"])
            solara.Select(
                "Villages",
                value=scope,
                values=["all", "chosen village"],
                style={"min-width": "200px"},
            )
            solara.Button(
                "Run comparison", color="primary", on_click=start, disabled=task.pending, icon_name="mdi-play"
            )
        if message.value:
            solara.Warning(message.value)
        if task.pending:
            done, total = progress.value
            solara.ProgressLinear(value=100.0 * done / max(total, 1), color="primary")
            solara.Text(f"Running in the background: {done} of {total} runs done.", classes=["dm-sub"])
        if task.error:
            solara.Error(f"The comparison stopped: {task.exception}")
        result = task.value if task.finished and not task.error else None
    if result is not None:
        CompareResults(result)


@solara.component
def CompareResults(result: Comparison):
    """The comparison's charts (for a chosen outcome), table of paired differences and downloads."""
    labels = {CATALOGUE[c].label: c for c in KEY_OUTCOMES}
    chosen = solara.use_reactive(CATALOGUE["non_procedural_share_12m"].label)
    outcome = labels[chosen.value]

    def draw() -> str:
        start = compare.policy_of(result).run.start
        band = charts.band_chart(compare.bands(result, outcome), "Mean and 10-90% band over runs", start)
        difference = charts.difference_chart(
            compare.difference_over_time(result, outcome), "Paired difference with its 95% interval", start
        )
        return f"<div>{band}</div><div>{difference}</div>"

    drawn = solara.use_memo(draw, [result, outcome])
    policy = compare.policy_of(result)
    with solara.Card(f"Results: {len(result.seeds)} paired runs, {policy.run.months} months"):
        solara.Select(
            "Outcome shown in the charts", value=chosen, values=list(labels), style={"max-width": "460px"}
        )
        solara.HTML(tag="div", unsafe_innerHTML=drawn, classes=["dm-compare"])
        solara.Text(
            f"Left: {result.baseline} (grey) and {policy.name} (blue). Right: programme"
            " minus no programme, run by run on the same seeds.",
            classes=["dm-help"],
        )
        DifferenceTable(result)
        with solara.Row(style={"flex-wrap": "wrap", "gap": "12px"}):
            solara.FileDownload(
                lambda: compare.runs_csv(result), filename="compare_runs.csv", label="Download results (CSV)"
            )
            solara.FileDownload(
                lambda: compare.timeseries_csv(result),
                filename="compare_timeseries.csv",
                label="Download monthly series (CSV)",
            )
            solara.FileDownload(
                lambda: compare.manifest_json(result),
                filename="manifest.json",
                label="Download manifest (JSON)",
            )


def difference_markdown(result: Comparison) -> str:
    """Key outcomes as a Markdown table: both means, the paired difference and its 95% interval."""
    rows = []
    for _, row in compare.differences(result).iterrows():
        unit = row["unit"]
        share = row["share_policy_better"]
        name = row["outcome"] if "whole run" in row["outcome"] else f"{row['outcome']} ({row['over']})"
        rows.append(
            f"| {name} | {format_number(row['baseline_mean'], unit)}"
            f" | {format_number(row['policy_mean'], unit)} | {format_number(row['difference'], unit)}"
            f" | {format_number(row['difference_low'], unit)}"
            f" to {format_number(row['difference_high'], unit)}"
            f" | {'-' if share != share else f'{share:.0%}'} |"
        )
    return (
        "| Outcome | No programme | Programme | Difference | 95% interval | Runs where the programme"
        " does better |\n|:--|--:|--:|--:|--:|--:|\n" + "\n".join(rows)
    )


@solara.component
def DifferenceTable(result: Comparison):
    """The table of paired differences (computed once per result)."""
    Prose(solara.use_memo(lambda: difference_markdown(result), [result]))
