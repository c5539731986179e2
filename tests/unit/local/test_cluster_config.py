"""What each node of a LocalCluster is configured with, without starting Java: one static
quorum of all nodes, its own id and ports, internal topics replicated 3 times with 2 in
sync; a lone LocalKafka keeps 1 and 1."""

from __future__ import annotations

import subprocess
import sys

from newsflow.local.broker import LocalCluster, LocalKafka


def properties(node: LocalKafka) -> dict[str, str]:
    lines = node._write_config().read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_every_node_knows_the_whole_quorum_and_replicates_the_internal_topics(tmp_path):
    cluster = LocalCluster(tmp_path, 3)
    configs = []
    for node in cluster.nodes:
        node.data_dir.mkdir(parents=True)
        configs.append(properties(node))
    quorum = {config["controller.quorum.voters"] for config in configs}
    assert len(quorum) == 1 and len(quorum.pop().split(",")) == 3
    assert [config["node.id"] for config in configs] == ["1", "2", "3"]
    assert len({node.port for node in cluster.nodes} | {node.controller_port for node in cluster.nodes}) == 6
    for config in configs:
        assert config["offsets.topic.replication.factor"] == "3"
        assert config["transaction.state.log.replication.factor"] == "3"
        assert config["transaction.state.log.min.isr"] == "2"
        assert config["auto.create.topics.enable"] == "false"
    assert cluster.bootstrap == ",".join(f"127.0.0.1:{node.port}" for node in cluster.nodes)


def test_the_nodes_share_one_cluster_id_kept_beside_them(tmp_path):
    first = LocalCluster(tmp_path, 3)
    assert len({node.cluster_id for node in first.nodes}) == 1
    assert LocalCluster(tmp_path, 3).nodes[0].cluster_id == first.nodes[0].cluster_id


def test_consecutive_ports_from_the_one_given(tmp_path):
    assert [node.port for node in LocalCluster(tmp_path, 3, port=19092).nodes] == [19092, 19093, 19094]


def test_a_lone_broker_keeps_one_replica(tmp_path):
    config = properties(LocalKafka(tmp_path))
    assert config["node.id"] == "1" and config["controller.quorum.voters"].count("@") == 1
    assert config["offsets.topic.replication.factor"] == "1"
    assert config["transaction.state.log.min.isr"] == "1"


def test_a_node_count_out_of_bounds_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "newsflow.cli", "broker", "--nodes", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "newsflow broker: --nodes 0: a local cluster has 1 to 9 nodes"
