"""`newsflow broker`: a real Kafka (KRaft, single node) on this machine until Ctrl-C, its
data kept in NEWSFLOW_DATA_DIR/kafka between runs; `--fetch` only fetches the jars."""

from __future__ import annotations

import signal
from pathlib import Path

from newsflow.config import Settings

HELP = "run a local Kafka (KRaft) until interrupted"


def add_arguments(parser) -> None:
    parser.add_argument("--port", type=int, default=9092, help="client port (default 9092)")
    parser.add_argument("--data-dir", help="storage folder (default: NEWSFLOW_DATA_DIR/kafka)")
    parser.add_argument("--fetch", action="store_true", help="only fetch the jars with Maven, then exit")


def run(settings: Settings, args) -> int:
    from newsflow.local.broker import LocalKafka, ensure_jars

    if args.fetch:
        print(ensure_jars(settings))
        return 0
    broker = LocalKafka(Path(args.data_dir or Path(settings.data_dir) / "kafka"), port=args.port,
                        settings=settings)
    broker.start()
    print(f"Kafka ready on {broker.bootstrap} (data and logs in {broker.data_dir}); Ctrl-C stops it",
          flush=True)
    # The handler only forwards the signal: the main thread, waiting on the process,
    # then runs the clean stop below (stopping from the handler would deadlock).
    signal.signal(signal.SIGTERM, lambda *_: broker.process.send_signal(signal.SIGTERM))
    try:
        broker.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        broker.stop()
    return 0
