"""Run the fleet's tasks: on a Dask distributed cluster, or in local processes.

The same picklable function and arguments either way; results come back as the tasks finish
(``as_completed``), so the caller writes each one out and lets it go before the next arrives.
Local processes are started with ``spawn``: a fresh interpreter each, nothing inherited from
this process's threads (an embedded sandbox serves requests on one). A :class:`Runner` is
opened before the fleet is planned: the scheduler is reached (or a local process started and
its imports done) while the environments are being discovered.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any, TypeVar

from paymentaudit.errors import InputError, PaymentAuditError

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
CONNECT_TIMEOUT = "20s"

T = TypeVar("T")
R = TypeVar("R")


def scheduler_address(flag: str | None) -> str | None:
    """``--dask ADDRESS``, else $DASK_SCHEDULER_ADDRESS, else None (local processes)."""
    return flag or os.environ.get(SCHEDULER_ENV) or None


def _preload(module: str) -> None:
    """Import ``module`` in a fresh worker process (so that its first task does not)."""
    importlib.import_module(module)


class Runner:
    """Where tasks run: a Dask cluster (``dask``: a scheduler address) or local processes (at
    most ``processes``, default the CPU count). A context manager; ``preload`` names a module
    a local worker imports as soon as it starts."""

    def __init__(
        self, dask: str | None = None, processes: int | None = None, preload: str | None = None
    ) -> None:
        self.address = dask
        self.processes = max(1, processes or os.cpu_count() or 1)
        self.preload = preload
        self._client: Any = None
        self._pool: ProcessPoolExecutor | None = None
        self._warm: Future[None] | None = None

    @property
    def where(self) -> str:
        """For the progress line."""
        return f"on the Dask cluster at {self.address}" if self.address else "in local processes"

    def __enter__(self) -> Runner:
        if self.address:
            self._client = _connect(self.address)
        else:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.processes, mp_context=context)
            if self.preload:
                self._warm = self._pool.submit(_preload, self.preload)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            self._client.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def map(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """``fn(task)`` for every task, each result as soon as it is done (completion order).
        A task's exception is raised here; the tasks not started yet are cancelled."""
        if not tasks:
            return
        if self._client is not None:
            yield from _on_dask(self._client, fn, tasks)
            return
        if self._pool is None:
            raise RuntimeError("Runner.map outside its with-block")
        futures = [self._pool.submit(fn, task) for task in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BrokenProcessPool as exc:
            raise PaymentAuditError(
                f"a fleet worker process ended abruptly (out of memory, or killed): {exc}"
            ) from None
        finally:
            for future in futures:
                future.cancel()


def run_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    dask: str | None = None,
    processes: int | None = None,
) -> Iterator[R]:
    """:meth:`Runner.map` in a runner of its own."""
    with Runner(dask, processes) as runner:
        yield from runner.map(fn, tasks)


def _connect(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--dask needs the distributed package: pip install distributed") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot connect to the Dask scheduler at {address}: {exc}") from None


def _on_dask(client: Any, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
    from distributed import as_completed as dask_completed

    futures = client.map(fn, list(tasks), pure=False)
    try:
        for future in dask_completed(futures, loop=client.loop):
            result = future.result()
            future.release()
            yield result
    except BaseException:  # a failed task, Ctrl-C, or the consumer gave up: stop the rest
        client.cancel(futures)
        raise
