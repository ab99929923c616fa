"""The engines' registry: which model class runs which engine, and :func:`build_model`.

The registry lives in the reference layer because it names both engines: the vectorised
:class:`~desmig_sim.model.DesmigratifModel` (layer ``model``) and the per-agent
:class:`~desmig_sim.reference.ReferenceModel` (this layer).
"""

from __future__ import annotations

from desmig_sim.config.scenario import ENGINES, Engine, Scenario, default_scenario
from desmig_sim.model.desmigratif_model import DesmigratifModel
from desmig_sim.reference.model import ReferenceModel

#: The model class of each engine.
ENGINE_MODELS: dict[Engine, type[DesmigratifModel]] = {
    "vectorised": DesmigratifModel,
    "reference": ReferenceModel,
}


def resolve_engine(scenario: Scenario | None, engine: str | None) -> Engine:
    """The engine to run: ``engine`` if given, else the scenario's ``run.engine`` (kind error otherwise)."""
    chosen = engine if engine is not None else (scenario.run.engine if scenario is not None else "vectorised")
    if chosen not in ENGINE_MODELS:
        raise ValueError(f"engine {chosen!r} is not known; allowed: {', '.join(map(repr, ENGINES))}")
    return chosen  # type: ignore[return-value]


def build_model(
    scenario: Scenario | None = None,
    *,
    seed: int | None = None,
    agents: bool = True,
    engine: Engine | None = None,
) -> DesmigratifModel:
    """The model of a scenario, built by the engine's class.

    Args:
        scenario: The scenario to run; the built-in defaults when omitted.
        seed: Root seed; the scenario's ``run.seed`` when omitted.
        agents: Whether to create the Mesa agent objects (the reference engine always has them).
        engine: ``"vectorised"`` or ``"reference"``; the scenario's ``run.engine`` when omitted.

    Returns:
        A :class:`~desmig_sim.model.DesmigratifModel` or a :class:`~desmig_sim.reference.ReferenceModel`.
    """
    scenario = scenario if scenario is not None else default_scenario()
    return ENGINE_MODELS[resolve_engine(scenario, engine)](scenario, seed=seed, agents=agents)
