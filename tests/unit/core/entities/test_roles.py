"""The role an article gives an entity (entities/roles.py)."""

from __future__ import annotations

import pytest

from newsflow.core.entities import canonicalize
from tests.unit.core.entities.conftest import with_ents


@pytest.mark.parametrize(
    ("text", "person", "role"),
    [
        ("Kremlin spokesman Dmitry Peskov said talks would go on.", "Dmitry Peskov", "Kremlin spokesman"),
        ("Dmitry Peskov, the Kremlin spokesman, said talks would go on.", "Dmitry Peskov", "Kremlin spokesman"),
        ("US Secretary of State Marco Rubio met him on Friday.", "Marco Rubio", "US Secretary of State"),
        ("Mr Lavrov arrived in Kuala Lumpur.", "Lavrov", None),
    ],
)
def test_role_from_premodifier_or_appositive(nlp, text, person, role):
    _, canonical = canonicalize(with_ents(nlp, text, [(person, "PERSON")]), "", [])
    assert canonical[0]["role"] == role
