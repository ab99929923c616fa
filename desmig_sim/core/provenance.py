"""Provenance: what produced a result, written beside every run as ``manifest.json``.

The environment records the package's own version and, only when the package runs from a git
checkout of this project, that checkout's commit: never the commit of whatever repository the
user happens to run the command in. It is collected once per process (every run asks for it).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from desmig_sim.core.paths import source_checkout


def utc_now() -> str:
    """The current time, ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def git_commit(root: Path | None = None) -> str | None:
    """The commit of the package's source checkout, with ``-dirty`` when it has uncommitted changes.

    Args:
        root: A git work tree; by default the checkout the package runs from, if any.

    Returns:
        The commit, or None when the package is not running from a git checkout of this project
        (an installed wheel) or git is not available.
    """
    root = root if root is not None else source_checkout()
    if root is None:
        return None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}-dirty" if dirty else commit


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def environment() -> dict[str, Any]:
    """Versions of the package, Python and the libraries that shape the results (a fresh copy)."""
    return dict(_environment())


@cache
def _environment() -> dict[str, Any]:
    from desmig_sim.core.version import __version__

    return {
        "desmig_sim": __version__,
        "git_commit": git_commit(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": _version("numpy"),
        "scipy": _version("scipy"),
        "pandas": _version("pandas"),
        "mesa": _version("mesa"),
        "pydantic": _version("pydantic"),
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically (a temporary file renamed into place)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)
