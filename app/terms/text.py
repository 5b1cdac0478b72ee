"""Text normalisation for labels: the keys the label index files them under, acronyms.

*Exact* keys fold case and spacing; *normalised* keys also drop punctuation and make plurals
singular; word-set keys ignore word order and stopwords; acronyms (``LLM``) are recognised as
abbreviations of the phrases they stand for, so either finds the other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache

#: Words that acronyms may skip and that carry no meaning in word-set comparisons.
STOPWORDS = frozenset(
    "a an the of and or for to in on by with from into via at as is are be its their this that"  # noqa: SIM905 - a word list reads best as text
    " not no".split()
)
_WORD = re.compile(r"[^\W_]+")
_IDENTIFIER = re.compile(r"^(?=.*\d)[^\s]+$")
_SINGULAR_KEEP = frozenset({"bias", "series", "species", "news", "lens", "chaos", "ethics"})


def fold(text: str) -> str:
    """Unicode-compatible, case-folded text with single spaces: the *exact* key.

    >>> fold("  Prompt   INJECTION ")
    'prompt injection'
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def words(text: str) -> list[str]:
    """The words of a text, folded; punctuation separates words.

    >>> words("AML.T0051 (LLM Prompt-Injection)")
    ['aml', 't0051', 'llm', 'prompt', 'injection']
    """
    return _WORD.findall(fold(text))


@cache
def singular(word: str) -> str:
    """A crude English singular, enough to make plural and singular labels meet.

    >>> [singular(w) for w in ("attacks", "policies", "patches", "access", "bias", "llms")]
    ['attack', 'policy', 'patch', 'access', 'bias', 'llm']
    """
    if len(word) <= 3 or not word.isalpha() or word in _SINGULAR_KEEP:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "ys")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


def normalise(text: str) -> str:
    """The *normalised* key: folded words, punctuation dropped, each word made singular.

    >>> normalise("Prompt-Injection Attacks!")
    'prompt injection attack'
    """
    return " ".join(singular(w) for w in words(text))


def word_set_key(text: str) -> str:
    """The normalised content words, sorted: the key that ignores word order and stopwords.

    >>> word_set_key("Poisoning of the training data")
    'data poisoning training'
    """
    return " ".join(sorted({singular(w) for w in words(text) if w not in STOPWORDS}))


def content_words(text: str) -> set[str]:
    """The normalised words of a text without stopwords (for shared and distinctive terms)."""
    return {singular(w) for w in words(text) if w not in STOPWORDS and len(w) > 1}


def is_identifier(text: str) -> bool:
    """Whether a label looks like an identifier (``C3.4.1``, ``LLM01:2025``), not a name.

    Identifier labels match exactly or not at all: ``C3.4.1`` is not a typo of ``C3.4.2``.
    """
    return bool(_IDENTIFIER.match(text.strip()))


def is_acronym_of(acronym: str, phrase: str) -> bool:
    """Whether ``acronym`` abbreviates ``phrase``: its letters start every meaningful word.

    Letters may continue inside a word (``GenAI``) and stopwords may be skipped (``DoS``).

    >>> is_acronym_of("LLM", "Large Language Model"), is_acronym_of("DoS", "Denial of Service")
    (True, True)
    >>> is_acronym_of("PI", "Model theft")
    False
    """
    letters = "".join(words(acronym))
    parts = words(phrase)
    if not 2 <= len(letters) <= 12 or len(parts) < 2 or " " in fold(acronym):
        return False
    if not parts[0].startswith(letters[0]):
        return False

    @cache
    def match(i: int, w: int, p: int) -> bool:
        if i == len(letters):
            return all(part in STOPWORDS for part in parts[w + 1 :])
        char = letters[i]
        word = parts[w]
        position = word.find(char, p)
        while position != -1:
            if match(i + 1, w, position + 1):
                return True
            position = word.find(char, position + 1)
        for nxt in range(w + 1, len(parts)):
            if parts[nxt][0] == char and match(i + 1, nxt, 1):
                return True
            if parts[nxt] not in STOPWORDS:
                break
        return False

    return match(1, 0, 1)


def acronym_variants(key: str, acronyms: Mapping[str, set[str]], limit: int = 4) -> list[str]:
    """A normalised key with known acronyms expanded, or known expansions contracted."""
    variants: list[str] = []
    tokens = key.split()
    for i, token in enumerate(tokens):
        for expansion in sorted(acronyms.get(token, ())):
            variants.append(" ".join([*tokens[:i], expansion, *tokens[i + 1 :]]))
    padded = f" {key} "
    for acronym, expansions in acronyms.items():
        for expansion in expansions:
            needle = f" {expansion} "
            if needle in padded and expansion != key:
                variants.append(padded.replace(needle, f" {acronym} ").strip())
    return [v for v in dict.fromkeys(variants) if v != key][:limit]
