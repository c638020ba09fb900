"""One blank English spaCy pipeline per process.

Its tokenizer and vocabulary serve the token vetoes (``RuleBook.token_matcher``), the entity
lexicon's phrase matcher and, with scispaCy's abbreviation detector added to it, the
abbreviation finder. Those only tokenise (``make_doc``) or run the detector on a window, so one
pipeline does for all three; building spaCy's English tokenizer takes ~0.15 s, a third of a
worker's warm start-up when it was built three times.
"""

from __future__ import annotations

from functools import lru_cache

MAX_LENGTH = 5_000_000  # characters: a long paper's text in one Doc


@lru_cache(maxsize=None)
def blank_english():
    import spacy

    nlp = spacy.blank("en")
    nlp.max_length = MAX_LENGTH
    return nlp
