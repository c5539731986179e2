"""Enriching a triaged batch within its budgets, so that no article holds back the others.

The batch's fresh records go to the enrichment process in units: consecutive articles up
to UNIT_CHARS characters (spaCy is ~6 % faster over several texts than one at a time),
each unit under the per-request budget. A unit that overruns is killed and its articles
are enriched one by one; an article that overruns alone is dead-lettered with the reason
(enrichment_timeout, enrichment_memory). Once the batch has spent its soft deadline, or
the worker is stopping, no new unit starts: the enrichment ends early and the caller
commits the part that is done, so the loop goes back to its consumer well within the
poll interval whatever the input.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass

from newsflow import metrics
from newsflow.core.article import Article, BadArticle
from newsflow.worker.dedupe import Entry
from newsflow.worker.enrich_process import Aborted, EnrichProcess
from newsflow.worker.pipeline import Outgoing, outputs

UNIT_CHARS = 256_000  # four of the core's spaCy runs (core.enrich.PIPE_CHARS)
STOP_GRACE_SECONDS = 3.0  # for the unit in flight to finish once the worker stops


@dataclass(frozen=True, slots=True)
class Enriched:
    """The messages of the first ``done`` fresh entries of a batch, in order."""

    outputs: list[Outgoing]
    done: int


def key(entry: Entry) -> tuple[int, int]:
    """A raw record's (partition, offset): what names it across attempts."""
    return entry.record.partition, entry.record.offset


class BatchEnrichment:
    """Feeds batches to the enrichment process under the budgets; remembers which records
    must go alone (their unit overran) until they are done."""

    def __init__(self, process: EnrichProcess, limits: Mapping[str, int]):
        self.process = process
        self.limits = limits
        self.alone: set[tuple[int, int]] = set()

    def forget(self, partitions: set[int]) -> None:
        self.alone = {key for key in self.alone if key[0] not in partitions}

    async def enrich(self, fresh: list[Entry], stop: asyncio.Event, deadline: float) -> Enriched:
        """The outputs of ``fresh`` in order, or of a prefix of it: no unit starts after
        the ``deadline`` (time.monotonic) or once stopping, but the first always does."""
        out: list[Outgoing] = []
        done = 0
        while done < len(fresh):
            if done and (stop.is_set() or time.monotonic() > deadline):
                metrics.BATCHES_CUT.inc()
                break
            entry = fresh[done]
            if not isinstance(entry.parsed, Article):
                out += outputs(entry.record, entry.parsed, None, self.limits)
                done += 1
                continue
            unit = self._unit(fresh, done)
            try:
                results = await self._within_grace(unit, stop)
            except Aborted as exc:
                metrics.ENRICH_ABORTED.labels(exc.reason).inc()
                if len(unit) > 1:
                    self.alone.update(map(key, unit))
                    continue
                results = [BadArticle(exc.reason, exc.detail)]
            except _Stopped:
                break
            for entry, result in zip(unit, results):
                out += outputs(entry.record, entry.parsed, result, self.limits)
                self.alone.discard(key(entry))
            done += len(unit)
        return Enriched(out, done)

    def _unit(self, fresh: list[Entry], start: int) -> list[Entry]:
        """The articles from ``start`` that go to the process together."""
        unit = [fresh[start]]
        if key(unit[0]) in self.alone:
            return unit
        chars = len(unit[0].parsed.body)
        for entry in fresh[start + 1:]:
            if (not isinstance(entry.parsed, Article) or key(entry) in self.alone
                    or chars + len(entry.parsed.body) > UNIT_CHARS):
                break
            unit.append(entry)
            chars += len(entry.parsed.body)
        return unit

    async def _within_grace(self, unit: list[Entry], stop: asyncio.Event):
        """The unit's results; once the worker stops, the unit may finish within the grace
        period, else it is abandoned (_Stopped) and done again by the next owner."""
        request = asyncio.ensure_future(
            self.process.enrich([(e.parsed, e.stamp) for e in unit]))
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not request.done():
                await asyncio.wait({request}, timeout=STOP_GRACE_SECONDS)
            if not request.done():
                request.cancel()
                await asyncio.gather(request, return_exceptions=True)
                raise _Stopped()
            return request.result()
        finally:
            stopping.cancel()


class _Stopped(Exception):
    """The worker is stopping and the unit in flight was abandoned."""
