"""What each spaCy component of the enrichment's pipeline costs, and whether the
enrichment needs it.

* cost: the corpus is tokenised once, then run through the pipeline one component at a
  time (each component's own ``pipe`` over every doc, batch size as the worker's), so each
  component is timed alone; the extractors (quotes, entities, metadata) are timed as
  enrich_batch minus nlp.pipe.
* use: which token/doc attributes the code in newsflow/core reads (grep, so it follows
  the code as it changes) and so which component it relies on;
* effect: the enrichment run with that one component disabled, compared with the full
  run: in how many articles do quotes, entities or metadata change.

Usage: python bench/component_costs.py [--corpus DIR] [--articles N] [--batch-size B]
Prints a table, then the figures as JSON on the last line.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import time
from pathlib import Path

import orjson

from newsflow.bench import corpus as bench_corpus
from newsflow.core import enrich
from newsflow.core.enrich import Enricher
from newsflow.config import Settings

# The attribute reads that need each component (attribute_ruler maps tag_ to pos_; the
# rule lemmatizer needs pos_; tok2vec feeds tagger and parser).
READS = {
    "tagger": r"\.tag_\b",
    "attribute_ruler": r"\.pos_\b",
    "lemmatizer": r"\.lemma_\b",
    "parser": r"\.(dep_|head|children|subtree|lefts|rights|left_edge|right_edge|sents?|"
              r"noun_chunks|ancestors|conjuncts)\b",
    "ner": r"\.(ents|ent_type_|ent_iob_|label_)\b",
}
FEEDS = {"tok2vec": ("tagger", "parser"), "tagger": ("attribute_ruler",),
         "attribute_ruler": ("lemmatizer",)}
CORE = Path(enrich.__file__).parent


def readers() -> dict[str, list[str]]:
    """Component -> the core modules whose code reads what it sets."""
    found: dict[str, list[str]] = {name: [] for name in READS}
    for path in sorted(CORE.rglob("*.py")):
        code = "\n".join(line.split("#")[0] for line in path.read_text().splitlines())
        for name, pattern in READS.items():
            if re.search(pattern, code):
                found[name].append(path.relative_to(CORE).with_suffix("").as_posix())
    return found


def component_seconds(enricher: Enricher, texts: list[str]) -> dict[str, float]:
    nlp, size = enricher.nlp, enricher.batch_size
    started = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    seconds = {"tokenizer": time.perf_counter() - started}
    for name, component in nlp.pipeline:
        started = time.perf_counter()
        docs = list(component.pipe(docs, batch_size=size))
        seconds[name] = time.perf_counter() - started
    return seconds


def changed_without(enricher: Enricher, articles, full: list[dict], name: str) -> dict | str:
    """Run in a forked child: code that walks a parse that is not there may crash spaCy
    (a segfault without the parser), which is itself the answer."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=lambda: send.send(_changed(enricher, articles, full, name)))
    child.start()
    send.close()
    try:
        result = receive.recv()
    except EOFError:
        result = None
    child.join()
    return result if child.exitcode == 0 else f"crashed (exit {child.exitcode})"


def _changed(enricher: Enricher, articles, full: list[dict], name: str) -> dict:
    with enricher.nlp.select_pipes(disable=[name]):
        results = enricher.enrich_batch(articles)
    diff = {key: 0 for key in ("quotes", "entities", "canonical_entities", "other")}
    for before, after in zip(full, results):
        if not isinstance(after, dict):
            diff["other"] += 1
            continue
        for key in ("quotes", "entities", "canonical_entities"):
            diff[key] += before[key] != after[key]
        rest = {k for k in before if k not in ("quotes", "entities", "canonical_entities")}
        diff["other"] += any(before[k] != after.get(k) for k in rest)
    return diff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(bench_corpus.DEFAULT_CORPUS))
    parser.add_argument("--articles", type=int, default=48)
    parser.add_argument("--batch-size", type=int, default=Settings().batch_size)
    args = parser.parse_args()
    enricher = Enricher.load(Settings().model, batch_size=args.batch_size)
    articles = bench_corpus.load(Path(args.corpus), args.articles)
    texts = [article.body for article in articles]
    enricher.enrich_batch(articles[: args.batch_size])  # warm-up
    seconds = component_seconds(enricher, texts)
    started = time.perf_counter()
    list(enricher.nlp.pipe(texts, batch_size=args.batch_size))
    nlp_seconds = time.perf_counter() - started
    started = time.perf_counter()
    full = enricher.enrich_batch(articles)
    seconds["extractors"] = max(0.0, time.perf_counter() - started - nlp_seconds)
    used = readers()
    total = sum(seconds.values())
    rows = {}
    print(f"{len(articles)} articles, {bench_corpus.words(articles)} words, batch {args.batch_size}")
    print(f"{'component':16} {'s':>7} {'share':>6} {'art/s alone':>11}  read by / feeds"
          f"            changed without it (articles: quotes/entities/canonical/other)")
    for name, spent in seconds.items():
        users = used.get(name, []) + [f"->{n}" for n in FEEDS.get(name, ())]
        effect = (changed_without(enricher, articles, full, name)
                  if name in enricher.nlp.pipe_names else None)
        rows[name] = {"seconds": spent, "share": spent / total, "read_by": used.get(name, []),
                      "feeds": list(FEEDS.get(name, ())), "changed_without": effect}
        shown = "/".join(map(str, effect.values())) if isinstance(effect, dict) else effect or "-"
        print(f"{name:16} {spent:7.2f} {spent / total:6.1%} {len(articles) / spent:11.1f}  "
              f"{', '.join(users) or '-':28} {shown}")
    print(f"{'total':16} {total:7.2f}         {len(articles) / total:11.2f} articles/s "
          f"(nlp.pipe alone {len(articles) / nlp_seconds:.2f})")
    print(orjson.dumps({"articles": len(articles), "batch_size": args.batch_size,
                        "components": rows, "nlp_pipe_seconds": nlp_seconds}).decode())


if __name__ == "__main__":
    main()
