"""Fault tests on a real three-broker cluster (LocalCluster): one cluster shared by the
package's tests, each with its own topics and consumer group (tests/faults/conftest.py),
restored before each test (every node running, every replica in sync)."""

from __future__ import annotations

import pytest

from newsflow.config import Settings
from newsflow.local.broker import LocalCluster
from tests.conftest import running_broker
from tests.faults.cluster.replicas import wait_in_sync

NODES = 3


@pytest.fixture(scope="package")
def cluster(request, tmp_path_factory):
    yield from running_broker(tmp_path_factory.mktemp("cluster"), request,
                              launch=lambda folder: LocalCluster(folder, NODES),
                              logs="{folder}/node-*/kafka.log")


@pytest.fixture
def kafka(cluster):
    """The shared cluster, as the fault tests' settings fixture takes it: whole again."""
    cluster.start()  # the nodes a test left stopped or killed
    wait_in_sync(Settings(bootstrap=cluster.bootstrap), NODES)
    return cluster
