"""Transactional offset commits carry the consuming member's generation (KIP-447), so the
broker refuses those of a member the group has moved past: a paused worker's batch can
only be aborted, never committed beside its new owner's."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from newsflow.kafka.clients import client_options
from newsflow.kafka.fenced_commit import FencedProducer, GroupFenced, GroupMember, member_of
from newsflow.topics.registry import RAW

pytestmark = pytest.mark.integration


async def _joined(settings, group: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(RAW.name(settings.topic_prefix), **client_options(settings),
                                group_id=group, enable_auto_commit=False)
    await consumer.start()
    while not consumer.assignment():
        await consumer.getmany(timeout_ms=200)
    return consumer


async def _commit(producer: FencedProducer, group: str, tp: TopicPartition, member=None,
                  consumer=None) -> None:
    await producer.begin_transaction()
    offsets = {tp: OffsetAndMetadata(1, "")}
    try:
        if member is None:
            await producer.send_offsets_to_transaction(offsets, group, consumer)
        else:  # a member as a paused worker remembers it
            producer._sender.member = member
            await super(FencedProducer, producer).send_offsets_to_transaction(offsets, group)
        await producer.commit_transaction()
    except BaseException:
        await producer.abort_transaction()
        raise


async def test_offsets_of_a_past_generation_are_refused(settings):
    group = f"fenced-{uuid.uuid4().hex[:8]}"
    tp = TopicPartition(RAW.name(settings.topic_prefix), 0)
    first = await _joined(settings, group)
    producer = FencedProducer(**client_options(settings), transactional_id=f"{group}.t",
                              enable_idempotence=True)
    await producer.start()
    second = None
    try:
        before = member_of(first)
        await _commit(producer, group, tp, consumer=first)  # the current member: accepted
        second = AIOKafkaConsumer(RAW.name(settings.topic_prefix), **client_options(settings),
                                  group_id=group, enable_auto_commit=False)
        await second.start()
        while member_of(first).generation == before.generation or not second.assignment():
            await asyncio.gather(first.getmany(timeout_ms=200), second.getmany(timeout_ms=200))
        with pytest.raises(GroupFenced, match="IllegalGeneration"):
            await _commit(producer, group, tp, member=before)
        await _commit(producer, group, tp, consumer=first)  # its new generation: accepted
        with pytest.raises(GroupFenced):
            await _commit(producer, group, tp, member=GroupMember(before.generation, "no-such-member"))
    finally:
        await producer.stop()
        for consumer in (first, second):
            if consumer is not None:
                await consumer.stop()


async def test_a_consumer_outside_its_group_commits_nothing(settings):
    consumer = AIOKafkaConsumer(**client_options(settings), group_id="never-joined")
    await consumer.start()
    try:
        with pytest.raises(GroupFenced, match="not a member"):
            member_of(consumer)
    finally:
        await consumer.stop()
