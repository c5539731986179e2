"""Where a `newsflow worker` spends its CPU while it drains a backlog: py-spy samples the
worker process (every thread, idle time left out) over the drain, and the samples are
summed by what the worker was doing.

    python bench/profile_worker.py [--articles 96] [--rate 100] [--out DIR]

Starts a local Kafka and one worker as `newsflow bench` does (bench_kafka.Phase), samples
it with py-spy (pip install py-spy==0.4.3; it reads the worker's memory, so it needs root
or ptrace rights), prints the shares as a table and one JSON line, and keeps the
collapsed stacks in DIR/worker.stacks for flame graphs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from newsflow.bench import corpus as bench_corpus
from newsflow.bench.phase import Phase
from newsflow.config import Settings
from newsflow.local.broker import LocalKafka

# What a sample was doing: the first activity of this list with a frame in its stack, so
# "nlp.pipe" is all of spaCy however deep, and aiokafka's sends within a transaction count
# as the transaction; faust and mode sit at the root of every event-loop stack, last.
ACTIVITIES = (
    ("spaCy (nlp.pipe)", ("pipe (spacy/language.py",)),
    ("quotes (extract_quotes)", ("extract_quotes (newsflow/core/quotes/__init__.py",)),
    ("entities (canonicalize)", ("canonicalize (newsflow/core/entities/__init__.py",)),
    ("metadata (describe)", ("describe (newsflow/core/metadata.py",)),
    ("parse raw messages", ("from_message (newsflow/core/parse.py",)),
    ("build + encode messages", ("_published (newsflow/worker/pipeline.py",
                                 "_dead_letter (newsflow/worker/pipeline.py")),
    ("dedupe (seen store)", ("newsflow/worker/dedupe.py",)),
    ("transaction + sends", ("_commit_transaction (newsflow/worker/transactional.py",
                             "_commit_at_least_once (newsflow/worker/transactional.py")),
    ("trending tables (faust agent)", ("newsflow/worker/trending_app.py",)),
    ("lag and readiness probes", ("newsflow/worker/observe.py",)),
    ("aiokafka (fetch, send, protocol)", ("aiokafka/",)),
    ("faust, mode, asyncio (rest of the event loop)", ("faust/", "mode/")),
)
OTHER = "other (threads, GC)"
# py-spy counts an event loop waiting in epoll with a short timeout as active: not work.
WAITING = ("EpollSelector.select (selectors.py",)


def activity(stack: str) -> str:
    """The activity of one collapsed stack ("frame;frame;...")."""
    return next((name for name, needles in ACTIVITIES if any(n in stack for n in needles)), OTHER)


def summarise(stacks: Path) -> dict[str, float]:
    """Share of the working samples per activity (waits in epoll left out, and counted)."""
    counts: Counter = Counter()
    waiting = 0
    for line in stacks.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if stack.rsplit(";", 1)[-1].startswith(WAITING):
            waiting += int(n)
        else:
            counts[activity(stack)] += int(n)
    total = sum(counts.values()) or 1
    return {name: counts[name] / total for name, _ in ACTIVITIES + ((OTHER, ()),)
            if counts[name]} | {"samples": total, "epoll_wait_samples": waiting}


async def profile(settings: Settings, workdir: Path, count: int, rate: int, out: Path,
                  broker_pid: int) -> dict:
    articles = bench_corpus.load(bench_corpus.DEFAULT_CORPUS, count)
    async with Phase(settings, "profile", workdir, broker_pid=broker_pid) as phase:
        await phase.start_workers()
        spy = subprocess.Popen(["py-spy", "record", "--pid", str(phase.workers[0].process.pid),
                                "--threads", "--rate", str(rate), "--format", "raw",
                                "--output", str(out / "worker.stacks")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        drained = await phase.drain(articles, 120.0 + count * 2.0)
        spy.send_signal(signal.SIGINT)
        _, err = spy.communicate(timeout=60)
        if not (out / "worker.stacks").exists():
            raise SystemExit(f"py-spy wrote nothing: {err.decode().strip()}")
    return {"articles": count, "articles_per_s": drained["articles_per_s"],
            "worker_cores": drained["cores"]["workers"],
            "broker_cores": drained["cores"]["broker"], **summarise(out / "worker.stacks")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=96)
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="newsflow-profile-"))
    out = args.out or workdir
    out.mkdir(parents=True, exist_ok=True)
    with LocalKafka(workdir / "kafka") as kafka:
        settings = Settings.from_env().override(bootstrap=kafka.bootstrap)
        result = asyncio.run(profile(settings, workdir, args.articles, args.rate, out,
                                     kafka.process.pid))
    print(f"worker profile: {result['articles']} articles at {result['articles_per_s']:.2f}/s, "
          f"{result['worker_cores']:.2f} cores (broker {result['broker_cores']:.2f}), "
          f"{result['samples']} samples")
    for name, share in result.items():
        if isinstance(share, float) and name not in ("articles_per_s", "worker_cores", "broker_cores"):
            print(f"  {name:34} {share:6.1%}")
    print(f"stacks: {out / 'worker.stacks'}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
