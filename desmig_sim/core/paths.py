"""Where the package, its shipped data and the source checkout it may run from live.

The shipped scenarios, experiments and the model description (``docs/odd.md``) live at the top of
the repository. A built wheel carries them as package data under ``desmig_sim/_data/`` (see
``[tool.hatch.build.targets.wheel.force-include]`` in ``pyproject.toml``); a plain checkout or an
editable install reads them where they are. :func:`data_path` is the one place that decides.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

#: The ``desmig_sim`` package folder.
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The folder above the package: the repository root in a source checkout (``scenarios/``,
#: ``experiments/``, ``docs/`` and ``.git`` live there). Outside a checkout it means nothing.
REPO_ROOT = PACKAGE_DIR.parent
#: Where a built wheel puts the shipped data inside the package.
PACKAGED_DATA = PACKAGE_DIR / "_data"


def data_path(*parts: str) -> Path:
    """A shipped file or folder: the installed package's copy first, else the source checkout's.

    Args:
        *parts: The path below the repository root, e.g. ``("scenarios",)`` or ``("docs", "odd.md")``.

    Returns:
        ``desmig_sim/_data/<parts>`` when the package carries it (an installed wheel), else
        ``<repository root>/<parts>`` (a checkout or an editable install).
    """
    packaged = PACKAGED_DATA.joinpath(*parts)
    return packaged if packaged.exists() else REPO_ROOT.joinpath(*parts)


#: The shipped scenario files (``baseline.toml``, ...), addressable by name.
SCENARIO_DIR = data_path("scenarios")
#: The shipped experiment files (``component_ablation.toml``, ...), addressable by name.
EXPERIMENT_DIR = data_path("experiments")
#: The model description (ODD+D protocol) that the dashboard's About page serves.
ODD_PATH = data_path("docs", "odd.md")


@cache
def source_checkout() -> Path | None:
    """The root of the git work tree of this project that the package runs from, if it does.

    The package runs from a checkout when the folder above it holds this project's
    ``pyproject.toml`` and a ``.git`` (a folder, or a file in a git worktree). An installed wheel
    (``site-packages``) never does, whatever the user's working directory is.
    """
    pyproject = REPO_ROOT / "pyproject.toml"
    if not (REPO_ROOT / ".git").exists() or not pyproject.is_file():
        return None
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    return REPO_ROOT if 'name = "desmig-sim"' in text else None


def shipped(folder: Path) -> list[Path]:
    """The ``*.toml`` files of a shipped folder (:data:`SCENARIO_DIR`, :data:`EXPERIMENT_DIR`), by name."""
    return sorted(folder.glob("*.toml"))
