"""Event time is the publish time when the article has a believable one: a date far in
the future or the past falls back to the ingest time (counted); trending does not count
what is older than its retention before the latest event."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest

from newsflow import metrics
from newsflow.config import Settings
from newsflow.worker.dedupe import SeenStore
from newsflow.worker.event_time import event_time, publish_seconds
from newsflow.worker.pipeline import Incoming
from newsflow.worker.trending import event_time as counted_at, too_late

DAY = 86_400
NOW = dt.datetime(2026, 12, 2, tzinfo=dt.timezone.utc).timestamp()
JULY_21 = dt.datetime(2025, 7, 21, tzinfo=dt.timezone.utc).timestamp()


def fallbacks(reason: str) -> float:
    return metrics.EVENT_TIME_FALLBACK.labels(reason)._value.get()


@pytest.mark.parametrize("published, expected", [
    ("2025-07-21", JULY_21),
    ("2025-07-21T14:30:00+02:00", JULY_21 + 12.5 * 3600),
    ("2025-07-21T12:00:00", JULY_21 + 12 * 3600),
    (None, None), ("", None), ("not a date", None),
])
def test_publish_times(published, expected):
    assert publish_seconds(published) == expected


def test_a_believable_publish_date_is_the_event_time_else_the_ingest_time():
    future, old = fallbacks("future"), fallbacks("too_old")
    assert event_time("2025-07-21", NOW, 3650 * DAY) == JULY_21
    assert event_time(None, NOW, 3650 * DAY) == NOW
    assert event_time("2026-12-02T20:00:00Z", NOW, DAY) == NOW + 20 * 3600  # a zone ahead
    assert event_time("2027-12-02", NOW, 3650 * DAY) == NOW  # a wrong year
    assert event_time("1999-01-01", NOW, 3650 * DAY) == NOW  # older than the bound
    assert (fallbacks("future") - future, fallbacks("too_old") - old) == (1, 1)


def test_the_worker_stamps_each_article_with_its_event_time():
    store = SeenStore(Settings(event_time_max_age="3650d"), skip_duplicates=True)
    raw = [{"title": "T", "body": "July.", "published": "2025-07-21"}, {"title": "T", "body": "Now."}]
    batch = store.triage([Incoming(orjson.dumps(a), "raw", 0, i, NOW) for i, a in enumerate(raw)])
    assert [e.stamp.event_time for e in batch.fresh] == [JULY_21, NOW]
    assert [e.stamp.ingested_at for e in batch.fresh] == [NOW, NOW]


def test_trending_counts_by_the_messages_event_time_within_the_lateness_bound():
    assert counted_at({"event_time": JULY_21}, NOW) == JULY_21
    assert counted_at({"name": "x"}, NOW) == NOW  # a message from before event_time
    assert not too_late(JULY_21, JULY_21 + 6 * DAY, 7 * DAY)
    assert too_late(JULY_21, NOW, 7 * DAY)
