"""A page that reads slowly is dropped, not waited for: the others get every event and
each page's memory is its bounded queue."""

from __future__ import annotations

import pytest

from newsflow.console.hub import Full, Hub, event


def test_an_event_is_one_data_line_of_json():
    encoded = event("article", {"title": "two\nlines </script>"}, "enriched:0:5")
    assert encoded == (b'event: article\nid: enriched:0:5\n'
                       b'data: {"title":"two\\nlines </script>"}\n\n')


async def test_a_slow_client_is_dropped_and_the_others_get_everything():
    hub = Hub(max_clients=10, queue_size=3)
    slow, quick = hub.join(), hub.join()
    for n in range(5):
        hub.publish(event("article", {"n": n}))
        await quick.queue.get()  # the quick one reads as they come
    assert slow.dropped.is_set() and slow not in hub.clients and hub.dropped == 1
    assert slow.queue.qsize() == 3  # what it holds is bounded by its queue
    assert quick in hub.clients and not quick.dropped.is_set()


def test_clients_are_bounded():
    hub = Hub(max_clients=2, queue_size=1)
    first = hub.join()
    hub.join()
    with pytest.raises(Full):
        hub.join()
    hub.leave(first)
    hub.join()
