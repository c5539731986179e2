"""What `newsflow tail` and the demo print: readable, and never raw escape sequences."""

from __future__ import annotations

from newsflow.cli.render import render
from newsflow.topics import messages


def test_enriched_article_shows_quotes_with_speakers(seed_enriched):
    text = render(messages.enriched_article(seed_enriched, None))
    assert text.startswith("== Kremlin announces")
    assert "Dmitry Peskov" in text and "[direct]" in text


def test_terminal_escape_sequences_in_article_text_are_shown_escaped():
    message = {"schema": "quote/1", "article_id": "x", "index": 0, "type": "direct",
               "text": "\x1b]0;pwned\x07\x1b[2J", "start": 0, "end": 14, "via": None,
               "speaker": {"text": "he", "start": 20, "end": 22, "name": "\x1b[31mEvil"},
               "cue": None}
    text = render(message)
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b]0;pwned\\x07" in text and "\\x1b[31mEvil" in text
