"""`newsflow bench --stories`: the story clustering's figures, no broker needed. Pairwise
precision and recall on the syndication corpus (bench/syndication.py), the time to sign
and place one article, and the index's memory per million stories (measured with
tracemalloc on random signatures, then scaled: the index grows linearly)."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import numpy as np
from datasketch import MinHash

from newsflow.bench.syndication import EDITS, corpus, pairwise
from newsflow.worker.stories import NUM_PERM, SCHEME, Signature, StoryIndex, signature


def memory_per_million(stories: int) -> float:
    """MiB the index takes per million stories, from an index of ``stories`` of them."""
    rng = np.random.default_rng(17)
    signatures = [Signature(MinHash(num_perm=NUM_PERM, scheme=SCHEME,
                                    hashvalues=rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64)), 700)
                  for _ in range(stories)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = StoryIndex(stories)
    for n, found in enumerate(signatures):
        index.founded(f"{n:016x}", found)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used / stories * 1_000_000 / 2**20


def run(folder: Path, originals: int, stories: int) -> dict:
    started = time.monotonic()
    items = corpus(folder, originals)
    built = time.monotonic() - started
    index = StoryIndex(len(items))
    started = time.monotonic()
    found = [index.assign(f"{n:016x}", signature(item.body)).id for n, item in enumerate(items)]
    seconds = time.monotonic() - started
    precision, recall = pairwise(items, found)
    figures = {
        "items": len(items), "copies_per_story": len(EDITS), "stories_found": len(index),
        "pairwise_precision": round(precision, 4), "pairwise_recall": round(recall, 4),
        "ms_per_article": round(seconds / len(items) * 1000, 2),
        "index_mib_per_million_stories": round(memory_per_million(stories)),
        "corpus_build_seconds": round(built, 1),
    }
    print(f"story clustering on {len(items)} items ({len(EDITS)} copies of each story): "
          f"precision {precision:.3f}, recall {recall:.3f}, {figures['ms_per_article']} ms per "
          f"article; index {figures['index_mib_per_million_stories']} MiB per million stories")
    print(json.dumps(figures))
    return figures
