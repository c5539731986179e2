"""Trending windows and counts, without Kafka."""

from __future__ import annotations

import pytest

from newsflow.worker import trending
from newsflow.worker.trending_app import BadQuery, parse_query

HOUR = 3600


def mention(name: str, label: str = "PERSON", quotes: int = 0, others=()) -> dict:
    return {"name": name, "normalized": name, "label": label, "quotes": [{}] * quotes,
            "co_occurring": list(others)}


def fill(events: list[tuple[float, dict]], step: int = HOUR,
         table: dict[str, dict] | None = None) -> dict[str, dict]:
    """``table`` after the events, as the agent fills it (offset = index in ``events``)."""
    table = {} if table is None else table
    for offset, (at, message) in enumerate(events):
        key = trending.bucket_key(step, int(at) // step * step, message["name"])
        if not trending.counted(table.get(key), offset):
            table[key] = trending.add_mention(table.get(key), message, at, offset)
    return table


def test_window_specs():
    one, day = trending.parse_windows("1h, 24h:1h")
    assert (one.kind, one.size, one.step) == ("tumbling", HOUR, HOUR)
    assert (day.kind, day.size, day.step) == ("hopping", 24 * HOUR, HOUR)
    for bad in ("", "1x", "0h", "5h:2h"):
        with pytest.raises(ValueError):
            trending.parse_windows(bad)


def test_hopping_window_is_the_sum_of_its_buckets():
    day = trending.Window("24h", 24 * HOUR, HOUR)
    start, end = day.span(100 * HOUR + 10)
    assert (start, end) == (77 * HOUR, 101 * HOUR)
    assert len(day.buckets(100 * HOUR + 10)) == 24


def test_top_counts_articles_and_quotes_in_the_window_only():
    base = 1000 * HOUR
    events = [
        (base + 10, mention("Trump", quotes=2, others=["Clinton"])),
        (base + 20, mention("Trump", others=["Clinton", "Iowa"])),
        (base + 30, mention("Clinton", quotes=1, others=["Trump"])),
        (base - 5 * HOUR, mention("Clinton")),  # outside the 1 h window, inside 24 h
        (base + 40, mention("Iowa", label="GPE")),
    ]
    table = fill(events)
    latest = trending.latest_event(table.items())
    assert latest == base + 40
    hour = trending.top(table.items(), trending.Window("1h", HOUR, HOUR), latest)
    assert [(r["name"], r["articles"], r["quotes"]) for r in hour] == [
        ("Trump", 2, 2), ("Clinton", 1, 1), ("Iowa", 1, 0)]
    assert hour[0]["co_occurring"][0] == {"name": "Clinton", "articles": 2}
    day = trending.top(table.items(), trending.Window("24h", 24 * HOUR, HOUR), latest,
                       label="PERSON")
    assert [(r["name"], r["articles"]) for r in day] == [("Trump", 2), ("Clinton", 2)]
    assert day[1]["first_seen"] == base - 5 * HOUR


def test_an_entity_takes_its_most_frequent_label_in_the_window():
    base = 1000 * HOUR
    table = fill([(base + 1, mention("UPI", "ORG")), (base + 2, mention("UPI", "GPE")),
                  (base + 3, mention("UPI", "ORG"))])
    window = trending.Window("1h", HOUR, HOUR)
    assert [(r["name"], r["label"], r["articles"]) for r in
            trending.top(table.items(), window, base + 3, label="ORG")] == [("UPI", "ORG", 3)]
    assert trending.top(table.items(), window, base + 3, label="GPE") == []


def test_old_buckets_expire_after_the_retention():
    key = trending.bucket_key(HOUR, 10 * HOUR, "X")
    assert trending.expired(key, latest=20 * HOUR, retention=5 * HOUR)
    assert not trending.expired(key, latest=15 * HOUR, retention=5 * HOUR)


WINDOWS = {w.name: w for w in trending.parse_windows("1h,24h:1h")}


@pytest.mark.parametrize(
    "query",
    [{"window": "2h"}, {"limit": "0"}, {"limit": "x"}, {"limit": "100000"},
     {"label": "person; drop"}, {"at": "yesterday"}, {"label": "P" * 100},
     {"at": "inf"}, {"at": "-inf"}, {"at": "nan"}, {"at": "1e20"}, {"at": "1e300"},
     {"at": "-1"}, {"at": "9999-12-31T23:59:59"}, {"at": "0001-01-01"},
     {"scope": "local", "at": "1e18"}],
)
def test_bad_queries_are_refused(query):
    with pytest.raises(BadQuery):
        parse_query(query, WINDOWS)


def test_good_query():
    parsed = parse_query({"window": "24h", "label": "PERSON", "limit": "5",
                          "at": "2016-11-01T12:00:00Z"}, WINDOWS)
    assert parsed["window"].name == "24h" and parsed["limit"] == 5
    assert parsed["at"] == 1478001600.0


def test_messages_read_again_are_not_counted_twice():
    base = 1000 * HOUR
    events = [(base + i, mention("Trump" if i % 2 else "Clinton", quotes=1)) for i in range(6)]
    once = fill(events)
    window = trending.Window("1h", HOUR, HOUR)
    # a restart replays from an old committed offset: everything again, then 2 new ones
    replayed = fill(events + [(base + 10, mention("Trump")), (base + 11, mention("Iowa"))],
                    table={k: dict(v) for k, v in once.items()})
    rows = {r["name"]: (r["articles"], r["quotes"]) for r in trending.top(
        replayed.items(), window, base + 11)}
    assert rows == {"Trump": (4, 3), "Clinton": (3, 3), "Iowa": (1, 0)}


@pytest.mark.parametrize("typed, key", [
    ("london", "London"), ("LONDON", "London"), ("London", "London"), ("dmitry peskov", "Dmitry Peskov"),
    ("uk", "United Kingdom"), ("nato", "NATO"), ("Kiev", "Kyiv"), ("kiev", "Kyiv"), ("McDonald's", "McDonald's"),
])
def test_a_look_up_by_name_is_case_insensitive_and_knows_aliases(typed, key):
    from newsflow.core.entities.aliases import load

    assert trending.entity_lookup(typed, load()) == key


def test_a_label_may_be_typed_in_lower_case():
    assert parse_query({"label": "person"}, WINDOWS)["label"] == "PERSON"
