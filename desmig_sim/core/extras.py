"""Optional parts of the package and the extra that installs each (``pip install 'desmig-sim[...]'``).

The core (runs, comparisons, factorial and Latin-hypercube sweeps, reports) needs none of them; the
dashboard, the Dask executor and Sobol'/Morris designs do. A missing extra is one clear message
(exit code 2 on the command line), not an ImportError.
"""

from __future__ import annotations

from importlib.util import find_spec

from desmig_sim.core.errors import InputFileError


class MissingExtraError(InputFileError):
    """An optional dependency is not installed."""


def require(module: str, extra: str, purpose: str) -> None:
    """Fail with a message naming the extra to install when ``module`` is not importable.

    Args:
        module: The top-level module the feature imports, e.g. ``"solara"``.
        extra: The extra of ``desmig-sim`` that installs it, e.g. ``"dashboard"``.
        purpose: What needs it, e.g. ``"the workshop dashboard"``.

    Raises:
        MissingExtraError: If the module is not installed.
    """
    if find_spec(module) is None:
        raise MissingExtraError(
            f"desmig-sim[{extra}]",
            f"{purpose} needs the `{module}` package, which is not installed;"
            f" install it with: pip install 'desmig-sim[{extra}]'",
        )
