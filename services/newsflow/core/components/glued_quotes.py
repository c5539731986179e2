"""Tokenizer infixes: a quotation mark glued to the words around it is a token of its own."""

from __future__ import annotations

from spacy.language import Language
from spacy.util import compile_infix_regex

# 'Rep. Trey Gowdy (R-S.C.):"I have not', 'wait,”he said', 'AP)—“We are': the tokenizer
# keeps a quotation mark (and a colon or stop before it) glued to the words around it when
# no space parts them.
INFIXES = (
    r"(?<=\w)[:,.?!](?=[\"“”])",
    r"(?<=[:,.?!;)—–])[\"“”](?=\w)",
    r"(?<=\w)[\"”](?=\w)",
)


def add_to(nlp: Language) -> None:
    """The model's infix rules and these, on its tokenizer."""
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, *INFIXES]).finditer
