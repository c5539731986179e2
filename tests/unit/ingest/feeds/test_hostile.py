"""Hostile feeds and pages, served from this machine: nothing crashes, leaks or hangs.

The hostile publisher is on 127.0.0.2, the only address allow-listed here; the secret
service an SSRF would reach is on 127.0.0.1 (and ::1), which the fetch policy refuses.
"""

from __future__ import annotations

import asyncio
import tracemalloc
from dataclasses import replace

import pytest

from newsflow.ingest.feeds import fetcher as politeness
from newsflow.ingest.feeds.poll import poll
from newsflow.ingest.feeds.policy import REFUSED, AllowList
from newsflow.ingest.feeds.fetcher import Fetcher, FetchError, Limits
from newsflow.ingest.feeds.memory import FeedMemory
from tests.fixtures.feeds.hostile import (SECRET_TEXT, HostileServer, SecretServer,
                                          billion_laughs, local_path_feed, rss)
from tests.fixtures.feeds.server import FeedServer
from tests.unit.ingest.feeds.conftest import sample

FAST = Limits(min_gap=0, backoff=0.01, attempts=1, timeout=5, deadline=5, poll_deadline=10)
ALLOWED = AllowList.parse("127.0.0.2/32")
SUMMARY = "The summary the feed itself gives, used when the page is not fetched."


@pytest.fixture
async def hostile():
    server = await HostileServer().start()
    yield server
    await server.stop()


@pytest.fixture
async def secret():
    server = await SecretServer().start()
    yield server
    await server.stop()


@pytest.fixture
def store(tmp_path):
    store = FeedMemory(str(tmp_path))
    yield store
    store.close()


def errors(kind: str) -> float:
    return sample("newsflow_feed_fetch_errors_total", kind=kind)


async def poll_with(store, feed_url: str, limits: Limits = FAST, max_bytes: int = 64 * 1024):
    fetcher = Fetcher(limits, ALLOWED)
    try:
        return await poll(fetcher, store, feed_url, max_bytes)
    finally:
        await fetcher.close()


async def one_item_feed(hostile, link: str, name: str = "one.xml") -> str:
    hostile.feeds[name] = rss((link, SUMMARY))
    return hostile.url(f"/feeds/{name}")


async def test_an_item_linking_to_a_loopback_secret_is_not_fetched_nor_published(
        hostile, secret, store, capsys):
    result = await poll_with(store, await one_item_feed(hostile, f"{secret.base}/secret"))
    [item] = result.items
    assert item.article.extraction == "feed-summary" and item.article.body == SUMMARY
    assert secret.requests == []
    assert REFUSED in capsys.readouterr().err


async def test_a_redirect_to_a_loopback_address_is_refused(hostile, secret, store):
    before = errors("refused")
    link = hostile.url(f"/redirect?to={secret.base}/secret")
    [item] = (await poll_with(store, await one_item_feed(hostile, link))).items
    assert item.article.extraction == "feed-summary"
    assert secret.requests == [] and errors("refused") == before + 1


@pytest.mark.parametrize("link", [
    "http://localhost:{port}/secret", "http://[::1]:{port}/secret",
    "http://[::ffff:127.0.0.1]:{port}/secret", "http://2130706433:{port}/secret",
    "http://0x7f.1:{port}/secret", "http://0.0.0.0:{port}/secret",
    "http://127.0.0.2:{hostile}@127.0.0.1:{port}/secret",
    "http://user:password@127.0.0.2:{hostile}/page", "file:///etc/passwd",
    "ftp://127.0.0.1:{port}/secret", "gopher://127.0.0.1:{port}/_GET%20/secret",
])
async def test_every_form_of_a_refused_address_or_scheme_is_refused_alike(
        hostile, secret, store, capsys, link):
    link = link.format(port=secret.port, hostile=hostile.base.rsplit(":", 1)[1])
    before = errors("refused")
    [item] = (await poll_with(store, await one_item_feed(hostile, link))).items
    assert item.article.extraction == "feed-summary"
    assert secret.requests == [] and errors("refused") == before + 1
    [line] = [line for line in capsys.readouterr().err.splitlines() if "refused" in line]
    assert line.endswith(f": {REFUSED}")  # the same text whatever the reason


async def test_an_octal_address_is_not_a_url_at_all(hostile, secret, store):
    """httpx does not read 0177.0.0.1 (octal to some parsers, 127.0.0.1): an invalid URL."""
    before = errors("bad_url")
    feed = await one_item_feed(hostile, f"http://0177.0.0.1:{secret.port}/secret")
    [item] = (await poll_with(store, feed)).items
    assert item.article.extraction == "feed-summary"
    assert secret.requests == [] and errors("bad_url") == before + 1


async def test_a_public_feed_cannot_lead_the_fetcher_to_an_allow_listed_address(
        hostile, store, monkeypatch):
    """Allow-listed private hosts are for the operator's own feeds: a link or redirect
    found on a public host never reaches them. Here 127.0.0.3 plays a public publisher."""
    public = await HostileServer().start(host="127.0.0.3")
    monkeypatch.setattr(politeness, "is_public", lambda address: str(address) == "127.0.0.3")
    allow = AllowList.parse("127.0.0.2, 127.0.0.3")
    public.feeds["links.xml"] = rss((hostile.url("/page"), SUMMARY),
                                    (public.url(f"/redirect?to={hostile.url('/page')}"), SUMMARY))
    fetcher = Fetcher(FAST, allow)
    try:
        result = await poll(fetcher, store, public.url("/feeds/links.xml"), 64 * 1024)
    finally:
        await fetcher.close()
        await public.stop()
    assert [i.article.extraction for i in result.items] == ["feed-summary", "feed-summary"]
    assert "/page" not in hostile.paths()


async def test_links_on_an_allow_listed_feed_may_use_the_allow_list(hostile, store):
    [item] = (await poll_with(store, await one_item_feed(hostile, hostile.url("/page")))).items
    assert item.article.extraction == "page" and "spillway" in item.article.body


async def test_a_redirect_loop_is_an_error_of_its_item_or_feed(hostile, store):
    before = errors("redirects")
    [item] = (await poll_with(store, await one_item_feed(hostile, hostile.url("/loop")))).items
    assert item.article.extraction == "feed-summary"
    result = await poll_with(store, hostile.url("/feeds/loop.xml"))
    assert result.items == [] and errors("redirects") == before + 2


async def test_redirects_are_followed_up_to_the_limit(hostile):
    fetcher = Fetcher(FAST, ALLOWED)
    try:
        assert (await fetcher.get(hostile.url("/chain/5"), allow_private=True)).status == 200
        with pytest.raises(FetchError) as caught:
            await fetcher.get(hostile.url("/chain/6"), allow_private=True)
    finally:
        await fetcher.close()
    assert caught.value.kind == "redirects"


async def test_each_redirect_hop_obeys_the_robots_txt_of_its_own_host(hostile, store):
    publisher = await FeedServer().start(host="127.0.0.2")  # its robots.txt: no /private/
    link = hostile.url(f"/redirect?to={publisher.base}/private/grain.html")
    try:
        [item] = (await poll_with(store, await one_item_feed(hostile, link))).items
    finally:
        await publisher.stop()
    assert item.article.extraction == "feed-summary"
    assert publisher.paths() == ["/robots.txt"]


async def test_a_body_that_claims_gzip_and_is_not_is_a_decoding_error(hostile, store):
    before = errors("decoding")
    link = hostile.url("/bad-gzip")
    [item] = (await poll_with(store, await one_item_feed(hostile, link))).items
    assert item.article.extraction == "feed-summary"
    assert (await poll_with(store, hostile.url("/feeds/bad-gzip.xml"))).items == []
    assert errors("decoding") == before + 2


async def test_a_gzip_bomb_stops_at_the_limit_of_decoded_bytes(hostile):
    """256 MiB of zeros in 256 KiB of gzip; the read stops at 1 MiB decoded, holding
    little more than that (httpx's own decoding inflates each 64 KiB chunk whole)."""
    fetcher = Fetcher(replace(FAST, max_bytes=1024 * 1024), ALLOWED)
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(hostile.url("/bomb"), allow_private=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        await fetcher.close()
    assert caught.value.kind == "too_large"
    assert peak < 8 * 1024 * 1024


async def test_an_item_link_with_an_impossible_port_is_reported_not_raised(
        hostile, store, capsys):
    before = errors("bad_url")
    feed = await one_item_feed(hostile, "http://127.0.0.2:99999/story")
    [item] = (await poll_with(store, feed)).items
    assert item.article.extraction == "feed-summary" and item.article.url is None
    assert errors("bad_url") == before + 1 and "99999" in capsys.readouterr().err


async def test_a_trickling_page_is_cut_by_the_request_deadline(hostile, store):
    """3 bytes every 2 s: no single read ever waits 5 s, the whole request does, and it
    is not tried again (the server answers, too slowly)."""
    limits = replace(FAST, deadline=1.0, attempts=3)
    feed = await one_item_feed(hostile, hostile.url("/trickle"))
    before = errors("timeout")
    [item] = (await poll_with(store, feed, limits)).items
    assert item.article.extraction == "feed-summary" and errors("timeout") == before + 1
    assert hostile.paths().count("/trickle") == 1


async def test_a_trickling_page_is_cut_by_the_poll_deadline_and_the_item_kept(hostile, store):
    before = errors("deadline")
    limits = replace(FAST, deadline=60.0, poll_deadline=2.0)
    [item] = (await poll_with(store, await one_item_feed(hostile, hostile.url("/trickle")),
                              limits)).items
    assert item.article.extraction == "feed-summary" and errors("deadline") == before + 1


async def test_a_trickling_feed_ends_its_poll_at_the_deadline(hostile, store):
    limits = replace(FAST, deadline=60.0, poll_deadline=2.0)
    before = errors("deadline")
    result = await poll_with(store, hostile.url("/feeds/trickle.xml"), limits)
    assert result.items == [] and errors("deadline") == before + 1


async def test_one_slow_feed_does_not_hold_back_another(hostile, store):
    publisher = await FeedServer().start(host="127.0.0.2")
    limits = replace(FAST, deadline=60.0, poll_deadline=2.0)
    fetcher = Fetcher(limits, ALLOWED)
    try:
        slow, good = await asyncio.gather(
            poll(fetcher, store, hostile.url("/feeds/trickle.xml"), 64 * 1024),
            poll(fetcher, store, publisher.feed_url("rss.xml"), 64 * 1024))
    finally:
        await fetcher.close()
        await publisher.stop()
    assert slow.items == [] and len(good.items) == 3


async def test_a_feed_of_many_items_is_taken_a_bounded_number_at_a_time(hostile, store):
    hostile.feeds["many.xml"] = rss(*((hostile.url(f"/page?n={n}"), SUMMARY)
                                      for n in range(300)))
    limits = replace(FAST, max_items=40)
    first = await poll_with(store, hostile.url("/feeds/many.xml"), limits)
    assert len(first.items) == 40 and sum("/page" in p for p in hostile.paths()) == 40
    assert first.etag is None  # not advanced: the rest must not be answered with a 304
    for item in first.items:
        store.mark(item.key, item.updated)
    second = await poll_with(store, hostile.url("/feeds/many.xml"), limits)
    assert len(second.items) == 40
    assert not {i.key for i in first.items} & {i.key for i in second.items}


async def test_the_same_link_twice_in_one_feed_is_one_item(hostile, store):
    hostile.feeds["twice.xml"] = rss((hostile.url("/page"), SUMMARY),
                                     (hostile.url("/page#again"), SUMMARY))
    result = await poll_with(store, hostile.url("/feeds/twice.xml"))
    assert len(result.items) == 1 and hostile.paths().count("/page") == 1


async def test_a_huge_entry_is_refused_and_its_neighbours_published(hostile, store):
    hostile.feeds["huge.xml"] = rss(("", "word " * 600_000), (hostile.url("/page"), SUMMARY))
    before = errors("too_large")
    result = await poll_with(store, hostile.url("/feeds/huge.xml"))
    assert [i.article.extraction for i in result.items] == ["page"]
    assert errors("too_large") == before + 1


async def test_entity_expansion_is_refused_before_it_grows(hostile, store):
    """A billion laughs under 1 KiB: expat would expand it to megabytes before its own
    amplification limit; entity declarations are refused instead."""
    hostile.feeds["laughs.xml"] = billion_laughs()
    before = errors("malformed")
    tracemalloc.start()
    try:
        result = await poll_with(store, hostile.url("/feeds/laughs.xml"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.items == [] and errors("malformed") == before + 1
    assert peak < 2 * 1024 * 1024


async def test_an_external_entity_is_not_fetched(hostile, secret, store):
    hostile.feeds["xxe.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "{secret.base}/secret">]>'
        f'<rss version="2.0"><channel><title>x</title><item><title>x</title><guid>x</guid>'
        f"<description>&x;</description></item></channel></rss>").encode()
    result = await poll_with(store, hostile.url("/feeds/xxe.xml"))
    assert secret.requests == []
    assert all(SECRET_TEXT not in i.article.body for i in result.items)


async def test_a_feed_whose_body_is_a_local_path_does_not_read_that_file(hostile, store):
    hostile.feeds["path.xml"] = local_path_feed()
    result = await poll_with(store, hostile.url("/feeds/path.xml"))
    assert result.items == []


async def test_a_page_of_too_many_tags_is_not_extracted(hostile, store):
    before = errors("unreadable")
    feed = await one_item_feed(hostile, hostile.url("/many-tags"))
    [item] = (await poll_with(store, feed)).items
    assert item.article.extraction == "feed-summary" and errors("unreadable") == before + 1


async def test_a_refused_request_does_not_leave_the_host_without_its_robots_txt():
    """Refused from a public feed's link first, the host's robots.txt is still read when
    the operator's own feed reaches it."""
    publisher = await FeedServer().start(host="127.0.0.2")  # its robots.txt: no /private/
    fetcher = Fetcher(FAST, ALLOWED)
    url = f"{publisher.base}/private/grain.html"
    try:
        for allow_private, kind in ((False, "refused"), (True, "robots")):
            with pytest.raises(FetchError) as caught:
                await fetcher.get(url, allow_private=allow_private)
            assert caught.value.kind == kind
    finally:
        await fetcher.close()
        await publisher.stop()
    assert publisher.paths() == ["/robots.txt"]
