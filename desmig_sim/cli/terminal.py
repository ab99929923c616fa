"""What every command shares on the terminal: the consoles, the progress bar, errors and exit codes.

Tables go to standard output (:data:`console`); progress bars and error messages go to standard
error (:data:`errors`), so that output piped into a file stays clean. Progress bars and spinners
are drawn only when standard error is a terminal (never into a pipe or a log file), and never with
``--quiet`` or ``--json`` (:func:`configure`), which also silence the tables; errors always print.

Both consoles print text literally (``markup=False, emoji=False``): a scenario named
``"[bold]x[/]"``, ``"a [b"`` or ``"Desa :smile:"`` prints as it is written, in tables, titles,
progress bars and messages alike. A message that styles a part of itself is built from
:class:`rich.text.Text` pieces (:func:`line`, :func:`bold`), never from markup with user text
inside (escaping markup fails on a trailing backslash).
"""

from __future__ import annotations

import json
import logging
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from rich.progress import Progress

#: Some runs failed (a sweep reports which).
EXIT_RUNS_FAILED = 1
#: A bad input file or argument: one clear message, nothing written.
EXIT_BAD_INPUT = 2
#: Stopped with Ctrl-C.
EXIT_INTERRUPTED = 130

# Tables stay readable when output goes to a file or CI log (rich would assume 80 columns).
console = Console(width=None if sys.stdout.isatty() else 120, markup=False, emoji=False)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 120, markup=False, emoji=False)


#: Whether progress bars and spinners may be drawn (off with ``--quiet`` and ``--json``).
_show_progress = True


def configure(*, quiet: bool = False, as_json: bool = False) -> None:
    """Set what a command prints: ``quiet`` or ``as_json`` silence tables and progress (not errors).

    The library's log messages (``logging``, logger ``desmig_sim``) of level warning and above go
    to standard error.
    """
    global _show_progress
    silent = quiet or as_json
    console.quiet = silent
    _show_progress = not silent
    logger = logging.getLogger("desmig_sim")
    if not any(isinstance(h, _StandardError) for h in logger.handlers):
        handler = _StandardError()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        logger.addHandler(handler)
    for handler in logger.handlers:
        if isinstance(handler, _StandardError):
            handler.setLevel(logging.WARNING)


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """A log handler writing to whatever ``sys.stderr`` is when a message comes (not when made)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def progress_shown() -> bool:
    """Whether progress is drawn: on a terminal, and not ``--quiet`` or ``--json``."""
    return _show_progress and errors.is_terminal


def print_json(summary: dict[str, Any]) -> None:
    """Print one machine-readable JSON object (``--json``) on standard output."""
    sys.stdout.write(json.dumps(_finite(summary), default=str, allow_nan=False) + "\n")
    sys.stdout.flush()


def files_in(folder: Path) -> list[str]:
    """The names of the files in an output folder, sorted (for a ``--json`` summary)."""
    return sorted(p.name for p in Path(folder).iterdir() if p.is_file())


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as ``null`` (JSON has neither), numpy numbers as Python's."""
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


def status(text: str | Text) -> AbstractContextManager[Any]:
    """A spinner with ``text`` on standard error while a block runs (only where progress is shown)."""
    return errors.status(text) if progress_shown() else nullcontext()


def bold(value: object) -> Text:
    """User text (a name, a path) in bold, printed as it is written (its brackets are not markup)."""
    return Text(str(value), style="bold")


def line(*parts: str | Text) -> Text:
    """One line from literal pieces and styled ones (:func:`bold`): ``line("Written to ", bold(out))``."""
    return Text.assemble(*parts)


def progress_bar() -> Progress:
    """A progress bar on standard error: description, bar, runs done of all, time taken and left.

    Disabled (draws nothing) unless :func:`progress_shown`.
    """
    from rich.progress import (  # only when there is work to show: `--help` stays fast
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=errors,
        disable=not progress_shown(),
    )


def print_error(exc: Exception | str) -> int:
    """Print ``error: ...`` in red on standard error (no traceback) and return :data:`EXIT_BAD_INPUT`."""
    # The message is plain text: brackets in it (`desmig-sim[dashboard]`, `[run]`) are not markup.
    errors.print(line(Text("error:", style="red"), " ", str(exc)), highlight=False, soft_wrap=True)
    return EXIT_BAD_INPUT
