"""Experiment (not CI): does faust-streaming's processing_guarantee="exactly_once" keep
its promise when the worker is killed -9 mid-stream (faust-streaming issue #517), or when
the group rebalances (#323)?

A copy agent (in -> out, key and value unchanged) runs as a faust worker with
exactly_once against a local Kafka; N keyed messages go in. ``kill``: the worker is
killed -9 ``--kills`` times while it works and restarted each time. ``rebalance``: a
second worker joins while the first works, then leaves with SIGTERM, ``--kills`` times
(no crash at all). Then a read_committed consumer counts each key on the output topic.
Exactly-once means every key once.

    python bench/faust_eos_experiment.py [--scenario kill|rebalance] [--messages 20000] [--kills 3]

Prints the figures as JSON. Our own loop (services/newsflow/worker/transactional.py)
passes the same fault in tests/faults/test_kill_worker.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

IN, OUT, GROUP = "eos-in", "eos-out", "faust-eos-experiment"
WORK_SECONDS = 0.002


def worker(bootstrap: str, datadir: str) -> None:
    """The faust app under test (run in a child process)."""
    from newsflow.config import Settings
    from newsflow.kafka.clients import faust_app

    app = faust_app(
        Settings(bootstrap=bootstrap), GROUP, processing_guarantee="exactly_once",
        datadir=datadir, topic_partitions=4, consumer_auto_offset_reset="earliest",
        web_enabled=False,
    )
    source = app.topic(IN, key_type=bytes, value_type=bytes)
    sink = app.topic(OUT, key_type=bytes, value_type=bytes)

    @app.agent(source)
    async def copy(stream):
        async for event in stream.events():
            await asyncio.sleep(WORK_SECONDS)  # stands for the enrichment: kills land mid-stream
            await sink.send(key=event.key, value=event.value)

    from newsflow.local.broker import free_port

    # faust's worker serves its web pages whatever web_enabled says: a port of its own,
    # or a second worker dies at start-up on the first one's port
    sys.argv = [sys.argv[0], "worker", "-l", "info", "--web-port", str(free_port())]
    app.main()


async def produce(bootstrap: str, count: int) -> None:
    from aiokafka.admin import NewTopic

    from newsflow.config import Settings
    from newsflow.kafka.clients import admin, producer as new_producer, started

    settings = Settings(bootstrap=bootstrap)
    creator = await started(admin(settings), settings)
    await creator.create_topics([NewTopic(IN, 4, 1), NewTopic(OUT, 4, 1)])
    await creator.close()
    producer = await started(new_producer(settings), settings)
    pending = [await producer.send(IN, b"x" * 100, key=str(i).encode()) for i in range(count)]
    await asyncio.gather(*pending)
    await producer.stop()


async def count_out(bootstrap: str) -> Counter:
    from aiokafka import TopicPartition

    from newsflow.config import Settings
    from newsflow.kafka.clients import consumer as new_consumer, started

    settings = Settings(bootstrap=bootstrap)
    consumer = await started(new_consumer(settings), settings)
    tps = [TopicPartition(OUT, p) for p in range(4)]
    consumer.assign(tps)
    await consumer.seek_to_beginning(*tps)
    ends = await consumer.end_offsets(tps)
    keys: Counter = Counter()
    while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
        for records in (await consumer.getmany(timeout_ms=1000)).values():
            keys.update(r.key for r in records)
    await consumer.stop()
    return keys


def main() -> int:
    from newsflow.local.broker import LocalKafka

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--scenario", choices=["kill", "rebalance"], default="kill")
    parser.add_argument("--kills", type=int, default=3, help="faults to inject")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="faust-eos-"))
    figures: dict = {"scenario": args.scenario, "messages": args.messages, "kills": 0,
                     "exit_codes": [], "out_at_kill": []}
    with LocalKafka(folder / "kafka") as kafka:
        asyncio.run(produce(kafka.bootstrap, args.messages))
        command = [sys.executable, __file__, "--worker", kafka.bootstrap]
        log = (folder / "faust.log").open("ab")

        def start(name: str) -> subprocess.Popen:
            return subprocess.Popen([*command, str(folder / name)], stdout=log,
                                    stderr=subprocess.STDOUT)

        process = start("faust") if args.scenario == "rebalance" else None
        for n in range(args.kills):
            victim = start("faust" if args.scenario == "kill" else f"faust-joiner-{n}")
            time.sleep(12)  # start-up, rebalance, some processing
            if victim.poll() is not None:
                figures["exit_codes"].append(victim.returncode)
                continue
            if args.scenario == "kill":
                victim.kill()
            else:
                victim.terminate()  # a clean leave: the group rebalances again
            figures["exit_codes"].append(victim.wait())
            figures["kills"] += 1
            figures["out_at_kill"].append(sum(asyncio.run(count_out(kafka.bootstrap)).values()))
        if process is None or process.poll() is not None:
            process = start("faust")
        restarted, grown = time.monotonic(), time.monotonic()
        seen = -1
        # until every message is out, or nothing new for 2 faust session timeouts (60 s each)
        while seen < args.messages and time.monotonic() - grown < 120:
            time.sleep(5)
            keys = asyncio.run(count_out(kafka.bootstrap))
            if sum(keys.values()) > seen:
                seen, grown = sum(keys.values()), time.monotonic()
                figures.setdefault("first_progress_after_restart_seconds",
                                   round(grown - restarted, 1))
        figures["last_progress_after_restart_seconds"] = round(grown - restarted, 1)
        process.kill()
        process.wait()
    expected = {str(i).encode() for i in range(args.messages)}
    figures.update(
        out_records=sum(keys.values()),
        distinct_keys=len(keys),
        missing=len(expected - set(keys)),
        duplicated_keys=sum(1 for n in keys.values() if n > 1),
        extra_copies=sum(n - 1 for n in keys.values() if n > 1),
        log=str(folder / "faust.log"),
    )
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":  # the child: bootstrap, datadir
        os.environ.setdefault("PYTHONUNBUFFERED", "1")
        worker(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
