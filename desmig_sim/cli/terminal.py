"""What every command shares on the terminal: the consoles, the progress bar, errors and exit codes.

Tables go to standard output (:data:`console`); progress bars and error messages go to standard
error (:data:`errors`), so that output piped into a file stays clean.

Both consoles print text literally (``markup=False, emoji=False``): a scenario named
``"[bold]x[/]"``, ``"a [b"`` or ``"Desa :smile:"`` prints as it is written, in tables, titles,
progress bars and messages alike. A message that styles a part of itself is built from
:class:`rich.text.Text` pieces (:func:`line`, :func:`bold`), never from markup with user text
inside (escaping markup fails on a trailing backslash).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

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


def bold(value: object) -> Text:
    """User text (a name, a path) in bold, printed as it is written (its brackets are not markup)."""
    return Text(str(value), style="bold")


def line(*parts: str | Text) -> Text:
    """One line from literal pieces and styled ones (:func:`bold`): ``line("Written to ", bold(out))``."""
    return Text.assemble(*parts)


def progress_bar() -> Progress:
    """A progress bar on standard error: description, bar, runs done of all, time taken and left."""
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
    )


def print_error(exc: Exception | str) -> int:
    """Print ``error: ...`` in red on standard error (no traceback) and return :data:`EXIT_BAD_INPUT`."""
    # The message is plain text: brackets in it (`desmig-sim[dashboard]`, `[run]`) are not markup.
    errors.print(line(Text("error:", style="red"), " ", str(exc)), highlight=False, soft_wrap=True)
    return EXIT_BAD_INPUT
