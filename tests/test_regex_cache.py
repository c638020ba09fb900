"""The on-disk cache of compiled patterns: a later process loads what an earlier one compiled,
an edited pattern is compiled afresh, and a damaged or tampered file is ignored, never trusted."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest
import regex

from textmine import regex_cache


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTMINE_CACHE_DIR", str(tmp_path))
    regex_cache.clear_memory()
    yield tmp_path
    regex_cache.clear_memory()


DOSE = r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>mL|million cells)"


def test_a_saved_pattern_is_loaded_without_compiling(cache_dir, monkeypatch):
    first = regex_cache.compile(DOSE, regex.I)
    regex_cache.save()
    assert regex_cache.cache_file().exists()
    regex_cache.clear_memory()

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again instead of loading")

    monkeypatch.setattr(regex, "compile", refuse)
    loaded = regex_cache.compile(DOSE, regex.I)
    assert loaded is not first
    m = loaded.search("each disc received 2 ML of cells")
    assert (m.group("value"), m.group("unit")) == ("2", "ML")


def test_flags_and_text_are_the_key(cache_dir):
    insensitive = regex_cache.compile(DOSE, regex.I)
    sensitive = regex_cache.compile(DOSE)
    regex_cache.save()
    regex_cache.clear_memory()
    assert regex_cache.compile(DOSE, regex.I).search("2 ML")
    assert regex_cache.compile(DOSE).search("2 ML") is None
    assert insensitive.flags != sensitive.flags
    edited = regex_cache.compile(DOSE.replace("mL", "µL"), regex.I)  # an edited pattern: compiled afresh
    assert edited.search("5 µL") and not edited.search("5 mL")


def test_a_second_process_uses_the_first_ones_file(cache_dir):
    code = ("import regex, sys; from textmine import regex_cache as c; "
            "p = c.compile(sys.argv[1], regex.I); print(bool(c._new))")
    env = {**os.environ, "TEXTMINE_CACHE_DIR": str(cache_dir)}
    first = subprocess.run([sys.executable, "-c", code, DOSE], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code, DOSE], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "True"  # compiled, and saved at exit
    assert second.stdout.strip() == "False"  # found in the file


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps(["a list"]), pickle.dumps({("x", 0): "no pattern"})])
def test_a_damaged_file_is_ignored_and_rewritten(cache_dir, content):
    path = regex_cache.cache_file()
    path.write_bytes(content)
    assert regex_cache.compile(DOSE).search("2 mL")
    regex_cache.save()
    regex_cache.clear_memory()
    assert (DOSE, 0) in regex_cache._read(path)


class _Payload:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_a_tampered_file_cannot_run_code(cache_dir, monkeypatch):
    monkeypatch.chdir(cache_dir)
    regex_cache.cache_file().write_bytes(pickle.dumps({(DOSE, 0): _Payload()}))
    assert regex_cache.compile(DOSE).search("2 mL")
    assert not (cache_dir / "pwned").exists()


def test_turned_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTMINE_CACHE_DIR", "off")
    regex_cache.clear_memory()
    assert regex_cache.cache_file() is None
    assert regex_cache.compile(DOSE).search("2 mL")
    regex_cache.save()
    regex_cache.clear_memory()


def test_an_unwritable_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TEXTMINE_CACHE_DIR", str(blocker / "cache"))
    regex_cache.clear_memory()
    assert regex_cache.compile(DOSE).search("2 mL")
    regex_cache.save()  # cannot create the folder: no error
    regex_cache.clear_memory()


def test_a_bad_pattern_still_raises(cache_dir):
    with pytest.raises(regex.error):
        regex_cache.compile(r"(?P<value>\d+")


def test_the_rule_book_is_the_same_from_the_cache(cache_dir):
    from textmine.rulebook import RuleBook

    cold = RuleBook.load()
    regex_cache.save()
    regex_cache.clear_memory()
    warm = RuleBook.load()
    assert not regex_cache._new  # every pattern came from the file
    assert [(p.id, p.compiled.pattern if p.compiled else None) for p in cold.patterns] == \
           [(p.id, p.compiled.pattern if p.compiled else None) for p in warm.patterns]


def test_pattern_text_does_not_depend_on_the_hash_seed():
    """Alternations are sorted longest first, ties alphabetically: with set order (which changes
    with PYTHONHASHSEED) every process would build new pattern texts and miss the cache."""
    code = ("import hashlib; from textmine.rulebook import RuleBook; b = RuleBook.load(); "
            "print(hashlib.sha256('\\n'.join(p.compiled.pattern for p in b.patterns if p.compiled).encode()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(digests) == 1
