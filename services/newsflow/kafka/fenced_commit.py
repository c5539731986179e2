"""Transactional offset commits that a paused worker cannot land (KIP-447).

aiokafka sends TxnOffsetCommit v0, which names no group generation: a worker paused past
its session timeout (SIGSTOP, a long GC or VM pause, CPU throttling) is expelled and its
partitions go to another member, yet when it resumes the broker still accepts its offsets
and its transaction commits: the batch comes out twice (measured: 14 articles doubled in
3,000 over three 15 s pauses of one of two workers). Version 3 of the request carries the
member id and generation the offsets were consumed under, and the group coordinator
refuses them once the group has moved on (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID): the
transaction can then only be aborted, and nothing of it becomes visible.

`FencedProducer` is an AIOKafkaProducer whose ``send_offsets_to_transaction`` takes the
consumer whose offsets it commits and refuses at once when that consumer is out of its
group (generation -1 after a failed heartbeat).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import TypeAlias

import aiokafka.errors as Errors
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.client import CoordinationType
from aiokafka.producer.sender import Sender, TxnOffsetCommitHandler
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.transaction import TxnOffsetCommitRequest_v0
from aiokafka.protocol.types import (
    CompactArray,
    CompactString,
    Int16,
    Int32,
    Int64,
    Schema,
    TaggedFields,
)
from aiokafka.structs import TopicPartition

# The coordinator's answers meaning "this member no longer owns what it commits".
FENCING_ERRORS = (
    Errors.IllegalGenerationError,
    Errors.UnknownMemberIdError,
    Errors.RebalanceInProgressError,
)
_FENCED_INSTANCE_ID = 82


class GroupFenced(Errors.KafkaError):
    """The offsets belong to a group generation this worker is no longer part of: its
    transaction must be aborted (another member owns the partitions now)."""

    retriable = False


@dataclass(frozen=True, slots=True)
class GroupMember:
    """Who consumed the offsets: the group's generation and this member's id in it."""

    generation: int
    member_id: str
    group_instance_id: str | None = None


def member_of(consumer: AIOKafkaConsumer) -> GroupMember:
    """The consumer's current membership; GroupFenced if it has none (expelled, or
    rejoining after a failed heartbeat)."""
    coordinator = consumer._coordinator  # aiokafka keeps it private; pinned version
    if coordinator is None or coordinator.generation < 0 or not coordinator.member_id:
        raise GroupFenced("the consumer is not a member of its group")
    return GroupMember(coordinator.generation, coordinator.member_id,
                       getattr(coordinator, "_group_instance_id", None))


class TxnOffsetCommitResponse_v3(Response):
    API_KEY = 28
    API_VERSION = 3
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("topics", CompactArray(
            ("name", CompactString("utf-8")),
            ("partitions", CompactArray(
                ("partition_index", Int32),
                ("error_code", Int16),
                ("tags", TaggedFields),
            )),
            ("tags", TaggedFields),
        )),
        ("tags", TaggedFields),
    )


class TxnOffsetCommitRequest_v3(RequestStruct):
    FLEXIBLE_VERSION = True
    API_KEY = 28
    API_VERSION = 3
    RESPONSE_TYPE = TxnOffsetCommitResponse_v3
    SCHEMA = Schema(
        ("transactional_id", CompactString("utf-8")),
        ("group_id", CompactString("utf-8")),
        ("producer_id", Int64),
        ("producer_epoch", Int16),
        ("generation_id", Int32),
        ("member_id", CompactString("utf-8")),
        ("group_instance_id", CompactString("utf-8")),
        ("topics", CompactArray(
            ("name", CompactString("utf-8")),
            ("partitions", CompactArray(
                ("partition_index", Int32),
                ("committed_offset", Int64),
                ("committed_leader_epoch", Int32),
                ("committed_metadata", CompactString("utf-8")),
                ("tags", TaggedFields),
            )),
            ("tags", TaggedFields),
        )),
        ("tags", TaggedFields),
    )


_Structs: TypeAlias = TxnOffsetCommitRequest_v0 | TxnOffsetCommitRequest_v3


class MemberTxnOffsetCommitRequest(Request[_Structs]):
    """TxnOffsetCommit naming the consuming member (v3); a broker that only knows v0 gets
    v0, without the fencing."""

    API_KEY = 28

    def __init__(self, transactional_id: str, group_id: str, producer_id: int,
                 producer_epoch: int, member: GroupMember,
                 topics: list[tuple[str, list[tuple[int, int, str]]]]):
        self._args = (transactional_id, group_id, producer_id, producer_epoch)
        self._member = member
        self._topics = topics

    def build(self, request_struct_class: type[_Structs]) -> _Structs:
        if request_struct_class is TxnOffsetCommitRequest_v0:
            return TxnOffsetCommitRequest_v0(*self._args, self._topics)
        member = self._member
        topics = [(name, [(p, offset, -1, meta, {}) for p, offset, meta in parts], {})
                  for name, parts in self._topics]
        return TxnOffsetCommitRequest_v3(*self._args, member.generation, member.member_id,
                                         member.group_instance_id, topics, {})


class _MemberTxnOffsetCommitHandler(TxnOffsetCommitHandler):
    def __init__(self, sender, offsets, group_id, member: GroupMember):
        super().__init__(sender, offsets, group_id)
        self._member = member

    def create_request(self):
        txn_manager = self._sender._txn_manager
        topics = collections.defaultdict(list)
        for tp, offset in sorted(self._offsets.items()):
            topics[tp.topic].append((tp.partition, offset.offset, offset.metadata))
        return MemberTxnOffsetCommitRequest(
            txn_manager.transactional_id, self._group_id, txn_manager.producer_id,
            txn_manager.producer_epoch, self._member, list(topics.items()))

    def handle_response(self, resp):
        if isinstance(resp, TxnOffsetCommitResponse_v3):
            fenced = [(name, p, code) for name, parts, _ in resp.topics
                      for p, code, _ in parts if _fences(code)]
            if fenced:
                name, partition, code = fenced[0]
                error = Errors.for_code(code)
                self._sender._txn_manager.error_transaction(GroupFenced(
                    f"offsets of {TopicPartition(name, partition)} refused: "
                    f"{error.__name__} (generation {self._member.generation})"))
                return None
            resp = _as_v0(resp)
        return super().handle_response(resp)


def _fences(code: int) -> bool:
    return code == _FENCED_INSTANCE_ID or Errors.for_code(code) in FENCING_ERRORS


_V0Answer = collections.namedtuple("_V0Answer", "errors")


def _as_v0(resp: TxnOffsetCommitResponse_v3) -> _V0Answer:
    """The v3 answer in v0's shape, for aiokafka's handling of every other error."""
    return _V0Answer([(name, [(p, code) for p, code, _ in parts]) for name, parts, _ in resp.topics])


class _MemberSender(Sender):
    """aiokafka's sender, committing transactional offsets with the member named by the
    producer for the transaction in progress."""

    member: GroupMember | None = None

    async def _do_txn_offset_commit(self, offsets, group_id):
        if not offsets:
            return
        if self.member is None:
            return await super()._do_txn_offset_commit(offsets, group_id)
        try:
            node_id = await self._find_coordinator(CoordinationType.GROUP, group_id)
        except Errors.GroupAuthorizationFailedError as exc:
            self._txn_manager.error_transaction(exc)
            return
        await _MemberTxnOffsetCommitHandler(self, offsets, group_id, self.member).do(node_id)


class FencedProducer(AIOKafkaProducer):
    """A transactional producer whose offset commits are fenced by group generation."""

    def __init__(self, **options):
        super().__init__(**options)
        self._sender.__class__ = _MemberSender  # same state, our offset commit

    async def send_offsets_to_transaction(self, offsets, group_id, consumer: AIOKafkaConsumer):
        """Add the consumer's ``offsets`` to the transaction, valid only while it is still
        the member (and generation) that consumed them."""
        self._sender.member = member_of(consumer)
        await super().send_offsets_to_transaction(offsets, group_id)
