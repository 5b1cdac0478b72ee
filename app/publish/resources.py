"""Dereferenceable IRIs: the path each minted IRI answers at, and what it answers with.

Every IRI MOSAIC mints starts with the configured base (``https://w3id.org/mosaic/`` by
default): concepts and schemes ``{base}id/...``, initiatives ``{base}initiative/...``, graphs
``{base}graph/...``, mapping sets ``{base}mapping-set/...``, mappings ``{base}mapping/...``,
curators ``{base}curator/...``, reviews ``{base}review/...``, the dataset ``{base}dataset`` and
releases ``{base}releases/...``. A server answers each one at the same path under its own
origin (``/id/mitre-atlas/AML.T0051``); w3id.org redirects the public IRIs there (see
docs/deployment.md). The ontology's IRI, ``https://w3id.org/mosaic/ontology``, answers at
``/ontology`` whatever the base.

What dereferencing returns, the *description* of a resource, is chosen to be useful to a
client that fetches one IRI and wants to show it:

1. every statement with the resource as subject, in every graph (graph names dropped: the
   answer is a graph, in a triple syntax);
2. the statements of the blank nodes those statements point to (one level of the Concise
   Bounded Description; the bundled data has no blank nodes, uploads may);
3. one label (``skos:prefLabel``, ``rdfs:label``, ``dcterms:title`` or ``foaf:name``) of every
   IRI it points to, so that names can be shown without a request per neighbour;
4. what the dataset description says about it, when it is a graph or the dataset (their
   VoID/DCAT description is computed, not stored), with its hash IRIs (``...#concepts``);
5. an ontology's IRI returns the whole graph that declares it, since its terms are hash IRIs
   (``mosaic:Threat`` is ``.../ontology#Threat``) that a client fetches from the same document;
6. a resource about which nothing is said, but which statements point at (a curator known
   only as the author of mappings), is described by those statements (at most 10,000).

Statements that only point at a resource (another concept's ``skos:narrower``) are not part
of its description beyond rule 6; the HTML page of a concept shows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from mosaic.errors import NotFoundError
from mosaic.rdf.io import RdfSyntax, serialize_quads
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, TURTLE_PREFIXES, XSD, Namespace
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

#: The ontology's own IRI (its terms are hash IRIs below it); it does not follow the base.
ONTOLOGY_IRI = MOSAIC.iri.rstrip("#")

#: The first path segment of every kind of IRI MOSAIC mints under the base.
MINTED_SEGMENTS = (
    "id",
    "initiative",
    "graph",
    "mapping-set",
    "mapping",
    "curator",
    "review",
    "dataset",
    "releases",
)

#: Prefixes of the Turtle and RDF/XML the resources are written in.
PREFIXES = {
    **TURTLE_PREFIXES,
    "dcat": DCAT.iri,
    "void": VOID.iri,
    "foaf": FOAF.iri,
    "sd": SD.iri,
}

_TRUE = ("true", "1")


def iri_for_path(base_iri: str, path: str) -> str:
    """The minted IRI a request path stands for (``/id/x/A1`` -> ``{base}id/x/A1``).

    ``/ontology`` stands for the ontology's IRI whatever the base.

    >>> iri_for_path("https://w3id.org/mosaic/", "/id/alpha/A1")
    'https://w3id.org/mosaic/id/alpha/A1'
    """
    relative = path.lstrip("/")
    if relative == "ontology":
        return ONTOLOGY_IRI
    return base_iri + relative


def path_for_iri(base_iri: str, iri: str) -> str | None:
    """The path a minted IRI answers at on this server, or ``None`` for someone else's IRI.

    >>> path_for_iri("https://w3id.org/mosaic/", "https://w3id.org/mosaic/graph/alpha")
    '/graph/alpha'
    >>> path_for_iri("https://w3id.org/mosaic/", "https://example.org/x") is None
    True
    """
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
        return "/ontology"
    if not iri.startswith(base_iri):
        return None
    relative = iri[len(base_iri) :].split("#", 1)[0]
    if relative.split("/", 1)[0] not in MINTED_SEGMENTS:
        return None
    return "/" + relative


@dataclass(frozen=True)
class Description:
    """What dereferencing an IRI returns, and what its status depends on."""

    iri: str
    triples: list[ox.Triple]
    #: ``owl:deprecated true`` is stated about it.
    deprecated: bool
    #: Its ``dcterms:isReplacedBy`` values.
    replaced_by: list[str]
    #: Nothing is said about it; the triples are those that point at it (rule 6).
    incoming_only: bool = False

    def serialize(self, syntax: RdfSyntax) -> bytes:
        """The description in ``syntax`` (a triple syntax; graph names are not kept)."""
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in self.triples]
        return serialize_quads(quads, syntax, PREFIXES)


def _sorted(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Distinct triples in a stable order, subjects grouped (so Turtle writes each once)."""
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _rows_to_triples(rows: list[dict[str, object]]) -> list[ox.Triple]:
    return [
        ox.Triple(row["s"], row["p"], row["o"])  # type: ignore[arg-type]
        for row in rows
        if "s" in row and "p" in row and "o" in row
    ]


def describe_resource(
    store: GraphStore,
    catalog: Catalog,
    iri: str,
    extra: Iterable[ox.Triple] = (),
) -> Description:
    """The description of ``iri`` (see the module's rules 1 to 6).

    :param extra: computed statements (the dataset description); those about ``iri`` or one
        of its hash IRIs are added.
    :raises NotFoundError: when the store says nothing about it and nothing points at it, or
        it is not a valid IRI (a path with control characters), so cannot be in the store.
    """
    try:
        node = ox.NamedNode(iri)
    except ValueError as exc:
        raise NotFoundError("resource", iri) from exc
    rows = store.select(catalog["resource-description"].sparql, {"resource": node})
    triples = _rows_to_triples(rows)  # type: ignore[arg-type]
    if any(
        t.subject == node and t.predicate == RDF_TYPE and t.object == OWL["Ontology"]
        for t in triples
    ):
        rows = store.select(catalog["ontology-document"].sparql, {"ontology": node})
        triples += _rows_to_triples(rows)  # type: ignore[arg-type]
    own = [
        t
        for t in extra
        if isinstance(t.subject, ox.NamedNode)
        and (t.subject.value == iri or t.subject.value.startswith(iri + "#"))
    ]
    triples += own
    incoming_only = False
    if not triples:
        rows = store.select(catalog["resource-incoming"].sparql, {"resource": node})
        triples = [ox.Triple(row["s"], row["p"], node) for row in rows]  # type: ignore[arg-type]
        incoming_only = bool(triples)
    if not triples:
        raise NotFoundError("resource", iri)
    deprecated = any(
        t.subject == node
        and t.predicate == OWL["deprecated"]
        and isinstance(t.object, ox.Literal)
        and t.object.value.lower() in _TRUE
        and t.object.datatype in (XSD["boolean"], XSD["string"])
        for t in triples
    )
    replaced_by = sorted(
        {
            t.object.value
            for t in triples
            if t.subject == node
            and t.predicate == DCTERMS["isReplacedBy"]
            and isinstance(t.object, ox.NamedNode)
        }
    )
    return Description(iri, _sorted(triples), deprecated, replaced_by, incoming_only)
