"""newsflow's own parts of the spaCy pipeline, one file each, which
:func:`newsflow.core.nlp.load_pipeline` adds to the installed model:

* :mod:`.glued_quotes`: tokenizer infixes, a quotation mark glued to words is a token;
* :mod:`.bounded_runs`: the tokenizer wrapped so its cost is linear in the text;
* :mod:`.paragraph_sentences`, :mod:`.dateline_sentence` and :mod:`.sentence_limit`:
  registered components (by those names) that set sentence starts before the parser runs.

A new component is a module here with its ``@Language.component`` (or factory), imported
and added in load_pipeline.
"""
