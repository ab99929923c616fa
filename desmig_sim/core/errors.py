"""Errors a user can act on: bad scenario or experiment files, and how to word them."""

from __future__ import annotations


class InputFileError(Exception):
    """A scenario or experiment file is not valid.

    The message is one short paragraph naming the file, the field path, the bad value and what is
    allowed; the command line prints it without a traceback and exits with code 2.

    Args:
        path: The file at fault.
        message: What is wrong and what is allowed.
        field: The dotted field path, if the problem is in one field.
    """

    def __init__(self, path: str, message: str, field: str | None = None) -> None:
        self.path = str(path)
        self.field = field
        self.detail = message
        where = f"{self.path}: field `{field}`: " if field else f"{self.path}: "
        super().__init__(where + message)


class ScenarioError(InputFileError):
    """A scenario file is not valid."""


class ExperimentError(InputFileError):
    """An experiment file (or the sweep folder it is resumed into) is not valid."""


class OutputFolderError(InputFileError):
    """An output folder (``--out``, ``--to``) cannot be written, or is not ours to replace."""


class SchedulerError(InputFileError):
    """A Dask scheduler address (``--scheduler``) is malformed or cannot be reached."""
