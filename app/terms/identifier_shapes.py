"""What the initiatives' identifiers look like, learnt from the data: to spot made-up ones.

Every identifier-like label of every concept (a notation or alternative label with a digit
and a letter and no space: ``AML.T0051``, ``LLM01:2025``, ``GOVERN-1.2``, ``C3.4.1``) and every
CURIE with a digit in its local part gives a *shape*: the label in capitals with each digit
written ``9`` (``AML.T9999``, ``LLM99:9999``). A token of a draft with a known shape that names
no concept (``AML.T9999``, ``LLM11:2025``) is an identifier that does not exist.

A shape counts when at least two identifiers share it (one alone is a name, not a pattern) and
it is *distinctive*: two letters or more (``AML.T9999``, ``ASI99``), or a letter and two groups
of digits (``C9.9.9``). ``T99`` or ``L99`` (one letter, one number) would flag tyre sizes and
paper formats, and a shape without letters (ISO's clause ``3.1.1``) every numbered section of
every document. No hand-written pattern per initiative is involved.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from mosaic.terms.label_index import LabelIndex
from mosaic.terms.regions import Document
from mosaic.terms.text import fold, is_identifier

#: Identifiers that must share a shape before it counts as the initiative's pattern.
MIN_EXAMPLES = 2
#: An identifier-like token of a text: letters and digits joined by dots, colons or hyphens.
TOKEN = re.compile(r"(?<![\w.:\-/])[A-Za-z0-9]+(?:[.:\-][A-Za-z0-9]+)*(?![\w/])")


def shape_of(text: str) -> str:
    """The shape of an identifier: capitals, each digit a ``9``.

    >>> shape_of("AML.T0051"), shape_of("llm01:2025")
    ('AML.T9999', 'LLM99:9999')
    """
    return re.sub(r"[0-9]", "9", text.upper())


def is_distinctive(shape: str) -> bool:
    """Whether a shape is specific enough to call a token of that shape an identifier.

    >>> [is_distinctive(s) for s in ("AML.T9999", "C9.9.9", "T99", "9.9.9")]
    [True, True, False, False]
    """
    letters = sum(ch.isalpha() for ch in shape)
    groups = len(re.findall(r"9+", shape))
    return groups >= 1 and (letters >= 2 or (letters >= 1 and groups >= 2))


@dataclass(frozen=True, slots=True)
class UnknownIdentifier:
    """A token shaped like an initiative's identifiers that names no concept."""

    text: str
    start: int
    end: int
    shape: str
    #: Initiatives whose identifiers have that shape.
    initiatives: tuple[str, ...]
    #: The lowest and highest known identifier of that shape (as sorted text).
    first: str
    last: str


class IdentifierShapes:
    """The distinctive shapes of the index's identifiers, and who uses each."""

    def __init__(self, index: LabelIndex) -> None:
        """Collect the shapes of every identifier-like label and CURIE of ``index``."""
        examples: dict[str, set[str]] = defaultdict(set)
        owners: dict[str, set[str]] = defaultdict(set)
        for concept in index.concepts:
            texts = [e.text.strip() for e in concept.labels if is_identifier(e.text)]
            local = (concept.curie or "").partition(":")[2]
            if any(ch.isdigit() for ch in local):
                texts.append(concept.curie or "")
            for text in texts:
                if not TOKEN.fullmatch(text):
                    continue
                shape = shape_of(text)
                if is_distinctive(shape):
                    examples[shape].add(text)
                    if concept.initiative:
                        owners[shape].add(concept.initiative)
        # A shape is a pattern when at least two identifiers share it; one is just a name.
        self.examples = {
            shape: sorted(found) for shape, found in examples.items() if len(found) >= MIN_EXAMPLES
        }
        self.owners = {shape: tuple(sorted(found)) for shape, found in owners.items()}
        self._known = index.exact

    def find_unknown(self, document: Document) -> Iterator[UnknownIdentifier]:
        """The tokens of the document's prose that have a known shape but name no concept."""
        for region in document.regions:
            for match in TOKEN.finditer(region.text):
                token = match.group()
                if not any(ch.isdigit() for ch in token):
                    continue
                shape = shape_of(token)
                examples = self.examples.get(shape)
                if examples is None or fold(token) in self._known:
                    continue
                yield UnknownIdentifier(
                    text=token,
                    start=region.offset(match.start()),
                    end=region.offset(match.end()),
                    shape=shape,
                    initiatives=self.owners.get(shape, ()),
                    first=examples[0],
                    last=examples[-1],
                )
