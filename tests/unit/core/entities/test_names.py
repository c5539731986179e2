"""The clean name of a mention (entities/names.py)."""

from __future__ import annotations

import pytest

from newsflow.core.entities.names import clean_name


@pytest.mark.parametrize(
    ("text", "name"),
    [("the US'", "US"), ("Russia's", "Russia"), ("The Kremlin", "Kremlin"), ("Peskov’s", "Peskov"),
     ("U.S.", "U.S."), ("Theresa May", "Theresa May"), ("Jones'", "Jones")],
)
def test_clean_name_drops_article_and_possessive(text, name):
    assert clean_name(text) == name
