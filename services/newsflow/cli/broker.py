"""`newsflow broker`: a real Kafka (KRaft) on this machine until Ctrl-C, one node or with
`--nodes N` a cluster of N (each a broker and a controller voter), its data kept in
NEWSFLOW_DATA_DIR/kafka (a cluster: kafka-Nnodes) between runs; `--fetch` only fetches the jars."""

from __future__ import annotations

import signal
from pathlib import Path

from newsflow.config import Settings
from newsflow.errors import ConfigError

HELP = "run a local Kafka (KRaft), one node or a cluster, until interrupted"
MAX_NODES = 9  # a local cluster: each node is a JVM with NEWSFLOW_KAFKA_HEAP of heap


def add_arguments(parser) -> None:
    parser.add_argument("--port", type=int, help="client port (default 9092; a cluster: free "
                        "ports, or this one and the next ones)")
    parser.add_argument("--nodes", type=int, default=1,
                        help=f"brokers in the cluster, 1 to {MAX_NODES} (default 1)")
    parser.add_argument("--data-dir", help="storage folder (default: NEWSFLOW_DATA_DIR/kafka)")
    parser.add_argument("--fetch", action="store_true", help="only fetch the jars with Maven, then exit")


def run(settings: Settings, args) -> int:
    from newsflow.local.broker import LocalCluster, LocalKafka, ensure_jars

    if args.fetch:
        print(ensure_jars(settings))
        return 0
    if not 1 <= args.nodes <= MAX_NODES:
        raise ConfigError(f"--nodes {args.nodes}: a local cluster has 1 to {MAX_NODES} nodes")
    if args.nodes == 1:
        broker = LocalKafka(Path(args.data_dir or Path(settings.data_dir) / "kafka"),
                            port=args.port or 9092, settings=settings)
        nodes = [broker]
    else:
        broker = LocalCluster(Path(args.data_dir or Path(settings.data_dir) / f"kafka-{args.nodes}nodes"),
                              args.nodes, port=args.port, settings=settings)
        nodes = broker.nodes
    # SIGTERM, even while starting, interrupts the main thread as Ctrl-C does, which then
    # runs the clean stop below (stopping from the handler would deadlock).
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        broker.start()
        print(f"Kafka ready on {broker.bootstrap} (data and logs in {broker.data_dir}); "
              "Ctrl-C stops it", flush=True)
        for node in nodes:  # until they have all ended or Ctrl-C
            node.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        broker.stop()
    return 0


def _interrupt(*_) -> None:
    raise KeyboardInterrupt
