"""Transactional offset commits carry the consuming member's generation (KIP-447), so the
broker refuses those of a member the group has moved past: a paused worker's batch can
only be aborted, never committed beside its new owner's."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from newsflow.kafka.clients import consumer, fenced_producer, started
from newsflow.kafka.fenced_commit import FencedProducer, GroupFenced, GroupMember, member_of
from newsflow.topics.registry import RAW

pytestmark = pytest.mark.integration


async def _joined(settings, group: str) -> AIOKafkaConsumer:
    member = await started(consumer(settings, RAW.name(settings.topic_prefix), group_id=group),
                           settings)
    while not member.assignment():
        await member.getmany(timeout_ms=200)
    return member


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
    producer = await started(fenced_producer(settings, f"{group}.t"), settings)
    second = None
    try:
        before = member_of(first)
        await _commit(producer, group, tp, consumer=first)  # the current member: accepted
        second = await started(consumer(settings, RAW.name(settings.topic_prefix), group_id=group),
                               settings)
        while member_of(first).generation == before.generation or not second.assignment():
            await asyncio.gather(first.getmany(timeout_ms=200), second.getmany(timeout_ms=200))
        with pytest.raises(GroupFenced, match="IllegalGeneration"):
            await _commit(producer, group, tp, member=before)
        await _commit(producer, group, tp, consumer=first)  # its new generation: accepted
        with pytest.raises(GroupFenced):
            await _commit(producer, group, tp, member=GroupMember(before.generation, "no-such-member"))
    finally:
        await producer.stop()
        for member in (first, second):
            if member is not None:
                await member.stop()


async def test_a_consumer_outside_its_group_commits_nothing(settings):
    outsider = await started(consumer(settings, group_id="never-joined"), settings)
    try:
        with pytest.raises(GroupFenced, match="not a member"):
            member_of(outsider)
    finally:
        await outsider.stop()
