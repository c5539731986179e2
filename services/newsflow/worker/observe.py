"""What the worker reports about itself: consumer lag per partition and broker reachability.

One admin connection serves both, kept open for the worker's life.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient

from newsflow import metrics
from newsflow.config import Settings
from newsflow.kafka.clients import admin, started

log = logging.getLogger(__name__)


class BrokerProbe:
    """Asks the broker for the group's committed offsets and whether it answers."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._admin: AIOKafkaAdminClient | None = None
        self._reported: set[tuple[str, str]] = set()  # lag series this worker exports

    async def _client(self) -> AIOKafkaAdminClient:
        if self._admin is None:
            self._admin = await started(admin(self.settings), self.settings)
        return self._admin

    async def _reset(self) -> None:
        if self._admin is not None:
            admin, self._admin = self._admin, None
            await admin.close()

    async def reachable(self, timeout: float = 2.0) -> bool:
        try:
            client = await asyncio.wait_for(self._client(), timeout)
            await asyncio.wait_for(client.describe_cluster(), timeout)
            return True
        except Exception:  # noqa: BLE001 - any failure means "not reachable"
            await self._reset()
            return False

    async def update_lag(self, assigned: Iterable, highwater) -> None:
        """Lag per assigned partition: high watermark minus the committed offset. The series
        of partitions moved to another worker are removed (that worker reports them now)."""
        assigned = list(assigned)
        kept = {(tp.topic, str(tp.partition)) for tp in assigned}
        for labels in self._reported - kept:
            metrics.CONSUMER_LAG.remove(*labels)
        self._reported &= kept
        if not assigned:
            return
        try:
            client = await self._client()
            committed = await client.list_consumer_group_offsets(self.settings.app_id)
        except Exception as exc:  # noqa: BLE001 - lag is best effort, never fatal
            log.warning("consumer lag unavailable: %s", exc)
            await self._reset()
            return
        for tp in assigned:
            end = highwater(tp)
            if end is None:
                continue
            offset = committed.get(tp)
            position = offset.offset if offset is not None and offset.offset >= 0 else 0
            metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(max(0, end - position))
            self._reported.add((tp.topic, str(tp.partition)))

    async def close(self) -> None:
        await self._reset()
