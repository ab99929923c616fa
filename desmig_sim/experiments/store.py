"""The sweep store: one DuckDB file per sweep folder, written as runs finish.

Layout of ``<out>/store.duckdb``:

- ``meta(key, value)``: the experiment hash and name, when the store was made;
- ``design(point, factor, value)``: the design table, one row per point and factor (JSON values);
- ``runs(point, replication, seed, status, seconds, finished, worker, error, traceback)``: the run
  registry, keyed by (design point, replication); ``status`` is ``ok`` or ``failed``;
- ``outcomes(point, replication, outcome, value)``: the recorded outcome values of runs that
  finished.

A run's registry row and its outcome values are written in one transaction, so a sweep killed at
any moment (even ``kill -9``) leaves only whole runs behind, and a restarted sweep skips them. A
new store is made with its tables in a temporary file renamed into place, so a sweep stopped in its
first second leaves either no store or one that a resume opens.

One process writes to a sweep folder at a time: :func:`sweep_lock` holds an exclusive lock on
``<out>/.sweep.lock`` for the whole sweep (``--restart`` included), so a second sweep into the same
folder is refused instead of discarding or interleaving the first one's runs.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from desmig_sim.core.errors import ExperimentError

try:  # POSIX; elsewhere DuckDB's own file lock is the only guard
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

STORE_FILE = "store.duckdb"
LOCK_FILE = ".sweep.lock"
TABLES = ("meta", "design", "runs", "outcomes")
OK = "ok"
FAILED = "failed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS design (point INTEGER, factor VARCHAR, value VARCHAR, PRIMARY KEY (point, factor));
CREATE TABLE IF NOT EXISTS runs (
    point INTEGER, replication INTEGER, seed UBIGINT, status VARCHAR, seconds DOUBLE,
    finished VARCHAR, worker VARCHAR, error VARCHAR, traceback VARCHAR,
    PRIMARY KEY (point, replication)
);
CREATE TABLE IF NOT EXISTS outcomes (
    point INTEGER, replication INTEGER, outcome VARCHAR, value DOUBLE,
    PRIMARY KEY (point, replication, outcome)
);
"""


@dataclass
class RunRecord:
    """What one run sends back: its key, status and outcome values (small, whatever the run length).

    Attributes:
        point: Design point.
        replication: Replication index (0-based).
        seed: The run's seed.
        status: ``ok`` or ``failed``.
        values: Outcome values by outcome name (empty if the run failed).
        seconds: Wall time of the run.
        finished: When it finished (ISO 8601, UTC).
        worker: Host and process that ran it.
        error: The exception, one line (failed runs).
        traceback: The full traceback (failed runs).
    """

    point: int
    replication: int
    seed: int
    status: str
    values: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    finished: str = ""
    worker: str = ""
    error: str | None = None
    traceback: str | None = None


class SweepStore:
    """The DuckDB store of one sweep folder (single writer: the process that runs the sweep).

    Args:
        folder: The sweep folder.
        read_only: Open for reading only (export, analysis).
    """

    def __init__(self, folder: str | Path, read_only: bool = False) -> None:
        self.folder = Path(folder)
        self.path = self.folder / STORE_FILE
        if read_only and not self.path.is_file():
            raise ExperimentError(
                str(self.folder),
                f"holds no sweep ({STORE_FILE} is missing); allowed: a folder made by `sweep`",
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        if not read_only and not self.path.exists():
            self._create()
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            raise ExperimentError(
                str(self.path), f"cannot be opened ({exc}); is another sweep writing to this folder?"
            ) from None
        if not read_only:
            self.con.execute(_SCHEMA)  # a store made before stores were created whole may lack tables
        found = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN (?, ?, ?, ?)", list(TABLES)
        ).fetchone()
        #: Whether the store has its tables (a store interrupted while it was made by an older
        #: version has none; a resume adds them).
        self.complete = bool(found and found[0] == len(TABLES))

    def _create(self) -> None:
        """Make the store file with its tables in a temporary sibling, then rename it into place."""
        partial = self.folder / f".{STORE_FILE}.new-{os.getpid()}"
        try:
            con = duckdb.connect(str(partial))
            try:
                con.execute(_SCHEMA)
            finally:
                con.close()
            os.replace(partial, self.path)
        finally:
            for leftover in self.folder.glob(f"{partial.name}*"):
                leftover.unlink()

    def close(self) -> None:
        """Close the database (the data are already committed)."""
        self.con.close()

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def discard(folder: str | Path) -> None:
        """Delete a folder's store (``--restart``)."""
        for path in Path(folder).glob(f"{STORE_FILE}*"):
            path.unlink() if path.is_file() else shutil.rmtree(path)

    def meta(self) -> dict[str, str]:
        """The ``meta`` table as a dict (empty for a store without tables)."""
        if not self.complete:
            return {}
        return dict(self.con.execute("SELECT key, value FROM meta").fetchall())

    def bind(self, experiment_hash: str, name: str, design: pd.DataFrame, created: str) -> None:
        """Tie a new store to an experiment, or check that an old one was made by the same experiment.

        Raises:
            ExperimentError: If the store was made by a different experiment (or version of the file).
        """
        known = self.meta().get("experiment_hash")
        if known is not None and known != experiment_hash:
            raise ExperimentError(
                str(self.folder),
                f"holds a sweep of a different experiment or version of it (hash {known[:12]}, now"
                f" {experiment_hash[:12]}); allowed: a new --out folder, or --restart to discard"
                " the stored runs",
            )
        if known is not None:
            return
        rows = [
            (int(point), column, json.dumps(_plain(value)))
            for point, row in design.iterrows()
            for column, value in row.items()
        ]
        self.con.execute("BEGIN TRANSACTION")
        self.con.executemany("INSERT INTO design VALUES (?, ?, ?)", rows)
        self.con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("experiment_hash", experiment_hash), ("experiment_name", name), ("created", created)],
        )
        self.con.execute("COMMIT")

    def completed(self) -> set[tuple[int, int]]:
        """(point, replication) of the runs that finished without error."""
        rows = self.con.execute("SELECT point, replication FROM runs WHERE status = ?", [OK]).fetchall()
        return {(int(p), int(r)) for p, r in rows}

    def record(self, records: Iterable[RunRecord]) -> None:
        """Write runs (registry rows and outcome values) in one transaction; replaces earlier failures."""
        records = list(records)
        if not records:
            return
        keys = [(r.point, r.replication) for r in records]
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.executemany("DELETE FROM outcomes WHERE point = ? AND replication = ?", keys)
            self.con.executemany("DELETE FROM runs WHERE point = ? AND replication = ?", keys)
            self.con.executemany(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.point,
                        r.replication,
                        r.seed,
                        r.status,
                        r.seconds,
                        r.finished,
                        r.worker,
                        r.error,
                        r.traceback,
                    )
                    for r in records
                ],
            )
            values = [(r.point, r.replication, k, v) for r in records for k, v in r.values.items()]
            if values:
                self.con.executemany("INSERT INTO outcomes VALUES (?, ?, ?, ?)", values)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def counts(self) -> dict[str, int]:
        """Stored runs by status."""
        rows = self.con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall()
        found = dict(rows)
        return {OK: int(found.get(OK, 0)), FAILED: int(found.get(FAILED, 0))}

    def _require_tables(self) -> None:
        if not self.complete:
            raise ExperimentError(
                str(self.folder),
                "holds a sweep store that was interrupted while it was being made (no runs yet);"
                " allowed: run the same sweep command again to resume",
            )

    def runs(self) -> pd.DataFrame:
        """The run registry, ordered by point and replication."""
        self._require_tables()
        return self.con.execute("SELECT * FROM runs ORDER BY point, replication").df()

    def outcomes(self) -> pd.DataFrame:
        """Outcome values (long: one row per run and outcome), ordered."""
        self._require_tables()
        return self.con.execute("SELECT * FROM outcomes ORDER BY point, replication, outcome").df()

    def design(self) -> pd.DataFrame:
        """The design table (index ``point``, one column per factor path, in stored order)."""
        self._require_tables()
        rows = self.con.execute("SELECT point, factor, value FROM design ORDER BY point").fetchall()
        order = list(dict.fromkeys(factor for _, factor, _ in rows))
        table: dict[int, dict[str, Any]] = {}
        for point, factor, value in rows:
            table.setdefault(int(point), {})[factor] = json.loads(value)
        frame = pd.DataFrame.from_dict(table, orient="index", columns=order)
        frame.index.name = "point"
        return frame


@contextmanager
def sweep_lock(folder: str | Path) -> Iterator[None]:
    """Hold the single-writer lock of a sweep folder (created if needed) for the block.

    Raises:
        ExperimentError: If another process holds it (a sweep is writing into the folder).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    with (folder / LOCK_FILE).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ExperimentError(
                str(folder),
                f"another sweep is writing to this folder ({holder}); allowed: wait until it ends (or"
                " stop it), or a different --out; --restart never discards a running sweep's results",
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
