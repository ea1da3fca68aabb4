"""Work handed from the event loop to the database thread, done in batches.

When polls come due together (a start, a wake from sleep, a thousand-company `once`),
each would make a transaction of its own; instead, whatever is waiting when the
database thread gets to it is done together. ``submit`` waits for its own item, done in
whichever batch took it.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from secondchance import logs
from secondchance.storage.database import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(slots=True)
class _Job(Generic[T, R]):
    item: T
    result: R | None = None
    error: BaseException | None = None
    done: bool = False


class Batches(Generic[T, R]):
    """Runs ``handle`` over batches of submitted items on the store's thread.

    ``handle`` gets a list of items and returns one result per item. Items with the
    same ``key`` never share a batch (a company polled twice is written against its
    second read). A batch that fails is done again one item at a time, so that one
    item's trouble fails only that item.
    """

    def __init__(
        self,
        store: Store,
        handle: Callable[[list[T]], Sequence[R]],
        *,
        key: Callable[[T], Hashable],
        size: int,
        what: str,
    ) -> None:
        self.store = store
        self.handle = handle
        self.key = key
        self.size = size
        self.what = what
        # Appended on the event loop, taken on the database thread (deque appends and
        # pops are atomic).
        self._waiting: deque[_Job[T, R]] = deque()

    @property
    def waiting(self) -> int:
        """Items submitted and not yet taken into a batch."""
        return len(self._waiting)

    async def submit(self, item: T) -> R:
        job: _Job[T, R] = _Job(item)
        self._waiting.append(job)
        await self.store.call(self._until_done, job)
        if job.error is not None:
            raise job.error
        if not job.done:  # only if its batch died of a BaseException
            raise RuntimeError(f"{self.what} was not done")
        return job.result  # type: ignore[return-value]

    def _until_done(self, job: _Job[T, R]) -> None:
        """On the database thread: do batches of what waits until ``job`` is done
        (an earlier call may have done it already)."""
        while not job.done and self._waiting:
            batch: list[_Job[T, R]] = []
            keys: set[Hashable] = set()
            while self._waiting and len(batch) < self.size:
                key = self.key(self._waiting[0].item)
                if key in keys:
                    break
                batch.append(self._waiting.popleft())
                keys.add(key)
            self._run(batch)

    def _run(self, batch: list[_Job[T, R]]) -> None:
        try:
            results = self.handle([job.item for job in batch])
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error, batch[0].done = exc, True
                return
            log.warning(
                "%s: doing %d one at a time after their batch failed: %s",
                self.what,
                len(batch),
                f"{type(exc).__name__}: {logs.first_line(exc)}",
            )
            for job in batch:
                self._run([job])
            return
        for job, result in zip(batch, results, strict=True):
            job.result, job.done = result, True
