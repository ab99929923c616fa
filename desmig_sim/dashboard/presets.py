"""Scenario presets: every file in ``scenarios/``, offered by its readable name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desmig_sim.config.scenario import SCENARIO_DIR, Scenario, load_scenario
from desmig_sim.core.errors import InputFileError


@dataclass(frozen=True)
class Preset:
    """A scenario file offered in the dashboard.

    Attributes:
        label: The readable name shown in the list (the scenario's ``name``; the file name if the
            file is not valid).
        path: The file.
        scenario: The validated scenario, or None if the file is not valid.
        error: Why the file is not valid, if it is not.
    """

    label: str
    path: Path
    scenario: Scenario | None
    error: str | None = None


def discover_presets(folder: Path = SCENARIO_DIR) -> list[Preset]:
    """Every ``*.toml`` file of ``folder``, baseline first, then by readable name.

    A file that does not validate is still listed (labelled with its file name) with its error, so
    that choosing it shows the message instead of hiding the file.
    """
    presets = []
    for path in sorted(Path(folder).glob("*.toml")):
        try:
            scenario = load_scenario(path)
        except InputFileError as exc:
            presets.append(Preset(f"{path.stem} (invalid file)", path, None, str(exc)))
            continue
        presets.append(Preset(scenario.name, path, scenario))
    labels = [p.label for p in presets]
    unique = [
        p if labels.count(p.label) == 1 else Preset(f"{p.label} ({p.path.name})", p.path, p.scenario, p.error)
        for p in presets
    ]
    return sorted(unique, key=lambda p: (p.path.stem != "baseline", p.label.lower()))
