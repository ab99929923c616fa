"""Writing results: tables and manifests, all-or-nothing.

Files are first written into a hidden sibling folder, which replaces the output folder only when
every file is complete, so an interrupted or failed command never leaves half-written results
behind, and a rewritten folder holds no stale file of an earlier command.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from desmig_sim.core.preflight import check_output_folder
from desmig_sim.core.provenance import write_json

logger = logging.getLogger(__name__)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def staged_directory(out: Path) -> Iterator[Path]:
    """A staging folder that replaces ``out`` as a whole only if the block completes.

    The files are written into a hidden sibling folder; at the end the old ``out`` (if any) is
    renamed aside, the staging folder renamed to ``out`` and the old one deleted, so ``out`` holds
    either the old results or the new ones, never a mix and no stale file. ``out`` is checked first
    (:func:`~desmig_sim.core.preflight.check_output_folder`): a folder holding files desmig-sim did
    not write is never replaced.

    Yields:
        The staging folder to write into.

    Raises:
        OutputFolderError: If ``out`` cannot be written or is not ours to replace.
    """
    out = check_output_folder(out, replace=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.is_dir() and not out.is_symlink():
        os.replace(out, old)
    elif out.is_symlink():
        out.unlink()
    os.replace(stage, out)
    shutil.rmtree(old, ignore_errors=True)
    logger.debug("wrote %s", out)


def write_table(frame: pd.DataFrame, folder: Path, stem: str, parquet: bool = True) -> list[Path]:
    """Write a table as CSV (and Parquet); return the paths."""
    paths = [folder / f"{stem}.csv"]
    frame.to_csv(paths[0], index=False)
    if parquet:
        paths.append(folder / f"{stem}.parquet")
        frame.to_parquet(paths[1], index=False)
    return paths


def write_manifest(folder: Path, manifest: dict, files: list[Path], final: Callable[[Path], Path]) -> Path:
    """Write ``manifest.json`` listing every output file with its SHA-256."""
    manifest = dict(manifest)
    manifest["files"] = {final(p).name: file_sha256(p) for p in files}
    path = folder / "manifest.json"
    write_json(path, manifest)
    return path
