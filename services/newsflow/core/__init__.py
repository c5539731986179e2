"""The pure enrichment library: article in, enriched article out. No Kafka here, and no
environment reads: what varies (the model, the alias table) is passed in.

* :mod:`.article` the article, its id, BadArticle; :mod:`.parse` bytes and files to
  articles; :mod:`.dates` date lines and day mentions;
* :mod:`.enrich` the Enricher: spaCy over a batch (:mod:`.pieces` cuts a long body), then
  the extractors, then :mod:`.output_caps`;
* :mod:`.nlp` loads the installed model (:mod:`.model` names it) with newsflow's own
  pipeline parts, one file each in :mod:`.components`;
* :mod:`.quotes` who said what, one module per stage (its learned scorer in
  :mod:`.quotes.scorer`); :mod:`.entities` canonical entities and who a speaker is;
  :mod:`.metadata` dateline, dates, language, word count; :mod:`.language` which language
  an article is in (only English gets the English model's entities and cues);
* :mod:`.labels`, :mod:`.spans`, :mod:`.casing` and :mod:`.errors` what several of them
  share; ``data/`` the lexicons, the scorer's weights, the label evidence and the alias table.

Importing ``newsflow.core`` (or its article, parse, dates and model modules) loads no
spaCy: the Enricher and the extractors are imported when first used.
"""

from newsflow.core.article import Article, BadArticle

__all__ = ["Article", "BadArticle", "Enricher"]


def __getattr__(name: str):
    if name == "Enricher":  # spaCy and the model's libraries: only when enriching
        from newsflow.core.enrich import Enricher

        return Enricher
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
