"""Annotate a text: every span that names a concept, with the senses it may denote.

One engine for the API (``POST /terms/annotate``), the term layer (``/embed.js``) and the
linter. The body is cut into prose (:mod:`mosaic.terms.regions`), every label is matched at once
(:mod:`mosaic.terms.automaton`), and each span gets the concepts whose label matched, grouped into
senses as ``/terms/resolve`` groups them (concepts linked by exact or close mappings), each
sense with the rest of its concepts so a reader sees every initiative's definition.

Ordering: with a preferred initiative, senses holding one of its concepts come first and its
concepts lead their sense; then senses with more matched concepts, then by how the label
matched (preferred label before alternative), then larger senses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from mosaic.errors import PayloadTooLargeError
from mosaic.terms.annotation_models import (
    AnnotatedConcept,
    AnnotatedSpan,
    Annotation,
    AnnotationSense,
)
from mosaic.terms.automaton import CURIE_LABEL, LabelPosting, Match, automaton_for, common_postings
from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.regions import Document, read_document
from mosaic.terms.resolve import PROPERTY_WEIGHT

#: The longest body annotated, in code points (about 300,000 words).
MAX_ANNOTATED_LENGTH = 2_000_000
#: At most this many concepts are listed per sense (the others are counted in ``more``).
MAX_SENSE_CONCEPTS = 20

_KIND_MEDIA_TYPES = {"text": "text/plain", "markdown": "text/markdown", "html": "text/html"}


@dataclass(frozen=True, slots=True)
class TermUse:
    """A match with its concepts and senses resolved: what the linter reasons about."""

    match: Match
    #: Positions of the concepts whose label matched, best first.
    concepts: tuple[int, ...]
    #: Sense roots (``index.sense_of`` values), the most likely first.
    senses: tuple[int, ...]
    #: The label text and property of the best posting.
    label: str
    label_property: str

    @property
    def start(self) -> int:
        """Offset of the span in the body."""
        return self.match.start

    @property
    def end(self) -> int:
        """Offset after the span."""
        return self.match.end


def check_length(body: str) -> str:
    """The body, when it is not too long to annotate.

    :raises PayloadTooLargeError: past :data:`MAX_ANNOTATED_LENGTH` code points.
    """
    if len(body) > MAX_ANNOTATED_LENGTH:
        raise PayloadTooLargeError(
            f"the text is {len(body)} characters long; at most {MAX_ANNOTATED_LENGTH} are annotated"
        )
    return body


def _posting_label(index: LabelIndex, posting: LabelPosting) -> tuple[str, str]:
    concept = index.concepts[posting.concept]
    if posting.label == CURIE_LABEL:
        return concept.curie or concept.iri, "curie"
    entry = concept.labels[posting.label]
    return entry.text, entry.property


def _concept_rank(
    index: LabelIndex, position: int, postings: Sequence[LabelPosting], prefer: str | None
) -> tuple[int, float, str]:
    concept = index.concepts[position]
    weight = max(PROPERTY_WEIGHT.get(_posting_label(index, p)[1], 0.9) for p in postings)
    return (0 if prefer and concept.initiative == prefer else 1, -weight, concept.iri)


def resolve_match(index: LabelIndex, match: Match, prefer: str | None = None) -> TermUse:
    """The concepts and senses of a match, ordered as the module says."""
    by_concept: dict[int, list[LabelPosting]] = {}
    for posting in match.postings:
        by_concept.setdefault(posting.concept, []).append(posting)
    concepts = sorted(by_concept, key=lambda p: _concept_rank(index, p, by_concept[p], prefer))
    best = by_concept[concepts[0]]
    label, prop = max(
        (_posting_label(index, p) for p in best), key=lambda lp: PROPERTY_WEIGHT.get(lp[1], 0.9)
    )
    matched_in: dict[int, list[int]] = {}
    for position in concepts:
        matched_in.setdefault(index.sense_of[position], []).append(position)

    def sense_rank(root: int) -> tuple[int, int, int, int, str]:
        members = matched_in[root]
        preferred = (
            any(index.concepts[p].initiative == prefer for p in members) if prefer else False
        )
        return (
            0 if preferred else 1,
            -len(members),
            concepts.index(members[0]),
            -len(index.senses[root]),
            index.sense_id(members[0]),
        )

    senses = tuple(sorted(matched_in, key=sense_rank))
    return TermUse(match, tuple(concepts), senses, label, prop)


def find_terms(
    index: LabelIndex,
    document: Document,
    *,
    prefer: str | None = None,
    include_common: bool = False,
) -> list[TermUse]:
    """Every term the document's prose uses, in the order of the body."""
    automaton = automaton_for(index)
    return [
        resolve_match(index, match, prefer)
        for match in automaton.find(document, include_common=include_common)
    ]


def concept_page(concept: IndexedConcept) -> str:
    """The path of a concept's page on this server."""
    if concept.curie:
        return f"/concepts/{concept.curie}"
    return f"/ui/concept?iri={quote(concept.iri, safe='')}"


class _SenseBuilder:
    """Builds each sense of an answer once, with the concepts the text names first."""

    def __init__(self, index: LabelIndex, prefer: str | None) -> None:
        self.index = index
        self.prefer = prefer
        self.senses: dict[str, AnnotationSense] = {}
        self._named: dict[int, dict[int, None]] = {}

    def add(self, use: TermUse) -> list[str]:
        ids = []
        for root in use.senses:
            named = self._named.setdefault(root, {})
            for position in use.concepts:
                if self.index.sense_of[position] == root:
                    named.setdefault(position, None)
            ids.append(self.index.sense_id(self.index.senses[root][0]))
        return ids

    def build(self) -> dict[str, AnnotationSense]:
        index = self.index
        result: dict[str, AnnotationSense] = {}
        for root, named in self._named.items():
            rest = sorted(
                (p for p in index.senses[root] if p not in named),
                key=lambda p: (
                    0 if index.concepts[p].initiative == self.prefer else 1,
                    index.concepts[p].iri,
                ),
            )
            members = [*named, *rest]
            listed = members[:MAX_SENSE_CONCEPTS]
            concepts = [self._concept(p, p in named) for p in listed]
            sense_id = index.sense_id(index.senses[root][0])
            result[sense_id] = AnnotationSense(
                id=sense_id,
                label=concepts[0].label,
                initiatives=sorted({c.initiative for c in concepts if c.initiative}),
                concepts=concepts,
                more=len(members) - len(listed),
            )
        return result

    def _concept(self, position: int, matched: bool) -> AnnotatedConcept:
        concept = self.index.concepts[position]
        info = self.index.initiatives.get(concept.initiative or "")
        return AnnotatedConcept(
            iri=concept.iri,
            curie=concept.curie,
            label=concept.label,
            initiative=concept.initiative,
            initiative_title=info.title if info else None,
            edition=concept.edition,
            kind=concept.kind,
            definition=concept.definition,
            source=concept.source,
            page=concept_page(concept),
            matched=matched,
        )


def annotation_of(
    index: LabelIndex,
    document: Document,
    uses: Sequence[TermUse],
    *,
    prefer: str | None = None,
    include_common: bool = False,
) -> Annotation:
    """The API answer for term uses found in a document."""
    builder = _SenseBuilder(index, prefer)
    spans = []
    for use in uses:
        spans.append(
            AnnotatedSpan(
                start=use.start,
                end=use.end,
                text=document.body[use.start : use.end],
                matched_label=use.label,
                matched_property=use.label_property,
                identifier=use.match.identifier,
                common=common_postings(use.match.postings),
                senses=builder.add(use),
                concepts=[index.concepts[p].iri for p in use.concepts],
            )
        )
    return Annotation(
        media_type=_KIND_MEDIA_TYPES[document.kind],
        length=len(document.body),
        initiative=prefer,
        all=include_common,
        spans=spans,
        senses=builder.build(),
    )


def annotate(
    index: LabelIndex,
    body: str,
    kind: str = "text",
    *,
    initiative: str | None = None,
    include_common: bool = False,
) -> Annotation:
    """Every span of ``body`` that names a concept of any initiative, with its senses.

    :param index: the current label index.
    :param body: the text, as sent (offsets are code points into it).
    :param kind: ``text``, ``markdown`` or ``html`` (see :mod:`mosaic.terms.regions`).
    :param initiative: an initiative to prefer when a span has several senses.
    :param include_common: also report common words and two-letter acronyms.
    :returns: the spans in the order of the body, and the senses they refer to.
    :raises PayloadTooLargeError: for a body longer than :data:`MAX_ANNOTATED_LENGTH`.
    :raises ParameterError: for a malformed initiative id.
    :raises NotFoundError: for an initiative the registry does not know.
    """
    check_length(body)
    if initiative is not None:
        index.require_initiative(initiative)
    document = read_document(body, kind)
    uses = find_terms(index, document, prefer=initiative, include_common=include_common)
    return annotation_of(index, document, uses, prefer=initiative, include_common=include_common)
