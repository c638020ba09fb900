"""The Python API: ``textmine.extract(path_or_text) -> Result``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textmine.document import Document
from textmine.mentions import CONTRACT_KEYS, EXTRA_KEYS, Mention
from textmine.parse import load_document, parse_text
from textmine.pipeline import Pipeline
from textmine.pipeline.abbreviations import Abbreviation

if TYPE_CHECKING:
    import pandas as pd

_DEFAULT: Pipeline | None = None


def default_pipeline() -> Pipeline:
    """The shared pipeline ``extract`` uses, built on first use (patterns and spaCy load once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pipeline()
    return _DEFAULT


@dataclass(frozen=True)
class Result:
    """Everything extracted from one document."""

    document: Document
    mentions: list[Mention]
    abbreviations: list[Abbreviation] = field(default_factory=list)

    def to_dataframe(self) -> "pd.DataFrame":
        """One row per mention, columns in contract order (links as a list per row)."""
        import pandas as pd

        return pd.DataFrame([m.to_dict() for m in self.mentions], columns=list(CONTRACT_KEYS + EXTRA_KEYS))


def extract(source: str | Path, pipeline: Pipeline | None = None) -> Result:
    """Extract every sample size, dose, score and follow-up from a file or a string of text.

    A ``Path``, or a string naming an existing ``.md``/``.txt`` file, is read from disk;
    any other string is treated as the text itself (its ``doc`` is ``"<text>"``).

    >>> r = extract("A 3-year follow-up of 26 patients.")
    >>> [(m.field, m.value) for m in r.mentions]
    [('follow_up', 36), ('sample_size', 26)]
    """
    pipeline = pipeline or default_pipeline()
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and len(source) < 4096
                                    and Path(source).suffix and Path(source).exists()):
        document = load_document(source)
    else:
        document = parse_text(str(source), "<text>", "markdown")
    analysis = pipeline.analyse(document)
    return Result(document, analysis.mentions, analysis.abbreviations)
