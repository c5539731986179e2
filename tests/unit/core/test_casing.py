"""Names cased naturally (casing.py): shouted names in title case, abbreviations kept."""

from __future__ import annotations

import pytest

from newsflow.core.casing import natural_case


@pytest.mark.parametrize(
    ("shouted", "natural"),
    [("LONDON", "London"), ("NEW DELHI", "New Delhi"), ("SAINT-DENIS", "Saint-Denis"),
     ("O'NEILL", "O'Neill"), ("MACRON'S", "Macron's"), ("UK", "UK"), ("London", "London"),
     ("McDonald", "McDonald")],
)
def test_shouted_names_in_title_case(shouted, natural):
    assert natural_case(shouted) == natural
