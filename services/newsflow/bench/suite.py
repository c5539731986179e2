"""`newsflow bench`: how fast the enrichment runs, side by side in one run on one machine.

1. the pure core (Enricher.enrich_batch in this process) over the corpus;
2. `newsflow worker` through a real broker, 1 then 2 workers, draining a backlog;
3. the naive one-message-at-a-time worker (bench_naive), drained the same way, and one
   worker that also keeps the trending tables (the default roles);
4. end-to-end latency at half the 1-worker saturation, offered by a paced producer;
5. each worker's peak RSS.

Progress goes to stderr; stdout gets the figures, and its LAST line is all of them as one
JSON object. docs/performance.md says what each figure means.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import orjson

from newsflow.bench import core as bench_core
from newsflow.bench import corpus as bench_corpus
from newsflow.bench.phase import Phase
from newsflow.config import Settings
from newsflow.errors import UsageError
from newsflow.local.progress import say
from newsflow.core.enrich import Enricher
from newsflow.local.broker import LocalKafka
from newsflow.local.worker_process import WORKER_COMMAND

NAIVE_COMMAND = ("-m", "newsflow.bench.naive")
QUICK = {"articles": 64, "paced_seconds": 20.0}
FULL = {"articles": 320, "paced_seconds": 90.0}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "python": platform.python_version()}


async def broker_phases(settings: Settings, workdir: Path, corpus: Path, count: int,
                        paced_seconds: float, broker_pid: int | None) -> dict:
    """Drain with 1 worker and then the paced load on that same (warm) worker; drain with
    2 workers; drain with the naive worker; drain with 1 worker that keeps the trending
    tables too. Every phase has its own topics and group. The 1- and 2-worker phases run
    the enrich role, the pipeline from raw to downstream topics that the naive worker also
    runs; trending is a consumer of the entity topic, measured apart."""
    articles = bench_corpus.load(corpus, count)
    timeout = 120.0 + count * 2.0
    enrich = settings.override(roles="enrich")
    async with Phase(enrich, "w1", workdir, 1, WORKER_COMMAND, broker_pid) as phase:
        say(f"1 worker draining {count} articles")
        one = await phase.saturation(articles, timeout)
        rate = one["articles_per_s"] / 2
        paced = bench_corpus.load(corpus, count + max(8, round(rate * paced_seconds)))[count:]
        say(f"  {one['articles_per_s']:.2f} articles/s; offering {rate:.2f}/s for latency")
        latency = await phase.latency(paced, rate, timeout)
        rss = phase.peak_rss_mb()
    async with Phase(enrich, "w2", workdir, 2, WORKER_COMMAND, broker_pid) as phase:
        say(f"2 workers draining {count} articles")
        two = await phase.saturation(articles, timeout)
        rss += phase.peak_rss_mb()
    async with Phase(settings, "naive", workdir, 1, NAIVE_COMMAND, broker_pid) as phase:
        say(f"naive worker draining {count} articles")
        naive = await phase.saturation(articles, timeout)
        naive_rss = phase.peak_rss_mb()
    both = settings.override(roles="enrich,trending")
    async with Phase(both, "w1_trending", workdir, 1, WORKER_COMMAND, broker_pid) as phase:
        say(f"1 worker with the trending tables draining {count} articles")
        with_trending = await phase.saturation(articles, timeout)
        rss += phase.peak_rss_mb()
    return {"w1": one, "w2": two, "naive": naive, "w1_trending": with_trending,
            "latency": latency, "rss_mb": rss, "naive_rss_mb": naive_rss}


def per_cpu(run: dict) -> float:
    """Articles per CPU-second of the workers over the drain."""
    return run["articles_per_s"] / run["cores"]["workers"]


def figures(core: dict, runs: dict) -> dict:
    one, two, naive, latency = runs["w1"], runs["w2"], runs["naive"], runs["latency"]
    with_trending = runs["w1_trending"]
    return {
        "core_articles_per_s": core["core_articles_per_s"],
        "core_words_per_s": core["core_words_per_s"],
        "pipeline_1w_articles_per_s": one["articles_per_s"],
        "pipeline_2w_articles_per_s": two["articles_per_s"],
        "naive_articles_per_s": naive["articles_per_s"],
        "pipeline_1w_trending_articles_per_s": with_trending["articles_per_s"],
        "core_articles_per_cpu_s": core["core_articles_per_cpu_s"],
        "pipeline_1w_articles_per_cpu_s": per_cpu(one),
        "pipeline_2w_articles_per_cpu_s": per_cpu(two),
        "naive_articles_per_cpu_s": per_cpu(naive),
        "pipeline_1w_trending_articles_per_cpu_s": per_cpu(with_trending),
        "latency_offered_articles_per_s": latency["offered_articles_per_s"],
        "latency_articles": latency["articles"],
        "latency_p50_s": latency["p50_s"],
        "latency_p95_s": latency["p95_s"],
        "latency_p99_s": latency["p99_s"],
        "latency_max_s": latency["max_s"],
        "rss_mb_per_worker": max(runs["rss_mb"]),
        "rss_mb_workers": runs["rss_mb"],
        "naive_rss_mb": max(runs["naive_rss_mb"]),
        "others_cores_max": max(run["cores"]["others"] for run in (one, two, naive, with_trending)),
        "pipeline_over_core": one["articles_per_s"] / core["core_articles_per_s"],
        "scale_2w_over_1w": two["articles_per_s"] / one["articles_per_s"],
        "batched_over_naive": one["articles_per_s"] / naive["articles_per_s"],
        "trending_in_worker_over_1w": with_trending["articles_per_s"] / one["articles_per_s"],
    }


def print_report(result: dict) -> None:
    rows = [
        ("core (enrich_batch, 1 process)", "core_articles_per_s"),
        ("pipeline, 1 worker", "pipeline_1w_articles_per_s"),
        ("pipeline, 2 workers", "pipeline_2w_articles_per_s"),
        ("naive worker (1 per message)", "naive_articles_per_s"),
        ("1 worker + trending tables", "pipeline_1w_trending_articles_per_s"),
    ]
    print(f"newsflow bench {result['date']} on {result['nproc']} x {result['cpu_model']} "
          f"(load {result['loadavg_1m_start']:.2f} -> {result['loadavg_1m_end']:.2f}), "
          f"{result['articles_per_phase']} articles/phase, batch {result['batch_size']}")
    for label, key in rows:
        print(f"  {label:34} {result[key]:7.2f} articles/s")
    print(f"  {'core words/s':34} {result['core_words_per_s']:7.0f}")
    print("  articles per CPU-second: " + "  ".join(
        f"{name} {result[f'{name}_articles_per_cpu_s']:.2f}"
        for name in ("core", "pipeline_1w", "pipeline_2w", "naive", "pipeline_1w_trending")))
    print(f"  latency at {result['latency_offered_articles_per_s']:.2f} articles/s offered: "
          f"p50 {result['latency_p50_s']:.3f} s  p95 {result['latency_p95_s']:.3f} s  "
          f"p99 {result['latency_p99_s']:.3f} s")
    print(f"  peak RSS per worker {result['rss_mb_per_worker']:.0f} MiB "
          f"(naive {result['naive_rss_mb']:.0f} MiB)")
    for name in ("w1", "w2", "naive", "w1_trending"):
        cores = result["phases"][name]["cores"]
        print(f"  cores used while {name} drained: " +
              "  ".join(f"{who} {used:.2f}" for who, used in cores.items()))
    print(f"  pipeline/core {result['pipeline_over_core']:.2f}  "
          f"2w/1w {result['scale_2w_over_1w']:.2f}  batched/naive {result['batched_over_naive']:.2f}  "
          f"with trending/1w {result['trending_in_worker_over_1w']:.2f}")
    print(orjson.dumps(result).decode())


def run(settings: Settings, quick: bool, corpus: str | None, articles: int | None,
        paced_seconds: float | None) -> int:
    size = QUICK if quick else FULL
    count = articles or size["articles"]
    if count < 2 * settings.batch_size:
        raise UsageError(f"--articles must be at least 2 batches "
                         f"({2 * settings.batch_size}): the first batch is a warm-up")
    corpus_dir = Path(corpus) if corpus else bench_corpus.DEFAULT_CORPUS
    began = time.monotonic()
    result = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        **machine(), "loadavg_1m_start": os.getloadavg()[0], "mode": "quick" if quick else "full",
        "corpus": str(corpus_dir), "corpus_files": len(list(corpus_dir.glob("*.txt"))),
        "articles_per_phase": count, "batch_size": settings.batch_size,
        "batch_seconds": settings.batch_seconds, "partitions": settings.partitions,
        "model": settings.model,
    }
    corpus_articles = bench_corpus.load(corpus_dir, count)
    result["mean_words_per_article"] = bench_corpus.words(corpus_articles) / count
    say(f"core: enrich_batch over {count} articles")
    enricher = Enricher.load(settings.model, settings.batch_size, aliases=settings.aliases or None)
    core = bench_core.measure(enricher, corpus_articles)
    say(f"  {core['core_articles_per_s']:.2f} articles/s")
    workdir = Path(tempfile.mkdtemp(prefix="newsflow-bench-"))
    broker = None
    try:
        if not settings.given("bootstrap"):
            say("starting a local Kafka")
            broker = LocalKafka(workdir / "kafka", settings=settings).start()
            settings = settings.override(bootstrap=broker.bootstrap)
        runs = asyncio.run(broker_phases(settings, workdir, corpus_dir, count,
                                         paced_seconds or size["paced_seconds"],
                                         broker.process.pid if broker else None))
    except (RuntimeError, TimeoutError) as exc:
        say(f"FAILED: {exc}\n(logs kept in {workdir})")
        if broker:
            broker.stop()
        return 1
    if broker:
        broker.stop()
    shutil.rmtree(workdir, ignore_errors=True)
    result.update(figures(core, runs), loadavg_1m_end=os.getloadavg()[0],
                  wall_seconds=time.monotonic() - began, phases=runs)
    print_report(result)
    return 0
