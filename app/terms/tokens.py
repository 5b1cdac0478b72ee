r"""Words and the punctuation between them, with offsets: the alphabet the annotator matches in.

Labels and text are cut the same way, so that a label matches the text wherever their cuts
agree:

- a *word* is a run of letters and digits (``[^\W_]+``), keyed by its folded, singular form
  (:func:`app.label_index.fold` and :func:`~app.label_index.singular`): case and plurals are
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

from app.label_index import fold, singular

WORD = re.compile(r"[^\W_]+")
#: Characters that separate words without meaning anything: hyphens and emphasis marks.
_TRANSPARENT = frozenset("-\u2010\u2011*_~")
#: The key of a break: nothing matches across it.
BREAK = ""


def word_key(raw: str) -> str:
    """The key of one word: folded and singular.

    >>> word_key("Attacks"), word_key("LLMs"), word_key("T0051")
    ('attack', 'llm', 't0051')
    """
    return singular(fold(raw))


def gap_key(gap: str) -> str | None:
    r"""What lies between two words: ``None`` (nothing), :data:`BREAK`, or a punctuation key.

    >>> gap_key(" "), gap_key("-"), gap_key(" \n\n "), gap_key("."), gap_key(" (")
    (None, None, '', '.', '(')
    """
    if gap == " ":
        return None
    marks = "".join(ch for ch in gap if not ch.isspace())
    if "\n" in gap and _has_blank_line(gap):
        return BREAK
    if not marks or all(ch in _TRANSPARENT for ch in marks):
        return None
    return marks


def _has_blank_line(gap: str) -> bool:
    lines = gap.split("\n")
    return any(not line.strip() for line in lines[1:-1]) or gap.count("\n") >= 2


def label_keys(label: str) -> list[str] | None:
    """The keys of a label as the text must show them, or ``None`` when it cannot match.

    A label with a blank line in it, or with nothing but punctuation, has no keys.

    >>> label_keys("Prompt-Injection Attacks")
    ['prompt', 'injection', 'attack']
    >>> label_keys("LLM01:2025")
    ['llm01', ':', '2025']
    """
    keys: list[str] = []
    previous = -1
    for match in WORD.finditer(label):
        if previous >= 0:
            gap = gap_key(label[previous : match.start()])
            if gap == BREAK:
                return None
            if gap is not None:
                keys.append(gap)
        keys.append(word_key(match.group()))
        previous = match.end()
    return keys or None


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """The keys of a text with their start and end positions in it, gaps included.

    A break is yielded as :data:`BREAK` (its positions are those of the blank line).

    >>> [k for k, _, _ in tokens("Indirect prompt-injections, e.g. AML.T0051")]
    ['indirect', 'prompt', 'injection', ',', 'e', '.', 'g', '.', 'aml', '.', 't0051']
    """
    previous = -1
    for match in WORD.finditer(text):
        start = match.start()
        if previous >= 0:
            gap = gap_key(text[previous:start])
            if gap is not None:
                yield gap, previous, start
        yield word_key(match.group()), start, match.end()
        previous = match.end()
