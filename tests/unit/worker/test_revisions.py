"""Corrections are revisions: the same article (same URL) with a changed body or title is
enriched again as revision n + 1, its quote and entity messages saying so; an unchanged
re-send is still skipped, also after the store is restored from its markers."""

from __future__ import annotations

import orjson

from newsflow.config import Settings
from newsflow.topics import validate
from newsflow.worker.dedupe import SeenStore, version_of
from newsflow.worker.pipeline import Incoming, published

URL = "https://news.example/2026/bridge"
ORIGINAL = {"title": "Bridge shut", "body": '"It is unsafe," the mayor said.', "url": URL}
CORRECTED = {**ORIGINAL, "body": '"It is unsafe," the deputy mayor said on Monday.'}


def records(*articles, start=0) -> list[Incoming]:
    return [Incoming(orjson.dumps(a), "raw", 0, start + i, 1.0) for i, a in enumerate(articles)]


def test_a_correction_is_the_next_revision_and_a_resend_is_skipped():
    store = SeenStore(Settings(), skip_duplicates=True)
    resent = {**ORIGINAL, "url": URL + "?utm_source=x", "body": ORIGINAL["body"] + "  \n"}
    batch = store.triage(records(ORIGINAL, resent, CORRECTED, CORRECTED))
    assert [e.skipped for e in batch.entries] == [None, "article", None, "article"]
    assert [e.stamp.revision for e in batch.fresh] == [1, 2]
    assert [e.stamp.previous_revision for e in batch.fresh] == [None, 1]
    store.committed(batch)
    again = store.triage(records(CORRECTED, ORIGINAL, start=4))
    assert [e.skipped for e in again.entries] == ["article", None]
    assert again.fresh[0].stamp.revision == 3  # back to the first text: a change all the same


def test_the_revision_survives_a_restore_from_the_seen_markers():
    store = SeenStore(Settings(), skip_duplicates=True)
    batch = store.triage(records(ORIGINAL, CORRECTED))
    markers = [orjson.loads(m.value) for m in batch.markers]
    for marker in markers:
        validate(marker)
    restored = SeenStore(Settings(), skip_duplicates=True)
    restored.ids[0] = {m["article_id"]: version_of(m) for m in markers}  # as _restore reads them
    restored.floors[0] = 2
    later = restored.triage(records(CORRECTED, {**CORRECTED, "title": "Bridge shut for weeks"}, start=2))
    assert [e.skipped for e in later.entries] == ["article", None]
    assert later.fresh[0].stamp.revision == 3


def test_a_marker_from_before_revisions_still_skips_a_resend():
    store = SeenStore(Settings(), skip_duplicates=True)
    [entry] = store.triage(records(ORIGINAL)).entries
    old = {"schema": "seen/1", "article_id": entry.article_id,
           "source": {"topic": "raw", "partition": 0, "offset": 0}}
    store.ids[0] = {entry.article_id: version_of(old)}
    assert store.triage(records(CORRECTED, start=1)).skipped("article") == 1


def test_every_message_of_a_revision_names_it(enricher):
    store = SeenStore(Settings(), skip_duplicates=True)
    first, second = store.triage(records(ORIGINAL, CORRECTED)).fresh
    [enriched] = enricher.enrich_batch([second.parsed])
    out = [orjson.loads(m.value) for m in published(enriched, second.stamp)]
    for message in out:
        validate(message)
    article, quotes = out[0], [m for m in out if m["schema"].startswith("quote/")]
    assert (article["revision"], article["previous_revision"]) == (2, 1)
    assert quotes and {(q["revision"], q["quotes_in_revision"]) for q in quotes} == {(2, len(quotes))}
    assert {m["revision"] for m in out if m["schema"].startswith("entity/")} <= {2}
