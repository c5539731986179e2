"""What feed ingestion has already published, kept across polls and restarts (sqlite).

An item is keyed by its canonical URL (core/urls.py) and remembered with the feed's
updated date for it. Policy: an item is published again only when that date changes (a corrected or updated
story); it keeps its id, since ids are URL-based, so downstream sees a new version of the
same article. The feeds' ETag / Last-Modified validators live here too, so a restarted
ingest still sends conditional requests.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class FeedMemory:
    """The sqlite file NEWSFLOW_DATA_DIR/feeds.sqlite3."""

    def __init__(self, data_dir: str):
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(Path(data_dir) / "feeds.sqlite3")
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS items (url TEXT PRIMARY KEY, updated TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, etag TEXT, modified TEXT);"
        )

    def is_new(self, url: str, updated: str) -> bool:
        """True if the item was never published, or its updated date has changed since."""
        row = self._db.execute("SELECT updated FROM items WHERE url = ?", (url,)).fetchone()
        return row is None or row[0] != updated

    def mark(self, url: str, updated: str) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO items VALUES (?, ?)", (url, updated))

    def validators(self, feed_url: str) -> tuple[str | None, str | None]:
        """The feed's last (ETag, Last-Modified)."""
        row = self._db.execute("SELECT etag, modified FROM feeds WHERE url = ?",
                               (feed_url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def remember(self, feed_url: str, etag: str | None, modified: str | None) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO feeds VALUES (?, ?, ?)",
                             (feed_url, etag, modified))

    def close(self) -> None:
        self._db.close()
