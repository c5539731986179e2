"""The benchmark corpus: PolNeAR train texts as articles, repeated to any length.

Each copy gets its own URL and so its own article id: a worker that skips articles it has
already seen (dedupe) must still process every copy.
"""

from __future__ import annotations

from itertools import cycle, islice
from pathlib import Path

from newsflow.core.article import Article, article_id
from newsflow.errors import UsageError
from newsflow.local.broker import REPO

DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "polnear" / "train" / "text"


def load(folder: Path, count: int) -> list[Article]:
    """``count`` articles: the folder's .txt files in name order (title on the first line,
    body after it), cycled as often as needed."""
    texts = [_split(path.read_text(encoding="utf-8")) for path in sorted(Path(folder).glob("*.txt"))]
    texts = [(title, body) for title, body in texts if body]
    if not texts:
        raise UsageError(f"no .txt articles in {folder}")
    return [
        Article(id=article_id(title, body, url), title=title, body=body, url=url)
        for n, (title, body) in enumerate(islice(cycle(texts), count))
        for url in [f"https://bench.invalid/{n}"]
    ]


def words(articles: list[Article]) -> int:
    """Whitespace-separated words in the bodies (the words/s figure counts these)."""
    return sum(len(article.body.split()) for article in articles)


def _split(text: str) -> tuple[str, str]:
    title, _, body = text.strip().partition("\n")
    return title.strip(), body.strip()
