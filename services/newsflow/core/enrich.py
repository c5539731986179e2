"""The enrichment: article in, enriched article out (a JSON-ready dict)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from newsflow.core import entities, language, metadata, output_caps, quotes
from newsflow.core.article import Article, BadArticle
from newsflow.core.entities import aliases as entity_aliases
from newsflow.core.entities.aliases import Aliases
from newsflow.core.nlp import DEFAULT_MODEL, load_pipeline
from newsflow.core.pieces import joined, pieces


# What spaCy sees at once. Its batching makes news-length texts ~4 % cheaper from 4 to 16
# per nlp.pipe batch, but memory grows with the characters of one batch (tok2vec
# activations, ~2.7 KB per character: 16 long PolNeAR articles peak near 1 GB), so a
# caller's batch is cut into runs of at most this many characters (at least one article):
# ~14 typical articles, or 3 long ones. A longer body is parsed in pieces of at most this
# many characters (see pieces): a 1 MiB article of prose peaks at 455 MB RSS, model included.
PIPE_CHARS = 64_000
# The same for tokens, as what the parse holds is ~15 KB per token: 64,000 characters of
# prose are ~11,500 tokens, but of '"' or "a\n\n" 64,000 or 43,000 (665 MB at once).
PIPE_TOKENS = 16_000
# tok2vec's tensor, which the attribution scorer reads, is kept (float16, 192 bytes a token)
# for a body of at most this many tokens (~19 MB; a long news article is ~10,000): a longer
# one is scored from its parse alone, as a doc without vectors, so the hostile bodies stay
# within the memory figures above (a 1 MiB body of quotation marks is 1 M tokens).
MAX_VECTOR_TOKENS = 100_000


class Enricher:
    """Runs the NLP pipeline and the extractors over articles, one at a time or in batches."""

    def __init__(self, nlp: Language, model_name: str = DEFAULT_MODEL, batch_size: int = 16,
                 aliases: Aliases | None = None):
        self.nlp = nlp
        self.model_name = model_name
        self.batch_size = batch_size
        self.aliases = aliases or entity_aliases.load()

    @classmethod
    def load(cls, model: str = DEFAULT_MODEL, batch_size: int = 16,
             aliases: str | Path | None = None) -> "Enricher":
        """The enricher for an installed model, with the shipped alias table merged with
        the one in the file ``aliases`` names (if any); a bad alias file fails here, at
        start-up (AliasTableError), not on every article."""
        table = entity_aliases.load(aliases)
        return cls(load_pipeline(model), model_name=model, batch_size=batch_size, aliases=table)

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
        """One Doc per body, in order: each body tokenized when its turn comes and cut
        into pieces, the pieces piped in runs of at most PIPE_CHARS characters and
        PIPE_TOKENS tokens, each body's pieces joined once its last is parsed."""
        keeps_vectors: dict[int, bool] = {}

        def tokenized() -> Iterator[tuple[int, Doc]]:
            for i, body in enumerate(bodies):
                doc = self.nlp.tokenizer(body)
                keeps_vectors[i] = len(doc) <= MAX_VECTOR_TOKENS
                for piece in pieces(doc, PIPE_TOKENS, PIPE_CHARS):
                    yield i, piece

        parsed: list[Doc] = []
        at = 0  # the body being parsed
        for run in _runs(tokenized(), PIPE_CHARS, PIPE_TOKENS):
            for (i, _), doc in zip(run, self.nlp.pipe((piece for _, piece in run), batch_size=len(run))):
                if i != at:
                    yield joined(parsed)
                    parsed, at = [], i
                doc.tensor = doc.tensor.astype("float16") if keeps_vectors[i] else doc.tensor[:0].copy()
                parsed.append(doc)
        if parsed:
            yield joined(parsed)

    def _build_or_error(self, article: Article, doc: Doc) -> dict | BadArticle:
        try:
            return self._build(article, doc)
        except Exception as exc:  # noqa: BLE001 - reported as the article's own error
            return BadArticle("enrichment_failed", f"{type(exc).__name__}: {exc}")

    def _build(self, article: Article, doc: Doc) -> dict:
        """The enriched article. One in another language than the model's gets no entities
        and only its quotation-marked quotes (no speaker, no cue): the English model's
        reading of it would be made up ("Juli" and "Donnerstag" as PERSON)."""
        written_in = language.detect(article.body)
        if written_in == doc.lang_:
            found_quotes = quotes.extract_quotes(doc)
            mentions, canonical = entities.canonicalize(doc, article.title, found_quotes, self.aliases)
        else:
            found_quotes, mentions, canonical = quotes.quotations(doc.text), [], []
        return output_caps.capped({
            **article.to_dict(),
            **metadata.describe(article, doc, language=written_in),
            "entities": mentions,
            "canonical_entities": canonical,
            "quotes": found_quotes,
            "model": self.model_name,
        })


def _runs(pieces: Iterable[tuple[int, Doc]], max_chars: int, max_tokens: int) -> Iterator[list[tuple[int, Doc]]]:
    """``pieces`` ((body index, Doc)) in order, in runs of at most ``max_chars``
    characters and ``max_tokens`` tokens (a piece over either is a run of its own)."""
    run: list[tuple[int, Doc]] = []
    chars = tokens = 0
    for piece in pieces:
        size, length = len(piece[1].text), len(piece[1])
        if run and (chars + size > max_chars or tokens + length > max_tokens):
            yield run
            run, chars, tokens = [], 0, 0
        run.append(piece)
        chars, tokens = chars + size, tokens + length
    if run:
        yield run
