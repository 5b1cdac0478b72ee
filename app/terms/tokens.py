r"""Words and the punctuation between them, with offsets: the alphabet the annotator matches in.

Labels and text are cut the same way, so that a label matches the text wherever their cuts
agree:

- a *word* is a run of letters and digits (``[^\W_]+``), keyed by its folded, singular form
  (:func:`mosaic.terms.text.fold` and :func:`~mosaic.terms.text.singular`): case and plurals are
  ignored, exactly as the label index normalises;
- between two words, spaces, a single line break, a hyphen and Markdown emphasis marks are
  nothing (``prompt-injection``, ``prompt\ninjection`` and ``*prompt* injection`` all read as
  ``prompt injection``); a blank line is a *break* (a term never spans two paragraphs); any
  other punctuation is a token of its own, so ``AML.T0051`` is ``aml`` ``.`` ``t0051`` and
  matches only where the text has the dot.

Word boundaries follow from the cut: ``AI`` can never match inside ``detail``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mosaic.terms.text import fold, singular

WORD = re.compile(r"[^\W_]+")
#: Characters that separate words without meaning anything: hyphens and emphasis marks.
_TRANSPARENT = frozenset("-\u2010\u2011*_~")
#: The key of a break: nothing matches across it (never a key of a label).
BREAK = ""


def word_key(raw: str) -> str:
    """The key of one word: folded and singular.

    >>> word_key("Attacks"), word_key("LLMs"), word_key("T0051")
    ('attack', 'llm', 't0051')
    """
    return singular(fold(raw))


def gap_keys(gap: str) -> list[str]:
    r"""The keys of what lies between two words: one per punctuation mark, or a break.

    Spaces, a single line break, hyphens and emphasis marks give no key; a blank line gives
    :data:`BREAK` alone.

    >>> gap_keys(" "), gap_keys("-"), gap_keys(" \n\n "), gap_keys("."), gap_keys("), ")
    ([], [], [''], ['.'], [')', ','])
    """
    return [key for key, _ in gap_marks(gap)]


def gap_marks(gap: str) -> list[tuple[str, int]]:
    """The keys of a gap with the position of each in it (a break is at 0)."""
    if gap == " ":
        return []
    if gap.count("\n") >= 2 and _has_blank_line(gap):
        return [(BREAK, 0)]
    return [(ch, i) for i, ch in enumerate(gap) if not ch.isspace() and ch not in _TRANSPARENT]


def _has_blank_line(gap: str) -> bool:
    return any(not line.strip() for line in gap.split("\n")[1:-1])


def label_keys(label: str) -> list[str] | None:
    """The keys of a label as the text must show them, or ``None`` when it cannot match.

    Punctuation before the first word and after the last counts (``Model Consumer (Legacy)``
    ends with ``)``). A label with a blank line in it, or no word at all, has no keys.

    >>> label_keys("Prompt-Injection Attacks")
    ['prompt', 'injection', 'attack']
    >>> label_keys("LLM01:2025"), label_keys("Art. 3(1)")
    (['llm01', ':', '2025'], ['art', '.', '3', '(', '1', ')'])
    """
    keys: list[str] = []
    previous = 0
    for match in WORD.finditer(label):
        keys.extend(gap_keys(label[previous : match.start()]))
        keys.append(word_key(match.group()))
        previous = match.end()
    if not keys:
        return None
    keys.extend(gap_keys(label[previous:]))
    return None if BREAK in keys else keys


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """The keys of a text with their start and end positions in it, gaps included.

    A punctuation key spans its one character; a break is yielded as :data:`BREAK`.

    >>> [k for k, _, _ in tokens("Indirect prompt-injections, e.g. AML.T0051")]
    ['indirect', 'prompt', 'injection', ',', 'e', '.', 'g', '.', 'aml', '.', 't0051']
    """
    previous = 0
    for match in WORD.finditer(text):
        start = match.start()
        for key, at in gap_marks(text[previous:start]):
            yield key, previous + at, previous + at + 1
        yield word_key(match.group()), start, match.end()
        previous = match.end()
    for key, at in gap_marks(text[previous:]):
        yield key, previous + at, previous + at + 1
