"""How created topics are replicated: "auto" follows the cluster's size, a number is checked
against it."""

from __future__ import annotations

import pytest

from newsflow.config import Settings
from newsflow.errors import ConfigError
from newsflow.kafka.admin import Replication, expected, replication
from newsflow.topics.registry import RAW


@pytest.mark.parametrize("brokers, want", [(1, Replication(1, 1)), (2, Replication(2, 1)),
                                           (3, Replication(3, 2)), (5, Replication(3, 2))])
def test_auto_is_up_to_three_copies_with_one_fewer_in_sync(brokers, want):
    assert replication(Settings(), brokers) == want


def test_numbers_given_are_kept():
    settings = Settings.from_env({"NEWSFLOW_REPLICATION": "5", "NEWSFLOW_MIN_INSYNC_REPLICAS": "3"})
    assert replication(settings, 6) == Replication(5, 3)
    assert replication(Settings(replication="2"), 3) == Replication(2, 1)


@pytest.mark.parametrize("factor, in_sync, says", [
    ("4", "auto", "has 3 broker(s): at most 3"),
    ("3", "4", "exceeds the replication factor 3"),
    ("three", "auto", '"auto" or a number'),
    ("0", "auto", '"auto" or a number'),
    ("auto", "-1", '"auto" or a number'),
])
def test_a_replication_the_cluster_cannot_have_is_a_config_error(factor, in_sync, says):
    with pytest.raises(ConfigError, match="NEWSFLOW_") as raised:
        replication(Settings(replication=factor, min_insync_replicas=in_sync), 3)
    assert says in str(raised.value)


def test_the_expected_topic_sets_min_insync_replicas_beside_the_registry_configs():
    want = expected(RAW, Settings(partitions=12), Replication(3, 2))
    assert want["partitions"] == 12 and want["replication"] == 3
    assert want["config"] == {**RAW.config, "min.insync.replicas": "2"}
