"""Which language an article is in (language.py): German and French found, English when
unsure (short English texts and names score low for every language)."""

from __future__ import annotations

import pytest

from newsflow.core.language import detect


@pytest.mark.parametrize(
    ("text", "language"),
    [("Bundeskanzler Olaf Scholz sagte am Donnerstag, die Regierung werde im Juli handeln.", "de"),
     ("Le président Emmanuel Macron a déclaré jeudi que le gouvernement agirait en juillet.", "fr"),
     ("The president said on Thursday that the government would act in July.", "en"),
     ("Kremlin spokesman Dmitry Peskov spoke.", "en"), ("Paris " * 1000, "en"), ('"' * 100, "en")],
)
def test_language_detected_and_english_when_unsure(text, language):
    assert detect(text) == language
