"""Where the runs of a sweep execute: in this process, in a process pool, or on a Dask cluster.

Every executor runs the same function, :func:`run_chunk`, on chunks of (point, replication, seed)
tasks and yields small :class:`~desmig_sim.experiments.store.RunRecord` lists as chunks finish, so results
are identical whatever the executor. The sweep's :class:`Payload` (base scenario, design values,
outcome definitions) is sent once per worker (a pool initializer; a Dask broadcast), not per task,
and each worker builds the scenario of a design point once.
"""

from __future__ import annotations

import logging
import math
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any, Literal, NamedTuple

from desmig_sim.config.scenario import Scenario, scenario_from_dict
from desmig_sim.core.errors import ExperimentError
from desmig_sim.core.extras import require
from desmig_sim.core.provenance import utc_now
from desmig_sim.experiments.runner import run
from desmig_sim.experiments.schema import OutcomeSpec
from desmig_sim.experiments.spec import Experiment, outcome_value, scenario_with
from desmig_sim.experiments.store import FAILED, OK, RunRecord

ExecutorName = Literal["serial", "process", "dask"]
EXECUTORS: tuple[str, ...] = ("serial", "process", "dask")


class Task(NamedTuple):
    """One run of a sweep."""

    point: int
    replication: int
    seed: int


@dataclass(frozen=True)
class Payload:
    """What a worker needs to run any task of a sweep (sent once per worker).

    Attributes:
        key: The experiment hash (tells sweeps apart in a worker's cache).
        base: The base scenario's data.
        points: Factor values of every design point, by point.
        outcomes: The outcomes to record.
        source: Name of the experiment file (for messages).
    """

    key: str
    base: dict[str, Any]
    points: dict[int, dict[str, Any]]
    outcomes: tuple[OutcomeSpec, ...]
    source: str

    @classmethod
    def of(cls, experiment: Experiment) -> Payload:
        """The payload of an experiment's sweep."""
        return cls(
            key=experiment.content_hash(),
            base=experiment.base.to_dict(),
            points={int(p): experiment.point_values(int(p)) for p in experiment.design.index},
            outcomes=tuple(experiment.spec.outcomes),
            source=str(experiment.path),
        )


_SCENARIOS: dict[tuple[str, int], Scenario] = {}
_BASES: dict[str, Scenario] = {}
_CACHE_SIZE = 64


def _scenario(payload: Payload, point: int) -> Scenario:
    """The scenario of a design point, built once per worker."""
    key = (payload.key, point)
    if key not in _SCENARIOS:
        if len(_SCENARIOS) >= _CACHE_SIZE:
            _SCENARIOS.clear()
        if payload.key not in _BASES:
            _BASES.clear()
            _BASES[payload.key] = scenario_from_dict(payload.base, payload.source)
        values = payload.points[point]
        _SCENARIOS[key] = scenario_with(_BASES[payload.key], values, f"{payload.source} (point {point})")
    return _SCENARIOS[key]


def run_task(payload: Payload, task: Task) -> RunRecord:
    """Run one task; an exception is caught and recorded (status, error, traceback), never raised."""
    clock = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        scenario = _scenario(payload, task.point)
        result = run(scenario, task.seed, agents=False, keep_model=False)
        values = {o.key: outcome_value(result.timeseries, o) for o in payload.outcomes}
    except Exception as exc:
        return RunRecord(
            *task,
            status=FAILED,
            seconds=time.perf_counter() - clock,
            finished=utc_now(),
            worker=worker,
            error=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
        )
    return RunRecord(
        *task,
        status=OK,
        values=values,
        seconds=time.perf_counter() - clock,
        finished=utc_now(),
        worker=worker,
    )


def run_chunk(payload: Payload, tasks: Sequence[Task]) -> list[RunRecord]:
    """Run a chunk of tasks in order."""
    return [run_task(payload, Task(*t)) for t in tasks]


_WORKER_PAYLOAD: Payload | None = None


def _init_worker(payload: Payload, parent: int) -> None:
    global _WORKER_PAYLOAD
    _WORKER_PAYLOAD = payload
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int, every_seconds: float = 0.5) -> None:
    """End this worker when the sweep process is gone (e.g. ``kill -9``), instead of lingering."""
    while os.getppid() == parent:
        time.sleep(every_seconds)
    os._exit(1)


def _run_chunk_in_worker(tasks: Sequence[Task]) -> list[RunRecord]:
    assert _WORKER_PAYLOAD is not None, "the pool initializer sets the payload"
    return run_chunk(_WORKER_PAYLOAD, tasks)


def chunks(tasks: Sequence[Task], workers: int, per_worker: int = 8, largest: int = 16) -> list[list[Task]]:
    """Cut tasks (in point order) into about ``per_worker`` chunks per worker, at most ``largest`` long."""
    size = max(1, min(largest, math.ceil(len(tasks) / max(1, workers * per_worker))))
    return [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]


#: Thread pools of numerical libraries, limited to one thread in each worker process so that
#: workers do not compete for the cores they were given (as dask.distributed does by default).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def _one_thread_per_worker() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class SerialExecutor:
    """Runs every task in this process, one at a time."""

    name: str = "serial"
    workers: int = 1

    def describe(self) -> dict[str, Any]:
        """How the runs were executed (for the manifest)."""
        return {"executor": self.name, "workers": 1}

    def results(self, payload: Payload, tasks: Sequence[Task]) -> Iterator[list[RunRecord]]:
        """Yield the records of each task as it finishes."""
        for task in tasks:
            yield run_chunk(payload, [task])


@dataclass
class ProcessExecutor:
    """Runs chunks of tasks in a pool of worker processes (spawned: no state inherited)."""

    workers: int
    name: str = "process"

    def describe(self) -> dict[str, Any]:
        """How the runs were executed (for the manifest)."""
        return {"executor": self.name, "workers": self.workers}

    def results(self, payload: Payload, tasks: Sequence[Task]) -> Iterator[list[RunRecord]]:
        """Yield each chunk's records as it finishes (in completion order)."""
        if not tasks:
            return
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=get_context("spawn"),
            initializer=_init_worker,
            initargs=(payload, os.getpid()),
        )
        try:
            # Workers start at the first submits and inherit these (one thread; Ctrl-C left to us).
            with _one_thread_per_worker(), _sigint_ignored_by_children():
                pending = {pool.submit(_run_chunk_in_worker, chunk) for chunk in chunks(tasks, self.workers)}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        except KeyboardInterrupt:
            for process in list((pool._processes or {}).values()):  # they ignore SIGINT: end them
                process.terminate()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _sigint_ignored_by_children() -> Iterator[None]:
    """Ignore SIGINT while worker processes start, so that they inherit "ignore".

    Ctrl-C sends SIGINT to the whole process group: the sweep process handles it (one line, the
    store kept) and ends its workers; workers that handled it themselves would each print a
    traceback. The cost: a Ctrl-C during the few seconds a local cluster takes to start is
    ignored (blocking the signal instead does not reach the workers, which Dask starts from its
    own threads). Only in the main thread, where Python handles signals.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _quiet_dask_logs() -> None:
    """Silence the cluster's loggers after Ctrl-C.

    Its threads log the operations cut short (with tracebacks); the
    sweep's one line says what happened and that the finished runs are stored.
    """
    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


@dataclass
class DaskExecutor:
    """Runs chunks of tasks on dask.distributed: a local cluster, or an existing one by address.

    Workers must be able to import ``desmig_sim`` (install the package in their environment).
    """

    workers: int
    scheduler: str | None = None
    name: str = "dask"

    def describe(self) -> dict[str, Any]:
        """How the runs were executed (for the manifest)."""
        return {
            "executor": self.name,
            "workers": self.workers,
            "scheduler": self.scheduler or "LocalCluster",
            "dask_workers": getattr(self, "_seen_workers", None),
        }

    def results(self, payload: Payload, tasks: Sequence[Task]) -> Iterator[list[RunRecord]]:
        """Yield each chunk's records as it finishes (in completion order)."""
        if not tasks:
            return
        require("distributed", "distributed", "the Dask executor")
        from distributed import Client, LocalCluster, as_completed

        cluster = client = None
        try:
            if self.scheduler is None:
                with _sigint_ignored_by_children():
                    cluster = LocalCluster(
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
            client = Client(cluster if cluster is not None else self.scheduler, timeout="30s")
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                _quiet_dask_logs()
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()
            if not isinstance(exc, OSError | TimeoutError):
                raise
            raise ExperimentError(
                str(self.scheduler),
                f"cannot reach the Dask scheduler ({exc}); allowed: the address of a running scheduler,"
                " e.g. tcp://HOST:8786",
                field="--scheduler",
            ) from None
        try:
            info = client.scheduler_info()
            self._seen_workers = len(info.get("workers", {}))
            threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or self.workers
            [shared] = client.scatter([payload], broadcast=True)
            futures = [
                client.submit(run_chunk, shared, chunk, pure=False) for chunk in chunks(tasks, threads)
            ]
            for future in as_completed(futures):
                records = future.result()
                future.release()
                yield records
        except KeyboardInterrupt:
            _quiet_dask_logs()
            raise
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


#: Any of the executors (they share ``results``, ``describe``, ``name`` and ``workers``).
Executor = SerialExecutor | ProcessExecutor | DaskExecutor


def make_executor(name: str, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor called ``name`` (serial, process, dask); ``workers`` defaults to the CPU count."""
    count = workers or os.cpu_count() or 1
    if name == "serial":
        return SerialExecutor()
    if name == "process":
        return ProcessExecutor(count)
    if name == "dask":
        return DaskExecutor(count, scheduler)
    raise ValueError(f"unknown executor {name!r}; allowed: {', '.join(EXECUTORS)}")
