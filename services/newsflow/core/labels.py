"""spaCy's entity labels as the extractors group them."""

# Numbers and dates: values, not things. They make no canonical entity and no role.
NUMERIC_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
# What can be named as a speaker: people, organisations, places and groups.
NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
