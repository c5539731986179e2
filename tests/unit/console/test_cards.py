"""What the console shows of a message is bounded and printable, whatever the message held."""

from __future__ import annotations

import base64

from newsflow.console import cards


def test_a_card_names_each_speaker_once_and_the_most_salient_entities(seed_enriched):
    card = cards.card(seed_enriched, (2, 17, 1764650000.5))
    assert card["id"] == seed_enriched["id"] and card["quotes"] == len(seed_enriched["quotes"])
    names = [s["name"] for s in card["speakers"]]
    assert "Dmitry Peskov" in names and len(names) == len(set(names))
    assert {"name": "Dmitry Peskov", "role": "Kremlin spokesman"} in card["speakers"]
    saliences = {e["name"]: e["salience"] for e in seed_enriched["canonical_entities"]}
    shown = [saliences[e["name"]] for e in card["entities"]]
    assert shown == sorted(shown, reverse=True) and len(shown) <= cards.MAX_ENTITIES
    assert (card["partition"], card["offset"], card["committed_at"]) == (2, 17, 1764650000.5)
    assert "committed_at" not in cards.card(seed_enriched)  # an archived card has no record


def test_a_card_of_a_hostile_article_is_bounded():
    many = [{"text": "x", "type": "direct", "speaker": {"name": f"Person {i}", "role": "r" * 10_000}}
            for i in range(500)]
    card = cards.card({"id": "a", "title": "T" * 100_000, "quotes": many, "canonical_entities": [
        {"name": f"E{i}", "label": "ORG", "salience": i / 1000} for i in range(1000)]})
    assert len(card["title"]) == cards.TITLE_CHARS and card["title"].endswith("…")
    assert len(card["speakers"]) == cards.MAX_SPEAKERS and card["quotes"] == 500
    assert all(len(s["role"]) <= cards.NAME_CHARS for s in card["speakers"])
    assert [e["name"] for e in card["entities"]][:2] == ["E999", "E998"]


def test_a_preview_is_short_printable_text():
    hostile = b"<script>alert(1)</script>\x00\x1b[2J\xff\xfe" + "é".encode() * 5000
    text = cards.preview(base64.b64encode(hostile).decode())
    assert text.startswith("<script>alert(1)</script>\ufffd\ufffd[2J")  # kept literal: the page escapes
    assert len(text) == cards.PREVIEW_CHARS and "\x00" not in text and "\x1b" not in text
    assert cards.preview(None) == ""


def test_a_letter_is_replayable_only_with_its_whole_payload():
    whole = {"reason": "malformed_json", "stage": "worker", "payload_b64": "e30=", "truncated": False,
             "source": {"topic": "t.raw", "partition": 1, "offset": 9, "extra": "dropped"}}
    letter = cards.letter(whole, 0, 3, 1.5)
    assert letter["replayable"] and letter["preview"] == "{}" and letter["source"] == {
        "topic": "t.raw", "partition": 1, "offset": 9}
    assert not cards.letter({**whole, "truncated": True}, 0, 4, 1.5)["replayable"]
