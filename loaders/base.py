"""What every loader returns, and the vocabulary terms loaders share.

A loader turns one source (a file in some format) into RDF triples for one initiative graph,
plus the problems it found. Loaders never touch the store: ``app.store`` commits a result in one
atomic update, so a failed load cannot leave a half-written graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from app.errors import LoadError, LoadIssue

DEFAULT_BASE = "https://w3id.org/mosaic/"


class Namespace:
    """Build IRIs in a namespace: ``SKOS["prefLabel"]`` is a :class:`pyoxigraph.NamedNode`."""

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getitem__(self, local: str) -> ox.NamedNode:
        """Return the IRI of ``local`` in this namespace."""
        return ox.NamedNode(self.iri + local)

    def __str__(self) -> str:
        """The namespace IRI itself."""
        return self.iri


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
MOSAIC = Namespace("https://w3id.org/mosaic/ontology#")

RDF_TYPE = RDF["type"]

#: Prefixes used when writing Turtle, so bundled files stay readable.
TURTLE_PREFIXES: dict[str, str] = {
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "xsd": XSD.iri,
    "owl": OWL.iri,
    "skos": SKOS.iri,
    "dcterms": DCTERMS.iri,
    "prov": PROV.iri,
    "sssom": SSSOM.iri,
    "semapv": SEMAPV.iri,
    "mosaic": MOSAIC.iri,
}

#: Concept kinds, by the short names used in CSV files and the API.
KINDS: dict[str, ox.NamedNode] = {
    "threat": MOSAIC["Threat"],
    "attack-technique": MOSAIC["AttackTechnique"],
    "tactic": MOSAIC["Tactic"],
    "vulnerability": MOSAIC["Vulnerability"],
    "control": MOSAIC["Control"],
    "requirement": MOSAIC["Requirement"],
    "asset": MOSAIC["Asset"],
    "lifecycle-stage": MOSAIC["LifecycleStage"],
    "principle": MOSAIC["Principle"],
    "term": MOSAIC["Term"],
}


def concept_namespace(initiative_id: str, base: str = DEFAULT_BASE) -> Namespace:
    """The namespace of an initiative's minted concept IRIs (see docs/data-model.md)."""
    return Namespace(f"{base}id/{initiative_id}/")


def initiative_iri(initiative_id: str, base: str = DEFAULT_BASE) -> ox.NamedNode:
    """The IRI of the initiative resource in the registry."""
    return ox.NamedNode(f"{base}initiative/{initiative_id}")


@dataclass(frozen=True)
class DeclaredMapping:
    """A crosswalk an initiative states in its own files, from one of its concepts to another's.

    Upstream converters return these apart from the vocabulary's triples: they are the
    initiative's claims, recorded as SSSOM mappings authored by it in a mapping set of their
    own (:mod:`loaders.declared`), not statements of its vocabulary.
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


class Converter(Protocol):
    """A module-level ``convert`` function of an upstream-format loader."""

    def __call__(self, path: str, /) -> LoadResult:
        """Read ``path`` (a file or a folder of the upstream's files) into SKOS triples."""


def literal_en(text: str) -> ox.Literal:
    """An English-tagged literal, with surrounding whitespace removed."""
    return ox.Literal(text.strip(), language="en")


def date_literal(value: object) -> ox.Literal:
    """An ``xsd:date`` literal from a ``datetime.date`` or an ISO string."""
    return ox.Literal(str(value)[:10], datatype=XSD["date"])


def triples_to_turtle(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> str:
    """Serialise triples as Turtle with the shared and given prefixes, sorted for stable diffs."""
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    data = ox.serialize(
        ordered, format=ox.RdfFormat.TURTLE, prefixes={**TURTLE_PREFIXES, **prefixes}
    )
    assert data is not None  # noqa: S101 - serialize returns bytes when no output is given
    return data.decode("utf-8")
