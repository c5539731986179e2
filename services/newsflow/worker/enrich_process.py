"""The enrichment in a child process, so that one article can be stopped.

spaCy and the extractors cannot be interrupted from inside: an article that runs too long
or grows too large would stall every partition the worker owns, and, past the consumer's
poll interval, cost the worker its place in the group. In a child process it is simply
killed. The child loads the model once and enriches what it is sent; the parent waits for
the answer under a deadline and watches the child's resident memory, kills it when either
budget is spent (raising Aborted), and starts a new one for the next request.

The child is `python -m newsflow.worker.enrich_process` (not a multiprocessing child,
which would import the parent's main module again), talking pickles over a socket pair;
it dies with its parent (PR_SET_PDEATHSIG) and ignores Ctrl-C, which the parent handles
for both.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import logging.config
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection

from newsflow import logs, metrics
from newsflow.errors import ConfigError, NewsflowError
from newsflow.core.article import Article, BadArticle
from newsflow.worker.pipeline import Outgoing, Stamp, published

log = logging.getLogger(__name__)
MEMORY_POLL_SECONDS = 0.05
START_SECONDS = 180.0  # loading the model, on a busy machine
# Past this share of its budget above what it held when it started, the child is replaced
# before the next request: a long-lived spaCy process grows with every new string it sees.
RECYCLE_SHARE = 0.5
# Enriched once before the child says it is ready: a cold model is ~70 MiB smaller than one
# that has read an article, and the recycling threshold is measured from the baseline.
WARM_UP = {"title": "Warm-up", "body": '"We are ready," the spokesman told reporters in London on Monday.'}
_PR_SET_PDEATHSIG = 1
_PAGE = os.sysconf("SC_PAGE_SIZE")

Result = list[Outgoing] | BadArticle  # one article's messages, or why it has none


@dataclass(frozen=True, slots=True)
class Budget:
    """What enriching one request may cost: wall seconds, and the child's resident MiB."""

    seconds: float
    memory_mb: int


class Aborted(Exception):
    """The request did not complete: it ran past its budget, or the child died; the child
    is gone. ``reason`` is a dead-letter reason (enrichment_timeout, enrichment_memory,
    enrichment_failed)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


class EnrichProcess:
    """One child process enriching articles for the worker, replaced when it overruns."""

    def __init__(self, model: str, batch_size: int, budget: Budget, log_level: str = "INFO",
                 log_format: str = "text", aliases: str = "", reuse: tuple[int, int] = (0, 0)):
        self.model, self.batch_size, self.budget = model, batch_size, budget
        self.reuse = reuse  # (entries, bytes) the child keeps for copies (worker/reuse.py)
        self._log = (log_level, log_format)
        self.aliases = aliases  # an extra alias table (NEWSFLOW_ALIASES), "" for none
        self._process: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self._started_mb = 0.0  # the child's resident memory once the model is loaded
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="enrich-io")

    @property
    def ready(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def start(self) -> None:
        """A child with the model loaded (ConfigError with its reason if it can't)."""
        if self.ready:
            return
        ours, theirs = socket.socketpair()
        started = time.monotonic()
        with theirs:
            process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(theirs.fileno()), self.model,
                 str(self.batch_size), *self._log, self.aliases, *map(str, self.reuse)],
                pass_fds=[theirs.fileno()])
        self._process, self._conn = process, Connection(ours.detach())
        try:
            hello = await asyncio.wait_for(self._receive(), START_SECONDS)
        except (EOFError, OSError, asyncio.TimeoutError):
            self.kill()
            raise NewsflowError(f"the enrichment process did not start (exit {process.poll()})") from None
        if isinstance(hello, BaseException):
            self.kill()
            raise ConfigError(f"the enrichment process cannot load the model: {hello}")
        metrics.ENRICH_PROCESS_STARTS.inc()
        self._started_mb = _rss_mb(process.pid)
        log.info("enrichment process %d ready in %.1fs (budget %.0fs, %d MiB per request)",
                 process.pid, time.monotonic() - started, self.budget.seconds, self.budget.memory_mb)

    async def enrich(self, items: list[tuple[Article, Stamp]]) -> list[Result]:
        """The messages of each (article, stamp), or its error, in order; Aborted if
        the request takes longer or grows larger than the budget (or the child dies)."""
        recycle_mb = self._started_mb + RECYCLE_SHARE * (self.budget.memory_mb - self._started_mb)
        if self.ready and _rss_mb(self.pid) > recycle_mb:
            log.info("enrichment process %d recycled at %.0f MiB idle", self.pid, _rss_mb(self.pid))
            self.kill()
        await self.start()
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        try:
            await loop.run_in_executor(self._io, self._conn.send, items)
        except OSError:
            self.kill()
            raise Aborted("enrichment_failed", "the enrichment process died") from None
        answer = asyncio.ensure_future(self._receive())
        watch = asyncio.ensure_future(self._memory_spent())
        try:
            done, _ = await asyncio.wait({answer, watch}, timeout=self.budget.seconds,
                                         return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # cancelled (stopping): the request is abandoned
            self.kill()
            raise
        finally:
            watch.cancel()
            if not answer.done():
                answer.cancel()  # its end (EOF, once the child is killed) concerns nobody
        metrics.ENRICH_PROCESS_RESIDENT.set(_rss_mb(self.pid) * 1024 * 1024 if self.ready else 0)
        if answer in done:
            try:
                results, reused = answer.result()
            except (EOFError, OSError):
                self.kill()
                raise Aborted("enrichment_failed", "the enrichment process died") from None
            metrics.ENRICHMENT_REUSED.inc(reused)
            return results
        self.kill()
        if watch in done:
            raise Aborted("enrichment_memory", f"over {self.budget.memory_mb} MiB")
        raise Aborted("enrichment_timeout",
                      f"not done in {self.budget.seconds:.0f}s (started {time.monotonic() - started:.0f}s ago)")

    async def _receive(self):
        return await asyncio.get_running_loop().run_in_executor(self._io, self._conn.recv)

    async def _memory_spent(self) -> None:
        """Returns once the child's resident memory passes the budget."""
        while _rss_mb(self._process.pid) <= self.budget.memory_mb:
            await asyncio.sleep(MEMORY_POLL_SECONDS)

    def kill(self) -> None:
        """Stop the child at once (SIGKILL); the next request starts a new one."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            metrics.ENRICH_PROCESS_RESIDENT.set(0)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        self.kill()
        self._io.shutdown(wait=False, cancel_futures=True)


def _rss_mb(pid: int | None) -> float:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return 0.0


def _serve(conn: Connection, model: str, batch_size: int, log_level: str, log_format: str,
           aliases: str, reuse_entries: int, reuse_bytes: int) -> None:
    """The child: load the model, then enrich each request until the parent goes away;
    each answer says how many of its articles were copies given a cached enrichment."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    logging.config.dictConfig(logs.dict_config(log_level, log_format))
    from newsflow.core.enrich import Enricher  # spaCy: only the child loads it
    from newsflow.core.parse import from_mapping
    from newsflow.worker.reuse import ReusingEnricher

    try:
        core = Enricher.load(model, batch_size=batch_size, aliases=aliases or None)
        core.enrich_batch([from_mapping(WARM_UP)])  # the parent's baseline: a warm model's size
        enricher = ReusingEnricher(core, reuse_entries, reuse_bytes)
    except Exception as exc:  # noqa: BLE001 - told to the parent, which reports it
        conn.send(RuntimeError(str(exc)))
        return
    conn.send("ready")
    while True:
        try:
            items = conn.recv()
        except (EOFError, OSError):
            return
        reused = enricher.reused
        results = enricher.enrich_batch([article for article, _ in items])
        conn.send(([result if isinstance(result, BadArticle) else published(result, stamp)
                    for result, (_, stamp) in zip(results, items)], enricher.reused - reused))


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent dies (a kill -9 included)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before the call
        os._exit(0)


if __name__ == "__main__":
    fd, model_name, size, level, form, extra_aliases, entries, most_bytes = sys.argv[1:]
    _serve(Connection(int(fd)), model_name, int(size), level, form, extra_aliases,
           int(entries), int(most_bytes))
