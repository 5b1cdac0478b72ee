"""Every label of every initiative, matched at once: an Aho-Corasick automaton over word ids.

The text is cut into keys (:mod:`mosaic.terms.tokens`), each key becomes a number from the labels'
own vocabulary (a word no label uses is 0, which no label contains, so it ends every match), and
one pyahocorasick automaton over those numbers finds every occurrence of every label in a single
pass, however many labels there are. Matching on words rather than characters gives word
boundaries, case and plural folding for free, and a vocabulary of a few thousand words instead
of an alphabet of every Unicode character.

What becomes a pattern, for each concept:

- its labels (preferred, alternative, hidden, notations and the index's derived variants), cut
  as the text is; identifier-like labels (``AML.T0051``, ``LLM01:2025``) keep their punctuation;
- the label index's acronym variants of its multi-word names (``LLM prompt injection`` for
  "Large language model prompt injection");
- its CURIE (``atlas:AML.T0051``).

Never patterns: labels with fewer than two letters or digits (AVID's ``S``), and identifiers
with no letter at all (ISO's clause ``3.1.1``, MIT's ``2.1``): numbered clauses of every
document look the same, so a bare number names nothing.

**Common words and short acronyms** are matched but reported only on request (``all``). A label
is *common* when it is a single word that general English uses often (or such a word with
stopwords only: "The Model"): a Zipf frequency of 3.5 or more in wordfreq's English list, the
boundary between the low (1 to 3) and high (4 to 7) frequency bands of the Zipf scale (van
Heuven et al., 2014). "Data", "model", "security" and "direct" are common; "jailbreak",
"exfiltration" and "hallucination" are not. The rule looks at general English, not at our
data, so no answer was tuned into it. An acronym (a single word
with at least two capitals, such as ``LLM``, ``RAG``, ``DoS``) is matched only where the text
writes it the same way (``rag`` is cloth), and one of two letters (``AI``, ``PI``) counts as
common: 676 two-letter combinations stand for far more than 676 things.

The automaton depends on the label index only, so it is built once per index object (one per
label-index generation: a write makes a new index) and kept beside it, weakly: when the index
goes, so does its automaton.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import ahocorasick

from mosaic.terms.label_index import LabelIndex
from mosaic.terms.regions import Document
from mosaic.terms.text import STOPWORDS, acronym_variants, is_identifier, normalise
from mosaic.terms.tokens import BREAK, WORD, gap_marks, label_keys, word_key

#: Zipf frequency (log10 of uses per billion words) from which a single word is common.
COMMON_ZIPF = 3.5
#: Acronyms of at most this many letters are common (ambiguous by their shortness).
SHORT_ACRONYM = 2
_ACRONYM = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z]{2,8}$")
#: The label position of a CURIE posting (real labels count from 0).
CURIE_LABEL = -2


@dataclass(frozen=True, slots=True)
class LabelPosting:
    """One concept label a pattern stands for, and when it may be reported."""

    concept: int
    label: int
    #: The exact spelling the text must use (acronyms), or ``None`` for any case.
    case: str | None = None
    #: A common word or short acronym: reported only when all matches are asked for.
    common: bool = False


@dataclass(slots=True)
class Pattern:
    """A sequence of keys and the labels it stands for."""

    length: int
    identifier: bool
    postings: list[LabelPosting] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Match:
    """A span of the body naming concepts: offsets and the labels that matched there."""

    start: int
    end: int
    identifier: bool
    postings: tuple[LabelPosting, ...]


@cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def is_common_word(word: str) -> bool:
    """Whether general English uses ``word`` often (Zipf 3.5 or more; see the module).

    >>> is_common_word("data"), is_common_word("jailbreak")
    (True, False)
    """
    return _zipf(word) >= COMMON_ZIPF


def _letters_or_digits(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


class LabelAutomaton:
    """The patterns of one label index and the automaton that finds them all in one pass."""

    def __init__(self, index: LabelIndex) -> None:
        """Build the patterns and the automaton from every concept of ``index``."""
        by_keys: dict[tuple[str, ...], Pattern] = {}
        for concept in index.concepts:
            for position, entry in enumerate(concept.labels):
                self._add_label(by_keys, concept.position, position, entry.text)
                if entry.property != "notation" and not is_identifier(entry.text):
                    for variant in acronym_variants(normalise(entry.text), index.acronyms):
                        keys = tuple(variant.split())
                        if len(keys) > 1:
                            self._add(by_keys, keys, LabelPosting(concept.position, position))
            if concept.curie and any(ch.isdigit() for ch in concept.curie):
                curie_keys = label_keys(concept.curie)
                if curie_keys:
                    posting = LabelPosting(concept.position, CURIE_LABEL)
                    self._add(by_keys, tuple(curie_keys), posting, True)
        self.vocabulary: dict[str, int] = {}
        for keys in by_keys:
            for key in keys:
                self.vocabulary.setdefault(key, len(self.vocabulary) + 1)
        self.patterns: list[Pattern] = list(by_keys.values())
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS, ahocorasick.KEY_SEQUENCE)
        for number, keys in enumerate(by_keys):
            self._automaton.add_word(tuple(self.vocabulary[k] for k in keys), number)
        self._automaton.make_automaton()

    @staticmethod
    def _add(
        by_keys: dict[tuple[str, ...], Pattern],
        keys: tuple[str, ...],
        posting: LabelPosting,
        identifier: bool = False,
    ) -> None:
        pattern = by_keys.get(keys)
        if pattern is None:
            pattern = by_keys[keys] = Pattern(len(keys), identifier)
        elif identifier:
            pattern.identifier = True
        if posting not in pattern.postings:
            pattern.postings.append(posting)

    def _add_label(
        self,
        by_keys: dict[tuple[str, ...], Pattern],
        concept: int,
        position: int,
        text: str,
    ) -> None:
        """Add one label (any property: the answer reports which one matched)."""
        text = text.strip()
        identifier = is_identifier(text)
        if _letters_or_digits(text) < 2 or (identifier and not any(c.isalpha() for c in text)):
            return
        keys = label_keys(text)
        if not keys:
            return
        case = None
        common = False
        if len(keys) == 1 and not identifier:
            if _ACRONYM.match(text):
                case = text
                common = len(text) <= SHORT_ACRONYM
            else:
                common = is_common_word(keys[0]) or is_common_word(text.casefold())
        elif not identifier:
            # "The Model" says no more than "model": judged by its one content word.
            content = [k for k in keys if k not in STOPWORDS and WORD.fullmatch(k)]
            common = len(content) == 0 or (len(content) == 1 and is_common_word(content[0]))
        self._add(by_keys, tuple(keys), LabelPosting(concept, position, case, common), identifier)

    # --- matching ------------------------------------------------------------------------------

    def _stream(self, document: Document) -> tuple[list[int], list[int], list[int]]:
        """The key ids of the document's prose, with each key's start and end offset.

        A punctuation key spans its one character; regions are separated by a 0.
        """
        vocabulary = self.vocabulary
        ids: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        words: dict[str, int] = {}

        def add(number: int, start: int, end: int) -> None:
            ids.append(number)
            starts.append(start)
            ends.append(end)

        for region in document.regions:
            if ids and ids[-1] != 0:
                add(0, region.start, region.start)
            text = region.text
            offset = region.offset
            previous = 0
            for match in WORD.finditer(text):
                start, end = match.span()
                if start != previous and text[previous:start] != " ":
                    for key, at in gap_marks(text[previous:start]):
                        mark = 0 if key == BREAK else vocabulary.get(key, 0)
                        add(mark, offset(previous + at), offset(previous + at + 1))
                raw = match.group()
                known = words.get(raw)
                if known is None:
                    known = words[raw] = vocabulary.get(word_key(raw), 0)
                add(known, offset(start), offset(end))
                previous = end
            for key, at in gap_marks(text[previous:]):
                number = 0 if key == BREAK else vocabulary.get(key, 0)
                add(number, offset(previous + at), offset(previous + at + 1))
        return ids, starts, ends

    def find(self, document: Document, *, include_common: bool = False) -> list[Match]:
        """Every span of the document's prose that names a concept, longest match first.

        Overlapping candidates are settled by length: the one with the most keys (then the
        most characters, then the leftmost) wins, and the others that overlap it are dropped.

        :param include_common: report common words and short acronyms too (see the module).
        :returns: the matches in the order of the body.
        """
        ids, starts, ends = self._stream(document)
        body = document.body
        candidates: list[tuple[int, int, int, tuple[LabelPosting, ...]]] = []
        for last, number in self._automaton.iter(tuple(ids)):
            pattern = self.patterns[number]
            first = last - pattern.length + 1
            kept = tuple(
                p
                for p in pattern.postings
                if (include_common or not p.common)
                and (p.case is None or _same_spelling(body[starts[first] : ends[last]], p.case))
            )
            if kept:
                candidates.append((first, last, number, kept))
        candidates.sort(key=lambda c: (c[0] - c[1], starts[c[0]] - ends[c[1]], c[0]))
        taken = bytearray(len(ids))
        chosen: list[Match] = []
        for first, last, number, kept in candidates:
            if any(taken[first : last + 1]):
                continue
            taken[first : last + 1] = b"\x01" * (last - first + 1)
            chosen.append(Match(starts[first], ends[last], self.patterns[number].identifier, kept))
        chosen.sort(key=lambda m: m.start)
        return chosen


def _same_spelling(found: str, label: str) -> bool:
    """Whether the text spells an acronym as the label does (a plural ``s`` allowed)."""
    return found == label or (found[:-1] == label and found.endswith("s"))


# --- one automaton per index -------------------------------------------------------------------

_lock = threading.Lock()
_built: dict[int, tuple[weakref.ref[LabelIndex], LabelAutomaton]] = {}


def automaton_for(index: LabelIndex) -> LabelAutomaton:
    """The automaton of ``index``: built on first use, then kept as long as the index lives."""
    key = id(index)
    with _lock:
        held = _built.get(key)
        if held is not None and held[0]() is index:
            return held[1]
        built = LabelAutomaton(index)
        _built[key] = (weakref.ref(index, _forgetter(key)), built)
        return built


def _forgetter(key: int) -> Callable[[weakref.ref[LabelIndex]], None]:
    """A weakref callback that drops the automaton of a collected index."""

    def forget(_ref: weakref.ref[LabelIndex]) -> None:
        _built.pop(key, None)

    return forget


def built_automata() -> Sequence[LabelAutomaton]:
    """The automata held now (for tests: one per live index)."""
    return [automaton for _ref, automaton in _built.values()]


def common_postings(postings: Sequence[LabelPosting]) -> bool:
    """Whether every posting of a match is common (the span is reported only with ``all``)."""
    return all(p.common for p in postings)


def group_by_concept(postings: Sequence[LabelPosting]) -> dict[int, list[LabelPosting]]:
    """The postings of a match by concept position, in first-seen order."""
    grouped: dict[int, list[LabelPosting]] = defaultdict(list)
    for posting in postings:
        grouped[posting.concept].append(posting)
    return dict(grouped)
