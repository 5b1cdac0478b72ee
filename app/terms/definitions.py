"""The terms a draft defines itself: glossary entries and definition sentences.

Two places say what a draft means by a term:

- a **glossary section**: a heading that says glossary, definitions, terminology, defined
  terms, key terms or "terms and definitions" (a Markdown or HTML heading; in plain text a
  line that says only that); each entry starts with a known term (as a list item, in bold, as
  a table row, an HTML ``dt``) followed by a separator (``:``, a dash, ``|``) and the definition,
  or by the definition on the next line (Markdown definition lists, ``dt``/``dd``);
- a **definition sentence** anywhere: a sentence that starts with a known term (after an
  article or "In this document,") followed by *means*, *refers to*, *denotes* or *is defined
  as*; or by *is/are a ... that/which/where ...* (a genus with a restrictive clause) when the
  sentence marks its subject as defined (the term in emphasis or quotes, or "In this
  document, ..."): "Model theft is a worry that grows" states something, it defines nothing.

Only terms the annotator found count: the point is to compare the draft's definition with
the initiatives' definitions of the same term.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mosaic.terms.annotate import TermUse
from mosaic.terms.regions import Document

_GLOSSARY = re.compile(
    r"\b(?:glossary|definitions|terminology|defined terms|key terms|terms and definitions)\b",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s")
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>.*?</h\1\s*>", re.IGNORECASE | re.DOTALL)
_TEXT_HEADING = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+[A-Z][^.!?]*$")
_LEADER = re.compile(r"^\s*(?:(?:[-*+]|\d+[.)])\s+|\|\s*|:\s+)?[*_\"'\u201c\u2018`]*")
_AFTER_TERM = re.compile(
    r"^[*_\"'\u201d\u2019`)]*\s*(?:[:|=]|\s[-\u2013\u2014]\s|[-\u2013\u2014]\s)\s*"
)
_SENTENCE_LEAD = re.compile(
    r"^(?:\s*(?:[-*+]|\d+[.)])\s+)?(?:in this (?:document|standard|specification|draft),?\s+)?"
    r"(?:(?:a|an|the)\s+)?[*_\"'\u201c\u2018`]*$",
    re.IGNORECASE,
)
_DEFINING_VERB = re.compile(
    r"^[*_\"'\u201d\u2019`)]*\s*,?\s*(?:means|refers to|denotes|is defined as|are defined as|"
    r"is understood as|(?P<copula>is|are)(?=\s+(?:a|an|the|any)\s))\s+",
    re.IGNORECASE,
)
_RESTRICTIVE = re.compile(
    r"^(?:\S+\s+){1,8}?(?:that|which|where|whereby|in which|by which|who|whose|used to)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[^.\s]{2})[.!?](?=\s|$)")
_EMPHASIS = frozenset("*_\"'`\u201c\u201d\u2018\u2019")
#: A definition has at least this many words (a glossary entry "see X" has fewer).
MIN_DEFINITION_WORDS = 3


@dataclass(frozen=True, slots=True)
class Unit:
    """A line of prose: its text and the body offset of each position."""

    text: str
    origins: tuple[int, ...]

    @property
    def start(self) -> int:
        """Body offset of its first character."""
        return self.origins[0]


@dataclass(frozen=True, slots=True)
class DraftDefinition:
    """A term the draft defines, and the definition it gives."""

    use: TermUse
    text: str
    start: int
    end: int
    in_glossary: bool


def units_of(document: Document) -> list[Unit]:
    """The document's prose, line by line (every region split at its line breaks)."""
    units = []
    for region in document.regions:
        position = 0
        for line in region.text.split("\n"):
            end = position + len(line)
            if line.strip():
                origins = tuple(region.offset(i) for i in range(position, end + 1))
                units.append(Unit(line, origins))
            position = end + 1
    return units


def _headings(document: Document, units: Sequence[Unit]) -> dict[int, int]:
    """Unit number -> heading level, for the units that are headings."""
    levels: dict[int, int] = {}
    if document.kind == "markdown":
        for number, unit in enumerate(units):
            match = _MD_HEADING.match(unit.text)
            line, column = document.position(unit.start)
            if match and not document.line_text(line)[: column - 1].strip():
                levels[number] = len(match.group(1))
    elif document.kind == "html":
        spans = [
            (m.start(), m.end(), int(m.group(1))) for m in _HTML_HEADING.finditer(document.body)
        ]
        for number, unit in enumerate(units):
            for start, end, level in spans:
                if start <= unit.start < end:
                    levels[number] = level
    else:
        for number, unit in enumerate(units):
            text = unit.text.strip()
            if _TEXT_HEADING.match(text) or (_GLOSSARY.search(text) and len(text.split()) <= 4):
                levels[number] = 1
    return levels


def heading_spans(document: Document) -> list[tuple[int, int]]:
    """The body offsets (start, end) of the document's headings."""
    units = units_of(document)
    return [(units[n].start, units[n].origins[-1]) for n in _headings(document, units)]


def _glossary_units(document: Document, units: Sequence[Unit]) -> set[int]:
    """The numbers of the units inside glossary sections (headings excluded)."""
    levels = _headings(document, units)
    inside: set[int] = set()
    open_level: int | None = None
    for number, unit in enumerate(units):
        level = levels.get(number)
        if level is not None:
            if open_level is not None and level <= open_level:
                open_level = None
            if _GLOSSARY.search(unit.text) and (
                document.kind != "text" or len(unit.text.split()) <= 6
            ):
                open_level = level
            continue
        if open_level is not None:
            inside.add(number)
    return inside


def _words(text: str) -> int:
    return len(text.split())


def find_definitions(document: Document, uses: Sequence[TermUse]) -> list[DraftDefinition]:
    """Every term the draft defines (see the module), at most one definition per use."""
    units = units_of(document)
    glossary = _glossary_units(document, units)
    headings = _headings(document, units)
    by_start = {use.start: use for use in uses}
    found: list[DraftDefinition] = []
    for number, unit in enumerate(units):
        if number in headings:
            continue
        if number in glossary:
            entry = _glossary_entry(unit, units[number + 1 : number + 2], by_start)
            if entry is not None:
                found.append(entry)
                continue
        found.extend(_definition_sentences(unit, by_start))
    return found


def _use_at(unit: Unit, position: int, by_start: dict[int, TermUse]) -> TermUse | None:
    return by_start.get(unit.origins[position]) if position < len(unit.text) else None


def _glossary_entry(
    unit: Unit, following: Sequence[Unit], by_start: dict[int, TermUse]
) -> DraftDefinition | None:
    lead = _LEADER.match(unit.text)
    use = _use_at(unit, lead.end() if lead else 0, by_start)
    if use is None:
        return None
    after = _position_after(unit, use.end)
    rest = unit.text[after:]
    separator = _AFTER_TERM.match(rest)
    if separator and _words(rest[separator.end() :].strip(" |")) >= MIN_DEFINITION_WORDS:
        start = after + separator.end()
        text = rest[separator.end() :].rstrip().rstrip("|").strip()
        return DraftDefinition(
            use, text, unit.origins[start], unit.origins[start + len(text)], True
        )
    if rest.strip(" *_\"'\u201d\u2019`:|") or not following:
        return None
    definition = following[0]
    lead = re.match(r"^\s*(?::\s+)?", definition.text)
    start = lead.end() if lead else 0
    text = definition.text[start:].strip()
    if _words(text) < MIN_DEFINITION_WORDS:
        return None
    return DraftDefinition(
        use, text, definition.origins[start], definition.origins[start + len(text)], True
    )


def _position_after(unit: Unit, offset: int) -> int:
    """The position in the unit of a body offset (the end of a span)."""
    for position, origin in enumerate(unit.origins):
        if origin >= offset:
            return position
    return len(unit.text)


def _marked(lead: str, unit: Unit, after: int) -> bool:
    """Whether a sentence marks its subject as being defined: emphasis, quotes or a scope."""
    opened = lead.rstrip()[-1:] in _EMPHASIS
    closed = unit.text[after : after + 1] in _EMPHASIS
    return (opened and closed) or lead.lower().lstrip(" -*+").startswith("in this ")


def _definition_sentences(unit: Unit, by_start: dict[int, TermUse]) -> list[DraftDefinition]:
    found = []
    for position, origin in enumerate(unit.origins[:-1]):
        use = by_start.get(origin)
        if use is None:
            continue
        before = unit.text[:position]
        sentence_start = max(before.rfind(". "), before.rfind("? "), before.rfind("! "))
        lead = before[sentence_start + 2 :] if sentence_start >= 0 else before
        if not _SENTENCE_LEAD.match(lead):
            continue
        after = _position_after(unit, use.end)
        verb = _DEFINING_VERB.match(unit.text[after:])
        if verb is None:
            continue
        start = after + verb.end()
        tail = unit.text[start:]
        end = _SENTENCE_END.search(tail)
        text = (tail[: end.start()] if end else tail).strip()
        if verb.group("copula") and not (_RESTRICTIVE.match(text) and _marked(lead, unit, after)):
            continue
        if _words(text) < MIN_DEFINITION_WORDS:
            continue
        found.append(
            DraftDefinition(use, text, unit.origins[start], unit.origins[start + len(text)], False)
        )
    return found
