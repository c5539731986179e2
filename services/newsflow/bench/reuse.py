"""`newsflow bench --stories`, the reuse phase: the enrichment's throughput on a stream in
which 40 % of the articles are identical-body copies (same title, body and day, another
outlet's id, url and source) of articles earlier in it, with reuse on (worker/reuse.py)
and off (NEWSFLOW_REUSE_ENTRIES=0), batch by batch as the enrichment process runs it;
off, on, off, on, the better of each (the order and the other work on the machine do not
favour one). No broker: the stage reuse changes, the rest of the pipeline costs both the same."""

from __future__ import annotations

import json
import random
import time
from dataclasses import replace
from pathlib import Path

from newsflow.bench.corpus import load
from newsflow.core.article import Article
from newsflow.core.enrich import Enricher
from newsflow.worker.reuse import ReusingEnricher

COPY_SHARE = 0.4
WARM_UP = 4  # articles outside the stream enriched first, untimed


def stream(originals: list[Article], length: int, seed: int = 17) -> list[Article]:
    """``length`` articles, COPY_SHARE of them copies of an original already in it."""
    rng = random.Random(seed)
    unused, out = iter(originals), []
    emitted: list[Article] = []
    for n in range(length):
        if emitted and rng.random() < COPY_SHARE:
            copy = replace(rng.choice(emitted), id=f"copy{n:012x}",
                           url=f"https://outlet.invalid/{n}", source="Another outlet")
            out.append(copy)
        else:
            emitted.append(next(unused))
            out.append(emitted[-1])
    return out


def throughput(enricher: Enricher, articles: list[Article], entries: int) -> dict:
    reusing = ReusingEnricher(enricher, entries, 64 << 20)
    size = enricher.batch_size
    started, cpu = time.perf_counter(), time.process_time()
    for at in range(0, len(articles), size):
        reusing.enrich_batch(articles[at:at + size])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"articles_per_s": round(len(articles) / seconds, 2),
            "articles_per_cpu_s": round(len(articles) / cpu, 2), "reused": reusing.reused}


def run(folder: Path, length: int) -> dict:
    corpus = load(folder, length + WARM_UP)
    articles = stream(corpus[WARM_UP:], length)
    enricher = Enricher.load()
    enricher.enrich_batch(corpus[:WARM_UP])
    runs = [throughput(enricher, articles, entries) for _ in range(2) for entries in (0, 10_000)]
    off, on = (max(runs[mode::2], key=lambda run: run["articles_per_s"]) for mode in (0, 1))
    copies = sum(1 for a in articles if a.id.startswith("copy"))
    figures = {"stream": len(articles), "copies": copies, "reuse_off": off, "reuse_on": on,
               "speedup": round(on["articles_per_s"] / off["articles_per_s"], 2),
               "speedup_cpu": round(on["articles_per_cpu_s"] / off["articles_per_cpu_s"], 2)}
    print(f"reuse on {len(articles)} articles ({copies} identical-body copies): "
          f"{off['articles_per_s']} articles/s off, {on['articles_per_s']} on "
          f"({figures['speedup']}x; per CPU-second {figures['speedup_cpu']}x), "
          f"{on['reused']} reused")
    print(json.dumps(figures))
    return figures
