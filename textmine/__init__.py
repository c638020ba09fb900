"""textmine: LLM-free extraction of sample sizes, doses, scores and follow-up durations from papers.

>>> import textmine
>>> [m.value for m in textmine.extract("Eighteen rats per group were studied.").mentions]
[18]
"""

__version__ = "0.1.0"


def extract(source, pipeline=None):
    """See ``textmine.api.extract`` (imported lazily: importing textmine loads no spaCy)."""
    from textmine.api import extract as _extract

    return _extract(source, pipeline)


def load(store):
    """A ``textmine scan`` store as pandas DataFrames: ``.documents``, ``.mentions``, ``.records``,
    ``.entities`` (see ``textmine.batch.tables.load``)."""
    from textmine.batch.tables import load as _load

    return _load(store)


__all__ = ["extract", "load", "__version__"]
