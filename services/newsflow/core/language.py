"""Which language an article is written in, so that only English text gets the English
model's entities and quote cues. py3langid ships its model inside the package (nothing
downloads); it reads the body's first characters only, ~1.5 ms per article."""

from __future__ import annotations

import functools

from py3langid.langid import MODEL_FILE, LanguageIdentifier

ENGLISH = "en"
# What the identifier reads: a bound on its cost whatever the body's length.
SAMPLE_CHARS = 2000
# Below this probability an article is taken as English, the pipeline's language: short
# English texts and names ("Kremlin spokesman Dmitry Peskov spoke.") score low for every
# language, one German or French sentence above 0.96.
MIN_PROBABILITY = 0.9


@functools.cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language ("de", "fr"), "en" when unsure."""
    language, probability = _identifier().classify(text[:SAMPLE_CHARS])
    return language if probability >= MIN_PROBABILITY else ENGLISH
