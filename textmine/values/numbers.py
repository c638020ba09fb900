"""Turn the many ways papers write a number into one float.

Pure functions over strings, driven by ``patterns/numbers.json``; no spaCy here.

>>> parse_number("1,299")
1299.0
>>> parse_number("One hundred and twenty")
120.0
>>> parse_scientific("2 × 10^7")
20000000.0
>>> parse_scientific("25×106")        # a PDF flattened the superscript
25000000.0
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import regex

from textmine.regex_cache import longest_first
from textmine.rulebook import load_json


class NumberFormatError(ValueError):
    """Raised when a string is not a number textmine can read."""


@dataclass(frozen=True)
class NumberWords:
    """The number vocabulary from ``patterns/numbers.json``."""

    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    multipliers: dict[str, float]
    superscripts: dict[str, str]
    times_signs: tuple[str, ...]
    dashes: tuple[str, ...]
    thousands_separators: tuple[str, ...]
    mangled_exponent_range: tuple[int, int]

    @classmethod
    def load(cls) -> "NumberWords":
        data = load_json("numbers.json")
        data.pop("_doc", None)
        return cls(
            units=data["units"],
            tens=data["tens"],
            scales=data["scales"],
            multipliers=data["multipliers"],
            superscripts=data["superscripts"],
            times_signs=tuple(data["times_signs"]),
            dashes=tuple(data["dashes"]),
            thousands_separators=tuple(data["thousands_separators"]),
            mangled_exponent_range=tuple(data["mangled_exponent_range"]),
        )

    # -- regex fragments built from the data, reused by the pattern macros --
    @cached_property
    def word_regex(self) -> str:
        """A regex for number words up to the thousands ("One hundred and twenty")."""
        unit = "|".join(longest_first(w for w in self.units if w != "zero"))
        tens = "|".join(self.tens)
        small = rf"(?:(?:{tens})(?:[-\s](?:{unit}))?|(?:{unit}))"
        hundreds = rf"(?:{small}[\s-]+hundred(?:[\s-]+(?:and\s+)?{small})?|{small})"
        return rf"(?:{hundreds}[\s-]+thousand(?:,?[\s-]+(?:and\s+)?{hundreds})?|{hundreds})"

    @cached_property
    def times_class(self) -> str:
        return "[" + "".join(regex.escape(s) for s in self.times_signs) + "]"

    @cached_property
    def dash_class(self) -> str:
        return "[" + "".join(regex.escape(s) for s in self.dashes) + "]"

    @cached_property
    def sep_class(self) -> str:
        return "[" + "".join(regex.escape(s) for s in self.thousands_separators) + "]"

    @cached_property
    def superscript_class(self) -> str:
        return "[" + "".join(self.superscripts) + "]"


_WORDS: NumberWords | None = None


def words() -> NumberWords:
    """The number vocabulary, loaded once per process (it is immutable)."""
    global _WORDS
    if _WORDS is None:
        _WORDS = NumberWords.load()
    return _WORDS


def fold(text: str) -> str:
    """Fold Unicode variants to one form without changing the string's length.

    Greek mu becomes micro sign, minus signs and dashes become "-", exotic spaces become
    a plain space. Length is kept so offsets stay valid.
    """
    folded = text.translate(_fold_table())
    return _TILDE_RANGE.sub("-", folded) if "~" in folded else folded  # "6~12 months" is a range


_FOLD: dict[int, str] | None = None
_TILDE_RANGE = regex.compile(r"(?<=\d\s?)~(?=\s?\d)")


def _fold_table() -> dict[int, str]:
    global _FOLD
    if _FOLD is None:
        table = {ord("\u03bc"): "\u00b5"}
        table.update({ord(d): "-" for d in words().dashes})
        table.update({ord(c): " " for c in "\u00a0\u2009\u202f\u2007\u2002\u2003"})
        _FOLD = table
    return _FOLD


def lower_folded(text: str, folded: str | None = None) -> str:
    """``fold(text).lower()`` with the length kept (characters whose lower case is longer stay as they are)."""
    folded = fold(text) if folded is None else folded
    low = folded.lower()
    if len(low) == len(text):
        return low.replace("\u03bc", "\u00b5")  # lower() turns the micro sign into Greek mu
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded).replace("\u03bc", "\u00b5")


_WORD_SPLIT = regex.compile(r"[\s\-]+")


def parse_words(text: str) -> int:
    """Read number words: "Twenty-six" → 26, "One hundred and twenty" → 120."""
    w = words()
    tokens = _WORD_SPLIT.split(text.strip().lower())
    total = current = 0
    last = None  # the kind of the previous word: "unit", "tens", "hundred", "thousand"
    for tok in tokens:
        if not tok or tok == "and":
            continue
        if tok in w.units:
            # a unit may follow a tens word only if it is 1-9 ("twenty-six", not "seventy-eleven")
            if last == "unit" or (last == "tens" and not 1 <= w.units[tok] <= 9):
                raise NumberFormatError(f"not a number: {text!r}")
            current += w.units[tok]
            last = "unit"
        elif tok in w.tens:
            if last in ("unit", "tens"):
                raise NumberFormatError(f"not a number: {text!r}")
            current += w.tens[tok]
            last = "tens"
        elif tok == "hundred" and last in (None, "unit") and current < 10:
            current = (current or 1) * 100
            last = "hundred"
        elif tok == "thousand" and last != "thousand" and total == 0:
            total = (current or 1) * 1000
            current = 0
            last = "thousand"
        else:
            raise NumberFormatError(f"not a number word: {tok!r} in {text!r}")
    if last is None:
        raise NumberFormatError(f"no number words in {text!r}")
    return total + current


_DIGITS = regex.compile(r"^[+-]?(?:\d{1,3}(?:([, ])\d{3})(?:\1\d{3})*|\d+)(?:[.·]\d+)?$")


_DECIMAL_COMMA = regex.compile(r"^-?\d+,\d{1,2}$")
_FIRST_NUMBER = regex.compile(r"\d+(?:\.\d+|,\d{1,2}(?!\d))?")


def first_number(text: str | None) -> float | None:
    """The first plain number in ``text`` ("(SD 4,2)" -> 4.2), or None."""
    m = _FIRST_NUMBER.search(text) if text else None
    return parse_number(m.group()) if m else None


def parse_number(text: str) -> float:
    """Read one plain number: digits (with thousands separators), decimals or words.

    "1,299", "2 567", "1 299" (thin space), "28.5", "−1.7", "Twenty-six".
    A comma followed by exactly three digits is a thousands separator; a comma followed by
    one or two digits is a decimal comma ("15,8", as non-native authors write it).
    """
    s = fold(text).strip()
    if not s:
        raise NumberFormatError("empty number")
    if s[0].isalpha():
        return float(parse_words(s))
    if _DECIMAL_COMMA.match(s):  # "15,8", "0,58": one or two digits after the comma
        return float(s.replace(",", "."))
    m = _DIGITS.match(s)
    if not m:
        raise NumberFormatError(f"not a number: {text!r}")
    return float(s.replace(",", "").replace(" ", "").replace("·", "."))


def _exponent_text(raw: str) -> str:
    sup = words().superscripts
    return "".join(sup.get(ch, ch) for ch in raw)


_SCI = None


def _sci_regex() -> regex.Pattern:
    global _SCI
    if _SCI is None:
        w = words()
        _SCI = regex.compile(
            rf"""^(?P<emant>\d+(?:\.\d+)?)[eE](?P<eexp>[+-]?\d+)$
              |^(?:(?P<mant>\d+(?:\.\d+|,\d{{1,2}})?)\s*{w.times_class}\s*)?10\s*
                (?:\^\s*(?P<caret>[+-]?\d+)
                  |(?P<sup>{w.superscript_class}+)
                  |\(\s*(?P<paren>[+-]?\d+)\s*\)
                  |[eE](?P<e10>[+-]?\d{{1,2}})
                  |(?P<mangled>\d{{1,2}}))$""",
            regex.VERBOSE,
        )
    return _SCI


def parse_scientific(text: str, allow_mangled: bool = True) -> float:
    """Read every written form of scientific notation.

    "2 × 10^7", "2×10⁷", "2 x 10(7)", "1x10e6", "2.5E+06", "10e6", "10^6", and — where a PDF
    flattened the superscript — "2 × 107", "25×106", "0.4 × 108". The flattened form is
    repaired only with a mantissa, a times sign and "10" followed directly by one or two
    digits whose exponent falls in ``mangled_exponent_range``.
    """
    s = fold(text).strip()
    m = _sci_regex().match(s)
    if not m:
        raise NumberFormatError(f"not scientific notation: {text!r}")
    if m.group("emant") is not None:
        return float(m.group("emant")) * 10 ** int(m.group("eexp"))
    mant = float(m.group("mant").replace(",", ".")) if m.group("mant") else 1.0  # "1,5 × 10^7": a decimal comma
    if m.group("mangled") is not None:
        lo, hi = words().mangled_exponent_range
        exp = int(m.group("mangled"))
        if not allow_mangled or m.group("mant") is None or not lo <= exp <= hi:
            raise NumberFormatError(f"ambiguous flattened power of ten: {text!r}")
    else:
        exp = int(_exponent_text(m.group("caret") or m.group("sup") or m.group("paren") or m.group("e10")))
    return mant * 10**exp


def parse_amount(text: str) -> float:
    """Read a number that may carry scientific notation or a multiplier word.

    "6 million" → 6e6, "15.1 million" → 1.51e7, "2 × 10^7" → 2e7, "1,000,000" → 1e6.
    """
    s = fold(text).strip()
    parts = s.rsplit(None, 1)
    mult = words().multipliers
    if len(parts) == 2 and parts[1].lower() in mult:
        return parse_amount(parts[0]) * mult[parts[1].lower()]
    try:
        return parse_number(s)
    except NumberFormatError:
        return parse_scientific(s)


def as_json_number(x: float | None) -> int | float | None:
    """Integers stay integers in JSON (counts, cells); everything else keeps 6 decimals."""
    if x is None:
        return None
    if abs(x - round(x)) < 1e-9 * max(1.0, abs(x)):
        return int(round(x))
    return round(x, 6)
