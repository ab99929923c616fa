"""Golden results: a hash of every output column, at full precision, of a few small runs.

The golden file ``tests/data/golden.json`` pins the model's results bit for bit. A refactor must
leave it unchanged; a deliberate change of the model's behaviour regenerates it, in a commit of its
own with a line in ``CHANGELOG.md`` that says what moved and why:

    .venv/bin/python -m tests.golden          # or: make golden

Each case is a shipped scenario shrunk to three villages of 80 households and 36 months, run on two
seeds with both engines, plus the full default world for 24 months on the fast engine (where
villages are pooled the way large runs pool them). For each run the file keeps the resolved
scenario's content hash (the hash in every run's manifest) and one SHA-256 per output column.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import desmig_sim
from tests.helpers import SCENARIOS, small_scenario

GOLDEN = Path(__file__).resolve().parent / "data" / "golden.json"

#: Shipped scenarios of the golden cases: the baseline, each component alone, the full programme
#: and the border closure.
SCENARIO_NAMES = (
    "baseline",
    "information_centre",
    "productive_enterprise",
    "cooperative",
    "community_parenting",
    "full_program",
    "border_closure",
)
SEEDS = (1, 2)
ENGINES = ("vectorised", "reference")
#: Cases on the full default world (all 20 villages), fast engine only.
FULL_WORLD = ("baseline", "full_program")
FULL_WORLD_MONTHS = 24


def column_hash(column: pd.Series) -> str:
    """SHA-256 of a column's values, bit for bit: numbers by dtype and bytes, text as UTF-8 lines."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        values = np.ascontiguousarray(column.to_numpy())
        digest = hashlib.sha256(str(values.dtype).encode())
        digest.update(values.tobytes())
    else:
        digest = hashlib.sha256(b"text")
        digest.update("\n".join(map(str, column.tolist())).encode("utf-8"))
    return digest.hexdigest()


def fingerprint(result: desmig_sim.RunResult) -> dict[str, Any]:
    """The manifest's scenario hash, the table's shape and one hash per output column."""
    table = result.timeseries
    return {
        "scenario_hash": result.manifest["scenario_hash"],
        "rows": len(table),
        "columns": {name: column_hash(table[name]) for name in table.columns},
    }


def cases() -> dict[str, tuple[Any, int, str]]:
    """Every golden case by name: (scenario, seed, engine)."""
    out: dict[str, tuple[Any, int, str]] = {}
    for name in SCENARIO_NAMES:
        scenario = small_scenario(name, households=80, months=36)
        for seed in SEEDS:
            for engine in ENGINES:
                out[f"{name}/seed{seed}/{engine}"] = (scenario, seed, engine)
    for name in FULL_WORLD:
        full = desmig_sim.load_scenario(SCENARIOS / f"{name}.toml")
        data = full.to_dict()
        data["run"]["months"] = FULL_WORLD_MONTHS
        scenario = desmig_sim.config.scenario.scenario_from_dict(
            data, f"<{name}, {FULL_WORLD_MONTHS} months>"
        )
        out[f"{name}/full_world/seed1/vectorised"] = (scenario, 1, "vectorised")
    return out


def compute_all() -> dict[str, dict[str, Any]]:
    """Fingerprints of every golden case."""
    result = {}
    for case, (scenario, seed, engine) in cases().items():
        run = desmig_sim.run(scenario, seed, agents=False, keep_model=False, engine=engine)
        result[case] = fingerprint(run)
    return result


def main() -> int:
    """Regenerate the golden file (deliberately: results are meant to change)."""
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(compute_all(), indent=1, sort_keys=True) + "\n"
    tmp = GOLDEN.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(GOLDEN)
    print(f"wrote {GOLDEN} ({len(json.loads(text))} cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
