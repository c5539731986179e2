"""Entity labels checked against the article (entities/evidence.py): the small model's
mislabels corrected where the article writes a person's title or role, or a club's name."""

from __future__ import annotations

import pytest

from newsflow.core.entities import canonicalize
from tests.unit.core.entities.conftest import by_name, with_ents


@pytest.mark.parametrize(
    ("text", "name", "model_label", "label"),
    [("Pablo Vegas, the chief executive of ERCOT, said the grid held.", "Pablo Vegas", "GPE", "PERSON"),
     ("Texas grid boss Pablo Vegas said the grid held.", "Pablo Vegas", "ORG", "PERSON"),
     ("Mr. Vegas said the grid held.", "Vegas", "GPE", "PERSON"),
     ("Manchester United said in a statement that the manager left.", "Manchester United", "PERSON", "ORG"),
     ("Acme Corp. said profits fell.", "Acme Corp.", "PERSON", "ORG"),
     # no evidence, or none of a person: the model's label stays
     ("Oregon, the homeland of Senator Ron Wyden, sent trees.", "Oregon", "GPE", "GPE"),
     ("North Korea, the country's official name, said no.", "North Korea", "GPE", "GPE"),
     ("Bernie Sanders said he would stay.", "Bernie Sanders", "PERSON", "PERSON")],
)
def test_a_label_the_article_contradicts_is_corrected(nlp, text, name, model_label, label):
    doc = with_ents(nlp, text, [(name, model_label)])
    _, canonical = canonicalize(doc, "", [])
    assert by_name(canonical)[name]["label"] == label


def test_the_alias_table_label_overrides_the_evidence(nlp):
    doc = with_ents(nlp, "Mr. NATO said so.", [("NATO", "PERSON")])
    _, canonical = canonicalize(doc, "", [])
    assert by_name(canonical)["NATO"]["label"] == "ORG"
