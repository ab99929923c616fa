"""The package's layers: every import points down (or sideways inside a layer), and no import cycles.

The layers, lowest first (CONTRIBUTING.md has the map): ``core`` → ``config`` → ``rules`` →
``model`` → ``reference`` → ``experiments`` → ``reporting`` → ``dashboard`` → ``cli``. The two
faces come last: the command line starts the dashboard's server; the dashboard never imports the
command line. The top-level package and its compatibility aliases (``desmig_sim.scenario``,
``.villages``, ``.sweeps``) are the public face: nothing inside the package may import them.

Every import counts, also those under ``if TYPE_CHECKING:`` and inside functions: a type-only
import upwards is still a tie a reader has to follow.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "desmig_sim"
LAYERS = ("core", "config", "rules", "model", "reference", "experiments", "reporting", "dashboard", "cli")
#: Top-level modules that are the public face (aliases for where scripts imported from before).
PUBLIC_FACE = {
    "desmig_sim",
    "desmig_sim.__main__",
    "desmig_sim.scenario",
    "desmig_sim.villages",
    "desmig_sim.sweeps",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """Modules of the package that ``name`` imports (a name imported from a package counts as the
    module of that name when there is one, else as the package)."""
    known = modules()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                target = f"{source}.{alias.name}"
                if target in known:
                    found.add(target)
                elif source in known:
                    found.add(source)
    found.discard(name)
    return found


def layer_of(name: str) -> str | None:
    """The layer of a module; ``None`` for the public face."""
    if name in PUBLIC_FACE:
        return None
    return name.split(".")[1]


@cache
def graph() -> dict[str, set[str]]:
    return {name: imported(name, path) for name, path in modules().items()}


def test_every_module_belongs_to_a_layer():
    strays = sorted(n for n in modules() if n not in PUBLIC_FACE and layer_of(n) not in LAYERS)
    assert not strays, f"modules outside the layers {LAYERS}: {strays}; move them into a layer folder"


@pytest.mark.parametrize("name", sorted(n for n in modules() if n not in PUBLIC_FACE))
def test_imports_point_down(name):
    here = layer_of(name)
    bad = []
    for target in sorted(graph()[name]):
        there = layer_of(target)
        if there is None:
            bad.append(f"{target} (the public face)")
        elif LAYERS.index(there) > LAYERS.index(here):
            bad.append(f"{target} (layer {there}, above {here})")
    assert not bad, f"{name} (layer {here}) imports upwards: {', '.join(bad)}"


def test_no_import_cycles():
    edges = graph()
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_check_finds_an_upward_import(tmp_path):
    """The checker itself: a rule importing the model is caught."""
    path = tmp_path / "rule.py"
    path.write_text("from desmig_sim.model.state import HouseholdArrays\n", encoding="utf-8")
    found = imported("desmig_sim.rules.rule", path)
    assert found == {"desmig_sim.model.state"}
    assert LAYERS.index(layer_of("desmig_sim.model.state")) > LAYERS.index(layer_of("desmig_sim.rules.rule"))
