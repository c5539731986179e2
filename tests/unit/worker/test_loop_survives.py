"""The loop ends only when it is stopped or cancelled itself: a CancelledError out of a
client's own future (aiokafka's, with the broker away past the session timeout) is one
more failure to recover from. Before, it ended the loop and left the worker idle."""

from __future__ import annotations

import asyncio

from newsflow.config import Settings
from newsflow.worker.transactional import TransactionalProcessor


class _Process:
    def close(self) -> None:
        pass


def _loop(consume) -> tuple[TransactionalProcessor, list[BaseException]]:
    """A processor whose Kafka work is ``consume`` (no clients, no enrichment process)."""
    recovered: list[BaseException] = []
    loop = TransactionalProcessor.__new__(TransactionalProcessor)
    loop.settings, loop.stop_event, loop.refused, loop.process = Settings(), asyncio.Event(), None, _Process()

    async def nothing(*_):
        pass

    async def recover(exc):
        recovered.append(exc)

    loop._ensure_clients, loop._close, loop._consume, loop._recover = nothing, nothing, consume, recover
    return loop, recovered


async def test_a_cancelled_future_inside_a_batch_is_recovered_from():
    calls = []

    async def consume():
        calls.append(1)
        if len(calls) == 1:
            raise asyncio.CancelledError()  # as from a client's cancelled future
        loop.stop()

    loop, recovered = _loop(consume)
    await asyncio.wait_for(loop.run(), 5)
    assert len(calls) == 2 and [type(e) for e in recovered] == [asyncio.CancelledError]


async def test_cancelling_the_loop_still_ends_it():
    async def consume():
        await asyncio.sleep(60)

    loop, recovered = _loop(consume)
    task = asyncio.ensure_future(loop.run())
    await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled() and not recovered
