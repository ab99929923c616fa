"""Where the package and the source checkout it runs from live (one place for every path)."""

from __future__ import annotations

from pathlib import Path

#: The ``desmig_sim`` package folder.
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The folder above the package: the repository root in a source checkout (``scenarios/``,
#: ``experiments/``, ``docs/`` and ``.git`` live there).
REPO_ROOT = PACKAGE_DIR.parent
