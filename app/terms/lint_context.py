"""What the linter knows besides the label index, and what it has read of one draft.

:class:`LintContext` adds to the index the registry's editions (which initiative replaces
which), the concepts marked deprecated, the identifier shapes and the sources every concept
links to; :class:`Reading` holds one draft's term uses, definitions, headings and the senses it
cites (by identifier, CURIE or link), and makes findings with their lines and columns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mosaic.errors import ParameterError
from mosaic.rdf.terms import term_text
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.annotate import TermUse, concept_page
from mosaic.terms.definitions import DraftDefinition, heading_spans
from mosaic.terms.identifier_shapes import IdentifierShapes
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.lint_models import RULES, Finding, Reference, Severity
from mosaic.terms.regions import Document
from mosaic.terms.text import is_identifier

#: At most this many references are suggested for a term.
MAX_REFERENCES = 6


def url_key(url: str) -> str:
    """A URL reduced to what identifies a page: host without ``www.``, path, query.

    >>> url_key("https://www.Example.org/a/b/#x") == url_key("http://example.org/a/b")
    True
    """
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = parts.netloc.lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


@dataclass
class LintContext:
    """The label index with the registry facts the linter needs."""

    index: LabelIndex
    #: Initiative id -> ids of the initiatives (editions) that replace it.
    replaced_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Concept position -> positions of the concepts said to replace it (deprecated concepts).
    deprecated: dict[int, tuple[int, ...]] = field(default_factory=dict)
    prefer: str | None = None

    def __post_init__(self) -> None:
        """Index identifier shapes and the pages each concept is linked by."""
        self.shapes = IdentifierShapes(self.index)
        self.pages: dict[str, set[int]] = defaultdict(set)
        for concept in self.index.concepts:
            for url in (concept.source, concept.iri):
                if url:
                    self.pages[url_key(url)].add(concept.position)

    # --- facts about concepts ------------------------------------------------------------------

    def title(self, initiative: str | None) -> str:
        """An initiative's title (its id when the registry has none)."""
        info = self.index.initiatives.get(initiative or "")
        return (info.title if info else None) or initiative or "an initiative"

    def identifier(self, position: int) -> str | None:
        """How the initiative cites a concept: its longest identifier-like label, if any."""
        found = [e.text for e in self.index.concepts[position].labels if is_identifier(e.text)]
        return max(found, key=len) if found else None

    def reference(self, position: int) -> Reference:
        """A concept as a finding cites it."""
        concept = self.index.concepts[position]
        return Reference(
            label=concept.label,
            identifier=self.identifier(position),
            curie=concept.curie,
            iri=concept.iri,
            initiative=concept.initiative,
            initiative_title=self.title(concept.initiative) if concept.initiative else None,
            edition=concept.edition,
            source=concept.source,
            page=concept_page(concept),
        )

    def sense_concepts(self, use: TermUse) -> list[int]:
        """The concepts a use names first, then the rest of their senses."""
        ordered = dict.fromkeys(use.concepts)
        for root in use.senses:
            members = sorted(
                self.index.senses[root],
                key=lambda p: (self.index.concepts[p].initiative != self.prefer, p),
            )
            ordered.update(dict.fromkeys(members))
        return list(ordered)

    def references(self, use: TermUse) -> list[Reference]:
        """References to suggest for a term: one concept per initiative, newest edition only."""
        positions = self.sense_concepts(use)
        initiatives = {self.index.concepts[p].initiative for p in positions}
        chosen: dict[str | None, int] = {}
        for position in positions:
            initiative = self.index.concepts[position].initiative
            newer = self.replaced_by.get(initiative or "", ())
            if initiative in chosen or any(n in initiatives for n in newer):
                continue
            chosen[initiative] = position
        return [self.reference(p) for p in list(chosen.values())[:MAX_REFERENCES]]

    def sense_summary(self, root: int, use: TermUse) -> dict[str, Any]:
        """A sense as a finding describes it: id, label, initiatives, concepts."""
        members = self.index.senses[root]
        named = [p for p in use.concepts if self.index.sense_of[p] == root] or members[:1]
        return {
            "id": self.index.sense_id(members[0]),
            "label": self.index.concepts[named[0]].label,
            "initiatives": sorted({i for p in members if (i := self.index.concepts[p].initiative)}),
            "concepts": [
                self.index.concepts[p].curie or self.index.concepts[p].iri for p in members
            ],
        }

    def successors_in_newer(self, position: int) -> list[int]:
        """Concepts of the editions replacing this concept's that carry it forward.

        The same sense first (exact or close mappings), else any mapping the graph holds.
        """
        index = self.index
        newer = set(self.replaced_by.get(index.concepts[position].initiative or "", ()))
        same = [p for p in index.sense_members(position) if index.concepts[p].initiative in newer]
        if same:
            return same
        mapped = []
        for pair in index.mappings:
            if position in pair:
                (other,) = pair - {position}
                held = index.mappings[pair]
                if index.concepts[other].initiative in newer and any(m.is_asserted for m in held):
                    mapped.append(other)
        return sorted(mapped)

    def successors_of_deprecated(self, position: int) -> list[int]:
        """What replaces a deprecated concept: stated, else live concepts of its sense."""
        stated = list(self.deprecated.get(position, ()))
        if stated:
            return stated
        return [
            p
            for p in self.index.sense_members(position)
            if p != position and p not in self.deprecated
        ]

    def linked(self, target: str) -> set[int]:
        """The concepts a link points at: by source or IRI, or a MOSAIC concept page."""
        found = set(self.pages.get(url_key(target), ()))
        path = urlsplit(target if "://" in target else "https://x/" + target).path
        if "/concepts/" in path:
            curie = path.rsplit("/concepts/", 1)[1].strip("/")
            try:
                concept = self.index.concept(self.index.expand(curie))
            except ParameterError:
                concept = None
            if concept is not None:
                found.add(concept.position)
        return found


def lint_context(
    index: LabelIndex, store: GraphStore, catalog: Catalog, prefer: str | None = None
) -> LintContext:
    """The context of a lint run: the index plus the registry's editions and deprecations.

    :raises ParameterError: for a malformed preferred initiative id.
    :raises NotFoundError: for a preferred initiative the registry does not know.
    :raises StoreError: when the store fails while answering.
    """
    if prefer is not None:
        index.require_initiative(prefer)
    replaced: dict[str, list[str]] = defaultdict(list)
    for row in store.select(catalog["initiative-editions"].sparql):
        replaced[term_text(row["old"])].append(term_text(row["new"]))
    deprecated: dict[int, list[int]] = {}
    for row in store.select(catalog["deprecated-concepts"].sparql):
        concept = index.concept(term_text(row["concept"]))
        if concept is None:
            continue
        slot = deprecated.setdefault(concept.position, [])
        replacement = row.get("replacement")
        successor = None if replacement is None else index.concept(term_text(replacement))
        if successor is not None:
            slot.append(successor.position)
    return LintContext(
        index=index,
        replaced_by={old: tuple(sorted(new)) for old, new in replaced.items()},
        deprecated={p: tuple(s) for p, s in deprecated.items()},
        prefer=prefer,
    )


@dataclass
class Reading:
    """One draft as the linter read it."""

    source: str
    document: Document
    uses: Sequence[TermUse]
    definitions: Sequence[DraftDefinition]
    cited: set[int]
    headings: list[tuple[int, int]]

    @classmethod
    def of(
        cls,
        context: LintContext,
        source: str,
        document: Document,
        uses: Sequence[TermUse],
        definitions: Sequence[DraftDefinition],
    ) -> Reading:
        """Read the senses a draft cites: by identifier or CURIE, or by a link."""
        index = context.index
        cited: set[int] = set()
        for use in uses:
            if use.match.identifier:
                cited.update(index.sense_of[p] for p in use.concepts)
        for link in document.links:
            cited.update(index.sense_of[p] for p in context.linked(link.target))
        return cls(source, document, uses, definitions, cited, heading_spans(document))

    def text(self, use: TermUse) -> str:
        """What the draft says at a use."""
        return self.document.body[use.start : use.end]

    def cites_any(self, senses: Iterable[int]) -> bool:
        """Whether the draft cites or links a concept of any of these senses."""
        return any(root in self.cited for root in senses)

    def in_heading(self, use: TermUse) -> bool:
        """Whether a use is in a heading."""
        return any(start <= use.start < end for start, end in self.headings)

    def finding(
        self,
        rule: str,
        start: int,
        end: int,
        message: str,
        *,
        severity: Severity | None = None,
        occurrences: int = 1,
        suggestions: Sequence[Reference] = (),
        replacement: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> Finding:
        """A finding of ``rule`` on ``body[start:end]``, with its lines and columns."""
        line, column = self.document.position(start)
        end_line, end_column = self.document.position(end)
        default = next(r.severity for r in RULES if r.id == rule)
        return Finding(
            rule=rule,
            severity=severity or default,
            message=message,
            file=self.source,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            offset=start,
            length=end - start,
            text=self.document.body[start:end],
            occurrences=occurrences,
            suggestions=list(suggestions),
            replacement=replacement,
            details=details or {},
        )
