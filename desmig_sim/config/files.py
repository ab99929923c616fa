"""Reading an input file (scenario or experiment TOML) so that every way it can be broken is one line.

A missing file, a symbolic-link loop, a folder where a file should be, bytes that are not UTF-8,
TOML that does not parse, and tables or arrays nested deeper than :data:`MAX_NESTING` (which
would otherwise end in a ``RecursionError`` deep in a parser or a merge) each raise the caller's
:class:`~desmig_sim.core.errors.InputFileError` subclass naming the file and what is allowed.
"""

from __future__ import annotations

import errno
import tomllib
from pathlib import Path
from typing import Any

from desmig_sim.core.errors import InputFileError

#: Deepest nesting of tables and arrays an input file may have (the scenario format needs 4).
MAX_NESTING = 16
#: Largest input file, in bytes (the shipped files are a few kilobytes).
MAX_FILE_BYTES = 1_000_000


def _nesting(data: Any) -> int:
    """How deeply tables and arrays nest in ``data`` (iteratively: no recursion limit to hit)."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        pending.extend((child, depth + 1) for child in children)
    return deepest


def read_input_file(
    path: Path, error: type[InputFileError], referrer: Path | None = None
) -> tuple[str, dict[str, Any]]:
    """The text and parsed TOML of an input file, or one clear error.

    Args:
        path: The file.
        error: The error class to raise (:class:`~desmig_sim.core.errors.ScenarioError`, ...).
        referrer: The file whose ``extends`` named ``path``, if any (the error then names it).

    Returns:
        ``(text, data)``.

    Raises:
        InputFileError: Of class ``error``, one line naming the file and what is allowed.
    """
    where = str(referrer) if referrer else str(path)
    field = "extends" if referrer else None
    try:
        raw = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else None
    except FileNotFoundError:
        raise error(
            where, f"{str(path)!r} does not exist; allowed: the path of an existing TOML file", field
        ) from None
    except IsADirectoryError:
        raise error(where, f"{str(path)!r} is a folder; allowed: a TOML file", field) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise error(
                where,
                f"{str(path)!r} is a loop of symbolic links; allowed: a link that ends in a file",
                field,
            ) from None
        raise error(str(path), f"cannot be read: {exc.strerror or exc}") from None
    if raw is None:
        raise error(str(path), f"is larger than {MAX_FILE_BYTES:,} bytes; allowed: a TOML input file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            str(path),
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start});"
            " allowed: a TOML file saved as UTF-8",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(str(path), f"is not valid TOML: {exc}") from None
    except RecursionError:
        data = None
    if data is None or _nesting(data) > MAX_NESTING:
        raise error(str(path), f"nests tables or arrays too deeply; allowed: at most {MAX_NESTING} levels")
    return text, data
