"""faust's consumer, reading committed records only.

faust reads ``read_uncommitted`` unless the whole app runs faust's own ``exactly_once``,
whose open bugs we avoid (docs/guarantees.md). The entity topic that feeds the trending
tables is written in transactions by worker.transactional: read uncommitted, the tables
would also count the messages of aborted transactions (a worker killed mid-batch).
"""

from __future__ import annotations

import faust
from faust.transport.drivers import aiokafka as driver


class _ReadCommittedThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport):
        consumer = super()._create_worker_consumer(transport)
        # faust passes no way to set it; aiokafka reads it when the consumer starts
        consumer._isolation_level = "read_committed"
        return consumer


class ReadCommittedConsumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return _ReadCommittedThread(self, loop=self.loop, beacon=self.beacon)


def read_committed(app: faust.App) -> None:
    """Give ``app`` the read-committed consumer (before the app starts)."""
    app.transport.Consumer = ReadCommittedConsumer
