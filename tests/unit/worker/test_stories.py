"""Stories, not copies: syndicated copies of a PolNeAR article (trimmed, re-headlined, a
paragraph added or dropped, boilerplate, restyled) join the first copy's story; other
articles on the same subjects don't; two workers' indexes converge on one story id."""

from __future__ import annotations

import orjson
import pytest

from newsflow.bench.corpus import DEFAULT_CORPUS
from newsflow.bench.syndication import EDITS, corpus, pairwise
from newsflow.topics import validate
from newsflow.worker import trending
from newsflow.worker.dedupe import Triage, Entry
from newsflow.worker.pipeline import Incoming, published
from newsflow.worker.stories import StoryIndex, signature
from newsflow.worker.story_feed import apply, with_stories


@pytest.fixture(scope="module")
def items():
    if not DEFAULT_CORPUS.is_dir():
        pytest.skip(f"PolNeAR train texts not found at {DEFAULT_CORPUS}")
    return corpus(DEFAULT_CORPUS, 60)


def test_copies_join_the_first_copys_story_and_other_stories_do_not(items):
    index = StoryIndex(1000)
    found = [index.assign(f"a{n}", signature(item.body)) for n, item in enumerate(items)]
    precision, recall = pairwise(items, [story.id for story in found])
    print(f"\n60 stories x {1 + len(EDITS)} copies: pairwise precision {precision:.3f}, "
          f"recall {recall:.3f}, {len(index)} stories found")
    assert precision >= 0.98 and recall >= 0.95
    first = {}
    for n, (item, story) in enumerate(zip(items, found)):
        if story.founded:
            assert story.copies == 1 and story.id == f"a{n}"
        first.setdefault(item.story, story.id)
    assert index.assign("a0", signature(items[0].body)) == found[0]  # a retry: the same answer


def test_concurrent_founders_on_two_workers_converge_on_the_lowest_id(items):
    body = next(item.body for item in items if item.edit == "original")
    one, two = StoryIndex(100), StoryIndex(100)
    a, b = one.assign("bbb", signature(body)), two.assign("aaa", signature(body + " More."))
    assert a.founded and b.founded  # neither had read the other's announcement
    for index, story, signature_of in ((two, a, body), (one, b, body + " More.")):
        index.founded(story.id, signature(signature_of))  # what each reads from the topic
    later = [index.assign("ccc", signature(body)) for index in (one, two)]
    assert {story.id for story in later} == {"aaa"}


def test_the_stories_topic_rebuilds_the_index_and_trending_counts_a_story_once(enricher, items):
    originals = [i for i in items if i.edit == "original"][:1]
    copies = [i for i in items if i.story == originals[0].story and i.edit != "original"][:2]
    raw = [{"title": i.title, "body": i.body, "url": f"https://outlet{n}.example/story"}
           for n, i in enumerate(originals + copies)]
    from newsflow.config import Settings
    from newsflow.worker.dedupe import SeenStore
    batch = SeenStore(Settings(), True).triage(
        [Incoming(orjson.dumps(a), "raw", n % 2, n, 1.0) for n, a in enumerate(raw)])
    index = StoryIndex(100)
    batch = with_stories(batch, index)
    assert [(e.story.copies, e.story.founded) for e in batch.fresh] == [(1, True), (2, False), (3, False)]
    announcements, entity_messages = [], []
    for entry, enriched in zip(batch.fresh, enricher.enrich_batch([e.parsed for e in batch.fresh])):
        for message in map(lambda m: orjson.loads(m.value), published(enriched, entry.stamp)):
            validate(message)
            if message["schema"] == "story/1":
                announcements.append(message)
            elif message["schema"] == "entity/1":
                entity_messages.append(message)
    assert [m["event"] for m in announcements] == ["founded", "copy", "copy"]
    restored = StoryIndex(100)  # another worker, or this one restarted
    for message in announcements:
        apply(restored, message)
    assert restored.assign(batch.fresh[2].parsed.id, signature(copies[1].body)).copies == 3
    bucket = None
    for offset, message in enumerate(m for m in entity_messages if m["normalized"] ==
                                     entity_messages[0]["normalized"]):
        bucket = trending.add_mention(bucket, message, 1.0, offset)
    assert (bucket["stories"], bucket["articles"]) == (1, 3)
