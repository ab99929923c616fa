"""Argument types of the command line: each parses one value or refuses it with what is allowed."""

from __future__ import annotations

import argparse
import re

from desmig_sim.config.outcomes import OUTCOMES
from desmig_sim.core.calendar import YEAR_MONTH_PATTERN
from desmig_sim.core.errors import SchedulerError
from desmig_sim.core.preflight import parse_scheduler

# The choices `--help` shows, spelled here so that building the parser imports neither pydantic nor
# the model (tests/test_cli.py checks they equal config.scenario.ENGINES and experiments.executors.EXECUTORS).
#: The engines of ``--engine``.
ENGINE_CHOICES: tuple[str, ...] = ("vectorised", "reference")
#: The executors of ``--executor``.
EXECUTOR_CHOICES: tuple[str, ...] = ("serial", "process", "dask")


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def port(text: str) -> int:
    """A TCP port, 1 to 65535."""
    value = _whole_number(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not allowed: use a port from 1 to 65535")
    return value


def host(text: str) -> str:
    """An address to listen on; an empty one (which would mean every interface) is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "an empty address would listen on every network interface; allowed: 127.0.0.1 (this"
            " machine only, the default), or 0.0.0.0 to open the dashboard to the network on purpose"
        )
    return text


def positive_int(text: str) -> int:
    """A whole number, 1 or more."""
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed: use 1 or more")
    return value


#: Most replications one command may ask for (as an experiment file's ``replications``).
MAX_REPLICATIONS = 10_000
#: Most worker processes one command may start.
MAX_WORKERS = 256


def replication_count(text: str) -> int:
    """A number of replications, 1 to :data:`MAX_REPLICATIONS`."""
    value = _whole_number(text)
    if not 1 <= value <= MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(
            f"{value} is not allowed: use 1 to {MAX_REPLICATIONS:,} replications"
        )
    return value


def worker_count(text: str) -> int:
    """A number of worker processes, 1 to :data:`MAX_WORKERS`."""
    value = _whole_number(text)
    if not 1 <= value <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"{value} is not allowed: use 1 to {MAX_WORKERS} workers")
    return value


def seed(text: str) -> int:
    """A root seed, 0 to 2**63-1."""
    value = _whole_number(text)
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{value} is not allowed: use 0 to 2**63-1")
    return value


def target_width(text: str) -> tuple[str, float]:
    """``OUTCOME=WIDTH``: an outcome column and a positive interval width."""
    outcome, sep, width = text.partition("=")
    if not sep or outcome not in OUTCOMES:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not OUTCOME=WIDTH with a known outcome; allowed outcomes: {', '.join(OUTCOMES)}"
        )
    try:
        value = float(width)
    except ValueError:
        raise argparse.ArgumentTypeError(f"width {width!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"width {value:g} is not allowed: use a positive number")
    return outcome, value


def year_month(text: str) -> str:
    """A month, ``YYYY-MM``."""
    if not re.match(YEAR_MONTH_PATTERN, text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month: use YYYY-MM, e.g. 2020-08")
    return text


def scheduler(text: str) -> str:
    """A Dask scheduler address, ``tcp://HOST:PORT`` (whether it answers is checked before the sweep)."""
    try:
        parse_scheduler(text)
    except SchedulerError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} {exc.detail}") from None
    return text


def add_output_options(p: argparse.ArgumentParser) -> None:
    """``--quiet`` and ``--json`` of the commands that run simulations."""
    p.add_argument(
        "--quiet", "-q", action="store_true", help="print nothing but errors (no progress, no tables)"
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON summary on standard output (files written, key figures); nothing else",
    )
