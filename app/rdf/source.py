"""What reading one source yields: its triples, the mappings it declares, every problem found.

A reader (RDF here, the CSV glossary, SSSOM TSV, an upstream converter) turns one source into
RDF triples for one graph, plus the problems it found. Readers never touch the store: the
dataset commits a result in one atomic update, so a failed load cannot leave a half-written
graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from mosaic.errors import LoadError, LoadIssue
from mosaic.rdf.io import MAX_NESTING_DEPTH, RdfSyntax, parse_rdf


@dataclass(frozen=True)
class DeclaredMapping:
    """A crosswalk an initiative states in its own files, from one of its concepts to another's.

    Upstream converters return these apart from the vocabulary's triples: they are the
    initiative's claims, recorded as SSSOM mappings authored by it in a mapping set of their
    own (:mod:`mosaic.dataset.declared`), not statements of its vocabulary.
    """

    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: ox.NamedNode
    #: Where the upstream states it (the page of the subject concept), when known.
    source: str | None = None
    #: The date the upstream gives for it, ``YYYY-MM-DD``, when it gives one.
    date: str | None = None
    object_label: str | None = None
    comment: str | None = None


@dataclass
class LoadResult:
    """Triples read from one source, and every problem found on the way.

    ``issues`` that are errors make the whole result unusable (see :meth:`raise_for_issues`);
    ``warnings`` are reported but do not stop a load. ``mappings`` are the crosswalks an
    upstream declares; ``skipped_mappings`` counts, by reason, the cross-references it makes
    whose target MOSAIC cannot identify.
    """

    source: str
    format: str
    triples: list[ox.Triple] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)
    warnings: list[LoadIssue] = field(default_factory=list)
    mappings: list[DeclaredMapping] = field(default_factory=list)
    skipped_mappings: dict[str, int] = field(default_factory=dict)

    def declare(self, mapping: DeclaredMapping) -> None:
        """Add a declared mapping once (upstreams often repeat a link)."""
        if not any(
            (m.subject, m.predicate, m.object)
            == (mapping.subject, mapping.predicate, mapping.object)
            for m in self.mappings
        ):
            self.mappings.append(mapping)

    def skip_mapping(self, reason: str) -> None:
        """Count one cross-reference that cannot become a mapping, by reason."""
        self.skipped_mappings[reason] = self.skipped_mappings.get(reason, 0) + 1

    def raise_for_issues(self) -> None:
        """Raise :class:`LoadError` with every issue when there is any.

        :raises LoadError: when the source had at least one error.
        """
        if self.issues:
            raise LoadError(self.issues)


def read_rdf(
    data: bytes,
    syntax: RdfSyntax,
    *,
    source: str,
    base_iri: str,
    max_depth: int = MAX_NESTING_DEPTH,
) -> LoadResult:
    """Read an RDF document; graph names in TriG or N-Quads are dropped with a warning.

    :raises mosaic.errors.RdfSyntaxError: on a syntax error.
    :raises mosaic.errors.UnsafeInputError: on XML entities or remote JSON-LD contexts.
    :raises mosaic.errors.InputLimitError: on JSON-LD or RDF/XML nesting past ``max_depth``.
    :raises mosaic.errors.LoadError: with every bad line of N-Triples and N-Quads.
    """
    quads = parse_rdf(data, syntax, source=source, base_iri=base_iri, max_depth=max_depth)
    result = LoadResult(source=source, format=syntax.media_type)
    result.triples = [q.triple for q in quads]
    named = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    if named:
        result.warnings.append(
            LoadIssue(
                source,
                None,
                None,
                f"graph names ignored ({len(named)} named graphs merged into the target graph)",
                stage="convert",
            )
        )
    return result
