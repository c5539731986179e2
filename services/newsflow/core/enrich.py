"""The enrichment: article in, enriched article out (a JSON-ready dict)."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc

from newsflow.core import entities, entity_aliases, metadata, output_caps, quotes
from newsflow.core.article import Article, BadArticle
from newsflow.core.nlp import DEFAULT_MODEL, load_pipeline
from newsflow.core.pieces import joined, pieces


# What spaCy sees at once. Its batching makes news-length texts ~4 % cheaper from 4 to 16
# per nlp.pipe batch, but memory grows with the characters of one batch (tok2vec
# activations, ~2.7 KB per character: 16 long PolNeAR articles peak near 1 GB), so a
# caller's batch is cut into runs of at most this many characters (at least one article):
# ~14 typical articles, or 3 long ones. A longer body is parsed in pieces of at most this
# many characters (see pieces): a 1 MiB body then peaks like a 64 kB one.
PIPE_CHARS = 64_000


class Enricher:
    """Runs the NLP pipeline and the extractors over articles, one at a time or in batches."""

    def __init__(self, nlp: Language, model_name: str = DEFAULT_MODEL, batch_size: int = 16):
        self.nlp = nlp
        self.model_name = model_name
        self.batch_size = batch_size

    @classmethod
    def load(cls, model: str = DEFAULT_MODEL, batch_size: int = 16) -> "Enricher":
        """The enricher for an installed model; a bad alias file fails here, at start-up,
        not on every article."""
        entity_aliases.current()
        return cls(load_pipeline(model), model_name=model, batch_size=batch_size)

    def enrich(self, article: Article) -> dict:
        """The enriched article; raises BadArticle("enrichment_failed") if the NLP fails."""
        result = self.enrich_batch([article])[0]
        if isinstance(result, BadArticle):
            raise result
        return result

    def enrich_batch(self, articles: list[Article]) -> list[dict | BadArticle]:
        """One result per article, in order. A failure stays with its own article:
        if the batched pipeline raises, the rest of the batch is redone one article at a
        time. Each article is built as soon as it is parsed, so that one parse of a long
        article is alive at a time, not the whole batch's."""
        results: list[dict | BadArticle] = []
        try:
            for article, doc in zip(articles, self._parse([a.body for a in articles])):
                results.append(self._build_or_error(article, doc))
        except Exception:  # noqa: BLE001 - isolate the failing article below
            results += [self._enrich_alone(a) for a in articles[len(results):]]
        return results

    def _enrich_alone(self, article: Article) -> dict | BadArticle:
        try:
            (doc,) = self._parse([article.body])
        except Exception as exc:  # noqa: BLE001 - reported as the article's own error
            return BadArticle("enrichment_failed", f"{type(exc).__name__}: {exc}")
        return self._build_or_error(article, doc)

    def _parse(self, bodies: list[str]) -> Iterator[Doc]:
        """One Doc per body, in order: the bodies' pieces piped in runs of at most
        PIPE_CHARS characters, each body's pieces joined once the last is parsed."""
        cut = [pieces(body, PIPE_CHARS) for body in bodies]
        parsed = (doc for run in _runs([p for parts in cut for p in parts], PIPE_CHARS)
                  for doc in self.nlp.pipe(run, batch_size=len(run)))
        for parts in cut:
            yield joined([next(parsed) for _ in parts])

    def _build_or_error(self, article: Article, doc: Doc) -> dict | BadArticle:
        try:
            return self._build(article, doc)
        except Exception as exc:  # noqa: BLE001 - reported as the article's own error
            return BadArticle("enrichment_failed", f"{type(exc).__name__}: {exc}")

    def _build(self, article: Article, doc: Doc) -> dict:
        found_quotes = quotes.extract_quotes(doc)
        mentions, canonical = entities.canonicalize(doc, article.title, found_quotes)
        return output_caps.capped({
            **article.to_dict(),
            **metadata.describe(article, doc),
            "entities": mentions,
            "canonical_entities": canonical,
            "quotes": found_quotes,
            "model": self.model_name,
        })


def _runs(texts: list[str], max_chars: int) -> list[list[str]]:
    """``texts`` in order, cut into runs of at most ``max_chars`` characters (a text
    longer than that is a run of its own)."""
    runs: list[list[str]] = []
    size = max_chars
    for text in texts:
        if size + len(text) > max_chars:
            runs.append([])
            size = 0
        runs[-1].append(text)
        size += len(text)
    return runs
