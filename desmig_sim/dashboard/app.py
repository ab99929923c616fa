"""The workshop dashboard page, built on Mesa's SolaraViz.

Mesa's SolaraViz supplies the run controls (:func:`mesa.visualization.solara_viz.ModelController`:
reset, play/pause, step, with the model re-created from reactive model parameters on reset) and
the redraw signal (``mesa.visualization.utils.update_counter``); the page around them is ours,
because SolaraViz's own page builds its parameter controls from the model's keyword arguments,
while ours are generated from the scenario schema and validated as a whole scenario.

Every piece of state (the scenario being edited, the model, the compare results) lives in Solara
reactive variables created inside :func:`Page`, so each browser session has its own model.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any

import solara
import solara.lab
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from desmig_sim.config.components import ComponentsSettings
from desmig_sim.config.scenario import Scenario
from desmig_sim.dashboard import charts
from desmig_sim.dashboard.about import ABOUT_MARKDOWN, ODD_PATH, odd_markdown
from desmig_sim.dashboard.compare_view import CompareView
from desmig_sim.dashboard.controls import (
    COMPONENT_TITLES,
    ChangeResult,
    Control,
    changes_from,
    component_controls,
    live_scenario,
    run_months,
    try_change,
    uncertain_controls,
    value_of,
)
from desmig_sim.dashboard.presets import Preset, discover_presets
from desmig_sim.dashboard.village import LEGEND, ties_path, village_layout, village_status, village_svg
from desmig_sim.dashboard.widgets import Prose
from desmig_sim.model.desmigratif_model import DesmigratifModel

TITLE = "Desmigratif village simulator"

CSS = """
.dm-help { font-size: 12px; color: #5f6b76; line-height: 1.3; margin: 0 0 6px 0; }
.dm-control { margin-bottom: 4px; }
.dm-control .v-input__slot { margin-bottom: 0 !important; }
.dm-number { max-width: 96px; }
.dm-month { font-size: 28px; font-weight: 600; color: #1d3557; }
.dm-sub { color: #5f6b76; font-size: 14px; }
.dm-legend-dot { display: inline-block; width: 12px; height: 12px; border-radius: 6px; margin-right: 8px;
  vertical-align: middle; }
.dm-legend td { padding: 2px 8px 2px 0; font-size: 13px; }
.dm-side { width: 380px; min-width: 380px; max-width: 380px; }
.dm-changes { font-size: 13px; }
.dm-prose { font-size: 15px; line-height: 1.5; }
.dm-prose table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
.dm-prose th, .dm-prose td { border-bottom: 1px solid #e3e7eb; padding: 4px 8px; vertical-align: top; }
.dm-prose th { text-align: left; background: #f5f7f9; }
.dm-prose code { background: #f5f7f9; padding: 0 3px; border-radius: 3px; }
.dm-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px; }
.dm-compare { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 12px; }
"""


def month_text(model: DesmigratifModel) -> tuple[str, str]:
    """The month banner: ("Month 14 of 120", "February 2018"), or the start before the first step."""
    shown = datetime.strptime(model.date(), "%Y-%m").strftime("%B %Y")
    if model.month == 0:
        return f"Month 0 of {model.horizon}", f"ready to start in {shown}"
    return f"Month {model.month} of {model.horizon}", shown


def build_model(scenario: Scenario, village: str) -> tuple[DesmigratifModel, dict[str, Any]]:
    """The live model of one village and the keyword arguments that re-create it on reset."""
    params = {"scenario": live_scenario(scenario, village), "seed": scenario.run.seed, "agents": False}
    return DesmigratifModel(**params), params


@solara.component
def ControlWidget(control: Control, scenario: Scenario, on_change: Callable[[Control, Any], None]):
    """One generated control: a switch, a slider with a typed-in number, or a month slider."""
    value = value_of(scenario, control)
    with solara.Column(gap="0px", classes=["dm-control"]):
        if control.kind == "switch":
            solara.Switch(label=control.label, value=bool(value), on_value=lambda v: on_change(control, v))
        elif control.kind == "month":
            months = run_months(scenario)
            with solara.Row(style={"align-items": "center"}):
                solara.Text(control.label, style={"flex": "1"})
                solara.InputText(
                    "YYYY-MM",
                    value=str(value),
                    on_value=lambda v: on_change(control, v.strip()),
                    classes=["dm-number"],
                    continuous_update=False,
                )
            solara.SliderInt(
                "",
                value=months.index(value) if value in months else 0,
                min=0,
                max=len(months) - 1,
                on_value=lambda i: on_change(control, months[i]),
            )
        else:
            with solara.Row(style={"align-items": "center"}):
                solara.Text(control.label, style={"flex": "1"})
                typed = solara.InputInt if control.integer else solara.InputFloat
                typed(
                    "value",
                    value=value,
                    on_value=lambda v: on_change(control, v),
                    classes=["dm-number"],
                    dense=True,
                )
            slider = solara.SliderInt if control.integer else solara.SliderFloat
            slider(
                "",
                value=min(max(value, control.minimum), control.maximum),
                min=control.minimum,
                max=control.maximum,
                step=control.step,
                on_value=lambda v: on_change(control, v),
            )
        default = "on" if control.default is True else "off" if control.default is False else control.default
        solara.Text(f"{control.help} (Default: {default}.)", classes=["dm-help"])


@solara.component
def MonthBanner(model: DesmigratifModel, village: str, scenario: Scenario, tick: int):
    """The month and date of the live model (``tick`` changes at every step: redraw)."""
    month, date = month_text(model)
    with solara.Row(style={"align-items": "baseline", "gap": "16px", "flex-wrap": "wrap"}):
        solara.Text(f"{month} · {date}", classes=["dm-month"])
        solara.Text(
            f"Village {village}, {scenario.name}. The live view simulates this village alone"
            f" ({model.households.count} households).",
            classes=["dm-sub"],
        )


@solara.component
def VillageView(model: DesmigratifModel, village: str, tick: int):
    """The households of the village as a network, coloured by status, with a legend (redrawn per tick)."""
    positions = solara.use_memo(lambda: village_layout(model), [model])
    ties = solara.use_memo(lambda: ties_path(model, positions), [model])
    status = village_status(model)
    counts = status.counts()
    with solara.Card(f"Village view: {village}", style={"height": "100%"}):
        solara.HTML(
            tag="div", unsafe_innerHTML=village_svg(status, positions, ties), style={"max-width": "560px"}
        )
        rows = "".join(
            f'<tr><td><span class="dm-legend-dot" style="background:{colour}"></span>{label}</td>'
            f'<td style="text-align:right"><b>{counts[s]}</b></td></tr>'
            for s, (label, colour) in LEGEND.items()
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'<table class="dm-legend">{rows}</table>',
            classes=["dm-legend-box"],
        )
        solara.Text(
            "Each dot is a household, each line a tie between two households. A dot shows the first"
            " status in the list that applies; the numbers count every household with that status.",
            classes=["dm-help"],
        )


@solara.component
def LiveCharts(model: DesmigratifModel, tick: int):
    """The live charts of the village (redrawn at every tick)."""
    with solara.Card("Live charts", style={"height": "100%"}):
        if model.month == 0:
            solara.Info("Press ▶ (play) or Step: the charts fill in month by month.", dense=True)
        svgs = "".join(f"<div>{svg}</div>" for svg in charts.live_charts(model))
        solara.HTML(tag="div", unsafe_innerHTML=svgs, classes=["dm-charts"])


@solara.component
def AboutView():
    """What the model does each month, in plain words, and the full description (docs/odd.md)."""
    show = solara.use_reactive(False)
    with solara.Card():
        Prose(ABOUT_MARKDOWN)
        text = odd_markdown()
        if text is None:
            solara.Text(f"The model description is in {ODD_PATH} of the source checkout.")
            return
        solara.Button(
            "Hide docs/odd.md" if show.value else "Read docs/odd.md (the full model description)",
            on_click=lambda: show.set(not show.value),
            color="primary",
            outlined=True,
        )
    if show.value:
        with solara.Card("docs/odd.md"):
            Prose(text)


@solara.component
def ProgrammeControls(scenario: Scenario, on_change: Callable[[Control, Any], None]):
    """The generated controls: one card per component, then the uncertain parameters."""
    for key in ComponentsSettings.model_fields:
        running = "on" if getattr(scenario.components, key).enabled else "off"
        with solara.Details(f"{COMPONENT_TITLES[key]} ({running})", expand=False):
            for control in component_controls(key):
                ControlWidget(control, scenario, on_change)
    with solara.Details("Uncertain assumptions", expand=False):
        for control in uncertain_controls():
            ControlWidget(control, scenario, on_change)


@solara.component
def Page():
    """The dashboard page: one model per browser session."""
    presets: list[Preset] = solara.use_memo(discover_presets, [])
    valid = [p for p in presets if p.scenario is not None]
    first = next((p for p in valid if p.path.stem == "full_program"), valid[0])
    preset = solara.use_reactive(first.label)
    original = solara.use_reactive(first.scenario)
    scenario = solara.use_reactive(first.scenario)
    village = solara.use_reactive(first.scenario.world.village_names()[0])
    initial = solara.use_memo(lambda: build_model(first.scenario, village.value), [])
    model = solara.use_reactive(initial[0])
    model_params = solara.use_reactive(initial[1])
    message = solara.use_reactive(None)
    speed = solara.use_reactive(12)
    play_interval = solara.use_reactive(83)
    generation = solara.use_reactive(0)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)

    def rebuild(new_scenario: Scenario, new_village: str) -> bool:
        try:
            new_model, params = build_model(new_scenario, new_village)
        except Exception as exc:  # never let a bad setting reach the server
            traceback.print_exc()
            message.set(f"That setting cannot be simulated: {exc}. The model was not changed.")
            return False
        if not model.value.running:
            generation.set(generation.value + 1)  # a fresh controller: play is possible again
        model_params.set(params)
        model.set(new_model)
        scenario.set(new_scenario)
        village.set(new_village)
        message.set(None)
        return True

    def on_control(control: Control | str, value: Any, label: str | None = None) -> None:
        result: ChangeResult = try_change(scenario.value, control, value, label)
        if result.scenario is None:
            message.set(result.message)
            return
        rebuild(result.scenario, village.value)

    def on_preset(label: str) -> None:
        chosen = next(p for p in presets if p.label == label)
        if chosen.scenario is None:
            message.set(f"This scenario file cannot be used: {chosen.error}")
            return
        names = chosen.scenario.world.village_names()
        if rebuild(chosen.scenario, village.value if village.value in names else names[0]):
            preset.set(label)
            original.set(chosen.scenario)

    def on_speed(value: int) -> None:
        speed.set(value)
        play_interval.set(int(1000 / value))  # the pause between months; drawing adds to it

    solara.Style(CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(f"{TITLE} (desmig-sim)")
    with solara.Row(style={"align-items": "flex-start", "gap": "16px", "padding": "8px"}):
        with solara.Column(classes=["dm-side"]):
            with solara.Card("Scenario"):
                solara.Select(
                    "Scenario preset",
                    value=preset.value,
                    values=[p.label for p in presets],
                    on_value=on_preset,
                )
                solara.Text(scenario.value.description.strip() or "", classes=["dm-help"])
                solara.Select(
                    "Village",
                    value=village.value,
                    values=scenario.value.world.village_names(),
                    on_value=lambda v: rebuild(scenario.value, v),
                )
                solara.InputInt(
                    "Random seed",
                    value=scenario.value.run.seed,
                    on_value=lambda v: on_control("run.seed", v, "Random seed"),
                )
                solara.Text(
                    "The same seed gives the same village and the same chance events.", classes=["dm-help"]
                )
            with solara.Card("Run"):
                ModelController(
                    model,
                    model_parameters=model_params,
                    play_interval=play_interval,
                    render_interval=render_interval,
                    use_threads=use_threads,
                ).key(f"controller-{generation.value}")
                solara.SliderInt(
                    "Speed (months a second, at most)", value=speed.value, min=1, max=15, on_value=on_speed
                )
                solara.Text(
                    "Reset goes back to month 0; ▶ plays, ❚❚ pauses; Step moves one month.",
                    classes=["dm-help"],
                )
            with solara.Card("Programme and assumptions"):
                ProgrammeControls(scenario.value, on_control)
                changes = changes_from(original.value, scenario.value)
                if changes:
                    with solara.Column(classes=["dm-changes"]):
                        solara.Text("Your changes to the preset:", style={"font-weight": "600"})
                        for control, old, new in changes:
                            group = COMPONENT_TITLES.get(control.group, "Assumption")
                            solara.Text(f"{group}: {control.label}: {old} → {new}")
        with solara.Column(style={"flex": "1", "min-width": "0"}):
            LiveView(model.value, scenario.value, village.value, message.value)


@solara.component
def LiveView(model: DesmigratifModel, scenario: Scenario, village: str, message: str | None):
    """The main column: month banner, messages and the tabs.

    This is the one component that listens to Mesa's redraw signal (``update_counter``, bumped by
    the run controls after every step), so a step costs one render pass, not one per view.
    """
    tick = update_counter.get()
    MonthBanner(model, village, scenario, tick)
    if message:
        solara.Error(message, icon=True, dense=True)
    with solara.lab.Tabs():
        with (
            solara.lab.Tab("Village and charts"),
            solara.Row(style={"flex-wrap": "wrap", "align-items": "stretch"}),
        ):
            with solara.Column(style={"flex": "1 1 360px", "max-width": "500px"}):
                VillageView(model, village, tick)
            with solara.Column(style={"flex": "2 1 540px"}):
                LiveCharts(model, tick)
        with solara.lab.Tab("Compare"):
            CompareView(scenario, village)
        with solara.lab.Tab("About the model"):
            AboutView()
