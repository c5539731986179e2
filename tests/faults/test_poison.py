"""Poison mixed into a valid stream: each bad message is dead-lettered with its reason,
the rest flows, and the worker's memory stays bounded."""

from __future__ import annotations

import base64
import hashlib
import threading

import orjson

from newsflow.topics import messages, validate
from newsflow.topics.registry import DEAD_LETTER, SEEN, TOPIC_MAX_BYTES
from tests.faults.stream import Stream, article, audit_into, read_messages, rss_mb, wait_caught_up

ARTICLES = 2000
TEN_MB = b'{"title": "huge", "body": "' + b"word " * 2_000_000 + b'"}'
# As large as the raw topic takes: its dead letter can only keep the start of it.
LARGEST = b"x" * (TOPIC_MAX_BYTES - 1024)
# Half a million tokens under the 1 MiB limit: well over a minute of enrichment, past the
# worker's time budget (set to a few seconds here).
SLOW = orjson.dumps({"title": "too long to enrich in time", "body": "a " * 500_001})
POISON = {
    "malformed_json": b'{"title": "unterminated", "body": ',
    "not_utf8": b'{"title": "t", "body": "Sch\xf6n"}',
    "binary": bytes(range(256)),
    "missing_body": b'{"title": "no body"}',
    "empty_body": b'{"title": "t", "body": "   "}',
    "wrong_type": b'{"title": "t", "body": 42}',
    "wrong_type ": b'["an", "array"]',
    "oversize": orjson.dumps({"title": "big", "body": "x" * 2_000_000}),
    "malformed_json ": b"[" * 100_000 + b"]" * 100_000,  # nesting past the parser's limit
    "oversize ": TEN_MB,
    "oversize  ": TEN_MB,
    "oversize   ": LARGEST,
    "malformed_json  ": b'{"title": "t", "body": "lone \\ud800 surrogate"}',
    "not_utf8 ": b'{"title": "t", "body": "encoded \xed\xa0\x80 surrogate"}',
    "binary ": b'{"title": "t", "body": "a\x00b"}',
    "enrichment_timeout": SLOW,
}


def test_poison_is_dead_lettered_and_the_rest_flows(settings, workers, figures):
    workers.settings = settings.override(enrich_timeout_seconds=5.0)
    worker = workers.start("w1")
    items = [article(i) for i in range(ARTICLES)]
    step = ARTICLES // (len(POISON) + 1)
    for n, (label, payload) in enumerate(POISON.items()):
        items.insert((n + 1) * step + n, (f"poison-{n}".encode(), payload))
    rss = [rss_mb(worker.process.pid)]
    sampling = threading.Event()

    def sample():
        while not sampling.wait(0.2):
            rss.append(rss_mb(worker.process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stream = Stream(settings, items, rate=400)
    stream.start()
    stream.finish()
    figures["catch_up_seconds"] = round(wait_caught_up(settings), 2)
    sampling.set()
    sampler.join()
    figures.update(rss_start_mb=round(rss[0]), rss_peak_mb=round(max(rss)),
                   rss_end_mb=round(rss[-1]))
    report = audit_into(settings, figures)
    assert report.ok, (report.missing[:5], list(report.duplicated.items())[:5])
    assert report.enriched == ARTICLES and report.dead_letters == len(POISON)

    letters = read_messages(settings, DEAD_LETTER.name(settings.topic_prefix))
    reasons = sorted(letter["reason"] for letter in letters)
    figures["dead_letter_reasons"] = {r: reasons.count(r) for r in sorted(set(reasons))}
    assert reasons == sorted(label.strip() for label in POISON)
    assert all(letter["detail"] for letter in letters)
    whole = {base64.b64decode(letter["payload_b64"]) for letter in letters if not letter["truncated"]}
    assert whole == set(POISON.values()) - {LARGEST}
    [cut] = [letter for letter in letters if letter["truncated"]]
    assert cut["size"] == len(LARGEST) and cut["sha256"] == hashlib.sha256(LARGEST).hexdigest()
    assert base64.b64decode(cut["payload_b64"]) == LARGEST[:messages.KEPT_PAYLOAD_BYTES]
    seen = read_messages(settings, SEEN.name(settings.topic_prefix))  # one per raw record
    assert len(seen) == len(items) and all(validate(m) is None for m in seen)
    assert worker.process.poll() is None
    assert max(rss) - rss[0] < 600, f"RSS grew from {rss[0]:.0f} to {max(rss):.0f} MB"
