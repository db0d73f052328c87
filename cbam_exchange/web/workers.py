"""The worker processes that do the work of the web app, each task under a time limit and a memory ceiling.

pebble's process pool kills a worker whose task overruns its time limit (the standard library's pool cannot) and
replaces it, so that a hostile file costs at most the limit and never blocks the other uploads.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import pebble

from cbam_exchange.web.analysis import warm_up


class TaskFailed(Exception):
    """A task ran out of time or memory, or its worker died; the message says which, for the user."""


def _start_worker(memory_limit: int | None) -> None:
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    warm_up()


class Workers:
    def __init__(self, processes: int, timeout: float, memory_limit: int | None) -> None:
        self.timeout = timeout
        # spawn: a fresh interpreter per worker, never a fork of the server's threads and event loop
        self._pool = pebble.ProcessPool(max_workers=processes, max_tasks=200, initializer=_start_worker,
                                        initargs=(memory_limit,), context=multiprocessing.get_context("spawn"))
        for _ in range(processes):  # start every worker now, not on the first upload
            self._pool.schedule(_nothing)

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        future = self._pool.schedule(function, args=args, timeout=self.timeout)
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            raise TaskFailed(f"processing took longer than the limit of {self.timeout:g} s and was stopped") from None
        except MemoryError:
            raise TaskFailed("processing needed more memory than the server allows and was stopped") from None
        except pebble.ProcessExpired as exc:
            raise TaskFailed(f"the worker processing the file stopped unexpectedly (exit code {exc.exitcode})"
                             ) from None

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=10)


def _nothing() -> None:
    return None
