"""`newsflow bench [--quick]`: throughput, latency and memory figures: the core in this
process, then 1 and 2 workers, a naive worker and a worker with the trending tables
through a real broker (docs/performance.md); the figures as JSON on the last line."""

from __future__ import annotations

from newsflow.cli import options
from newsflow.config import Settings

HELP = "throughput, latency and memory: core, 1 and 2 workers, naive"


def add_arguments(parser) -> None:
    parser.add_argument("--quick", action="store_true", help="a smaller run (under 3 minutes)")
    parser.add_argument("--corpus", help="folder of .txt articles (default: PolNeAR train texts)")
    parser.add_argument("--articles", type=int, help="articles per phase (default 320, quick 64)")
    parser.add_argument("--paced-seconds", type=float, help="length of the latency run (90, quick 20)")
    parser.add_argument("--partitions", type=int, help="raw-topic partitions (NEWSFLOW_PARTITIONS)")
    parser.add_argument("--archive", action="store_true",
                        help="the archive's figures instead: write throughput, search latency, size")
    parser.add_argument("--stories", action="store_true",
                        help="only the story clustering's figures (no broker; docs/stories.md)")
    options.connection(parser)


def run(settings: Settings, args) -> int:
    if args.archive:
        import json

        from newsflow.bench.archive import run as archive

        print(json.dumps(archive(args.articles or (2000 if args.quick else 10000))))
        return 0
    if args.stories:
        from newsflow.bench import corpus, reuse, stories

        folder = args.corpus or corpus.DEFAULT_CORPUS
        stories.run(folder, args.articles or (100 if args.quick else 840), 20_000 if args.quick else 100_000)
        reuse.run(folder, 100 if args.quick else 320)
        return 0
    from newsflow.bench.suite import run as suite

    return suite(settings, args.quick, args.corpus, args.articles, args.paced_seconds)
