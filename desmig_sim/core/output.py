"""Writing results: tables and manifests, all-or-nothing.

Files are first written into a hidden sibling folder and moved into place only when every file is
complete, so an interrupted or failed command never leaves half-written results behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from desmig_sim.core.provenance import write_json


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def staged_directory(out: Path) -> Iterator[Path]:
    """A staging folder whose files move into ``out`` only if the block completes.

    Yields:
        The staging folder to write into.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    out.mkdir(parents=True, exist_ok=True)
    for item in sorted(stage.iterdir()):
        os.replace(item, out / item.name)
    stage.rmdir()


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
