"""Checks made before any work: can the output folder be written, is the scheduler there?

A command that would fail only when it writes its results (after minutes of simulation) or when
it starts its workers (after the sweep's store exists) is refused at once instead, with one line
naming the folder or address and what is allowed. Nothing is written by the checks (the write
probe is a temporary file, removed at once).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

from desmig_sim.core.errors import OutputFolderError, SchedulerError

#: Free space an output folder's disk must have (results of one command are a few megabytes).
MIN_FREE_BYTES = 16 * 2**20
#: The file every folder written by a desmig-sim command holds (its provenance).
MANIFEST_FILE = "manifest.json"
#: A Dask scheduler address: ``tcp://HOST:PORT`` (also ``tls://``; IPv6 hosts in brackets).
SCHEDULER_PATTERN = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):([0-9]{1,5})$")
#: Seconds to wait for a scheduler to accept a connection.
SCHEDULER_TIMEOUT = 3.0


def _nearest_existing(path: Path, name: str) -> Path:
    """``path`` or its nearest ancestor that exists; refuses a file where a folder must be made."""
    node = path
    while not node.exists():
        if node.is_symlink():
            raise OutputFolderError(name, f"cannot be created: {node} is a broken symbolic link")
        node = node.parent
    if not node.is_dir():
        raise OutputFolderError(
            name, f"cannot be created: {node} is a file; allowed: a folder path with no file in the way"
        )
    return node


def _not_replaceable(folder: Path) -> str | None:
    """Why a folder must not be replaced as a whole (None: it is empty or a command's output)."""
    if not any(folder.iterdir()):
        return None
    manifest = folder / MANIFEST_FILE
    if not manifest.is_file():
        return f"holds files desmig-sim did not write (no {MANIFEST_FILE})"
    try:
        command = json.loads(manifest.read_text(encoding="utf-8")).get("command")
    except (ValueError, AttributeError):
        return f"holds a {MANIFEST_FILE} desmig-sim did not write"
    return "holds a sweep (its runs would be lost)" if command == "sweep" else None


def _probe_writable(folder: Path, name: str) -> None:
    try:
        handle, probe = tempfile.mkstemp(prefix=".desmig-probe-", dir=folder)
    except OSError as exc:
        raise OutputFolderError(
            name, f"cannot be written ({exc.strerror or exc}); allowed: a folder you may write to"
        ) from None
    os.close(handle)
    os.unlink(probe)


def check_output_folder(out: str | Path, *, replace: bool, min_free: int = MIN_FREE_BYTES) -> Path:
    """Refuse an output folder that the command could not write, before any work.

    Args:
        out: The folder (``--out``).
        replace: The command replaces the folder as a whole (run, compare, demo, facts, export):
            an existing folder must be empty or written by desmig-sim (it holds ``manifest.json``),
            so that no file of the user's is ever deleted. Otherwise (a sweep's store folder) files
            are added to the folder.
        min_free: Bytes that must be free on the folder's disk.

    Returns:
        The folder as an absolute path.

    Raises:
        OutputFolderError: A file is in the way, the folder cannot be created or written, it holds
            files desmig-sim did not write (``replace``), or its disk is (nearly) full.
    """
    name = str(out)
    try:
        folder = Path(os.path.abspath(out))
        if folder.exists() and not folder.is_dir():
            raise OutputFolderError(
                name, "is a file, not a folder; allowed: a new folder, or one a desmig-sim command wrote"
            )
        if replace and folder.parent == folder:
            raise OutputFolderError(name, "is the root folder; allowed: a folder below it")
        reason = _not_replaceable(folder) if replace and folder.is_dir() else None
        if reason:
            raise OutputFolderError(
                name,
                f"{reason} and would be replaced; allowed: a new or empty folder, or one a desmig-sim"
                " run, compare, demo, facts or export wrote",
            )
        # A replaced folder is staged next to it; a store folder is written inside.
        anchor = _nearest_existing(folder.parent if replace else folder, name)
        _probe_writable(anchor, name)
        free = shutil.disk_usage(anchor).free
    except OSError as exc:  # a loop of symbolic links, a name too long, ...
        raise OutputFolderError(name, f"cannot be used ({exc.strerror or exc})") from None
    if free < min_free:
        raise OutputFolderError(
            name,
            f"is on a disk with {free / 2**20:.1f} MB free; allowed: a folder on a disk with at least"
            f" {min_free / 2**20:.0f} MB free",
        )
    return folder


def parse_scheduler(address: str) -> tuple[str, int]:
    """Host and port of a Dask scheduler address ``tcp://HOST:PORT``.

    Raises:
        SchedulerError: If the address is not of that form or the port is not 1 to 65535.
    """
    match = SCHEDULER_PATTERN.match(address)
    port = int(match.group(3)) if match else 0
    if not match or not 1 <= port <= 65535:
        raise SchedulerError(
            address,
            "is not a scheduler address; allowed: tcp://HOST:PORT (or tls://), port 1 to 65535,"
            " e.g. tcp://10.0.0.5:8786",
            field="--scheduler",
        )
    return match.group(2).strip("[]"), port


def check_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT) -> None:
    """Refuse a scheduler address that is malformed or does not accept a connection within ``timeout``.

    Raises:
        SchedulerError: Naming the address and the reason.
    """
    host, port = parse_scheduler(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise SchedulerError(
            address,
            f"cannot be reached ({reason} within {timeout:g} s); allowed: the address of a running"
            " Dask scheduler, e.g. tcp://HOST:8786",
            field="--scheduler",
        ) from None
