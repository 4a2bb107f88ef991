"""Executors: where an experiment's chunks run — this process, local workers, or a Dask cluster.

All three run the same task function over the same chunks and yield results
as they complete; only the place differs. Results never depend on the
executor, because every unit derives its randomness from its own index.

- :class:`InProcess` runs chunks one after the other (the default).
- :class:`LocalWorkers` runs them on ``W`` worker processes (loky, via joblib).
- :class:`DaskCluster` sends them to a Dask scheduler (``pip install 'detente[cluster]'``);
  the workers need detente installed and, for scenario files, nothing else:
  the scenario travels with the task.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import os
import signal
import sys
import threading
import weakref
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any, Protocol, TypeVar

from detente.errors import DetenteError

Shared = TypeVar("Shared")
Item = TypeVar("Item")
Result = TypeVar("Result")

IDLE_WORKER_SECONDS = 30
"""Local worker processes exit after this long without work."""


class Executor(Protocol):
    """Runs ``function(shared, item)`` for every item, yielding results in completion order."""

    @property
    def workers(self) -> int:
        """How many tasks run at once."""
        ...

    def map_unordered(
        self, function: Callable[[Shared, Item], Result], shared: Shared, items: Sequence[Item]
    ) -> Generator[Result, None, None]:
        """Results of ``function(shared, item)`` as tasks complete; pending tasks are cancelled
        if the iteration stops early."""
        ...


class InProcess:
    """Runs every task here, one after the other.

    >>> list(InProcess().map_unordered(pow, 2, [1, 2, 3]))
    [2, 4, 8]
    """

    @property
    def workers(self) -> int:
        """One: tasks run one after another in this process."""
        return 1

    def map_unordered(
        self, function: Callable[[Shared, Item], Result], shared: Shared, items: Sequence[Item]
    ) -> Generator[Result, None, None]:
        for item in items:
            yield function(shared, item)


class LocalWorkers:
    """Runs tasks on ``count`` local worker processes (loky, reused between runs)."""

    def __init__(self, count: int) -> None:
        if count < 1:
            raise DetenteError(f"--workers must be at least 1, got {count}")
        self.count = count

    @property
    def workers(self) -> int:
        """The number of worker processes."""
        return self.count

    def map_unordered(
        self, function: Callable[[Shared, Item], Result], shared: Shared, items: Sequence[Item]
    ) -> Generator[Result, None, None]:
        from joblib.externals.loky import get_reusable_executor

        pool = get_reusable_executor(
            max_workers=self.count, timeout=IDLE_WORKER_SECONDS, initializer=die_with_parent
        )
        futures = [pool.submit(function, shared, item) for item in items]
        try:
            for future in concurrent.futures.as_completed(futures):
                yield future.result()
        except BaseException:  # stopped early (Ctrl-C, SIGTERM, a failed task): end the tasks
            stop_now(pool)
            raise


def stop_now(pool: Any) -> None:
    """Kill a loky pool's workers and fail its pending tasks, without waiting for them.

    loky's manager thread can trip over its own shutdown (a ``KeyError`` on a
    task it just dropped) after the workers are gone; that thread's error is
    not shown, since nothing is lost by it.
    """
    manager = getattr(pool, "_executor_manager_thread", None)
    if isinstance(manager, threading.Thread):
        _SILENCED.add(manager)
        if threading.excepthook is not _unless_silenced:
            _PREVIOUS_HOOK.append(threading.excepthook)
            threading.excepthook = _unless_silenced
    pool.shutdown(wait=False, kill_workers=True)


_SILENCED: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
_PREVIOUS_HOOK: list[Callable[[threading.ExceptHookArgs], object]] = []


def _unless_silenced(args: threading.ExceptHookArgs) -> None:
    if args.thread not in _SILENCED:
        _PREVIOUS_HOOK[-1](args)


def die_with_parent() -> None:
    """Worker initializer: end this worker when the process that started it dies.

    A run killed outright (SIGKILL) leaves no orphaned workers behind. Linux
    only (``prctl(PR_SET_PDEATHSIG)``); elsewhere idle workers exit after
    :data:`IDLE_WORKER_SECONDS`.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


PR_SET_PDEATHSIG = 1


class DaskCluster:
    """Runs tasks on the Dask cluster whose scheduler is at ``address`` (``tcp://host:port``)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    @property
    def workers(self) -> int:
        """The threads the cluster's workers have in all (at least 1)."""
        info = self.client.scheduler_info()
        return max(1, sum(int(w.get("nthreads", 1)) for w in info["workers"].values()))

    def map_unordered(
        self, function: Callable[[Shared, Item], Result], shared: Shared, items: Sequence[Item]
    ) -> Generator[Result, None, None]:
        from distributed import as_completed

        shared_future = self.client.scatter(shared, broadcast=True, hash=False)
        futures = self.client.map(function, [shared_future] * len(items), items, pure=False)
        try:
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                yield future.result()
        finally:
            self.client.cancel(futures)


@contextlib.contextmanager
def connect(address: str, timeout: float = 10.0) -> Iterator[DaskCluster]:
    """A :class:`DaskCluster` connected to the scheduler at ``address`` for the block."""
    try:
        from distributed import Client
    except ImportError:
        raise DetenteError(
            "--scheduler needs Dask's distributed scheduler: pip install 'detente[cluster]'"
        ) from None
    try:
        client = Client(address, timeout=timeout)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise DetenteError(f"cannot reach the Dask scheduler at {address!r}: {error}") from None
    with client:
        yield DaskCluster(client)


@contextlib.contextmanager
def open_executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """The executor a run asked for: ``scheduler`` (Dask), else ``workers`` > 1 (local), else here.

    >>> with open_executor() as executor:
    ...     executor.workers
    1
    """
    if scheduler is not None and workers is not None:
        raise DetenteError("give either --workers or --scheduler, not both")
    if scheduler is not None:
        with connect(scheduler) as cluster:
            yield cluster
    elif workers is not None and workers != 1:
        yield LocalWorkers(workers)
    else:
        yield InProcess()
