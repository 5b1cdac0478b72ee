"""Read view of one concept: labels, definition, hierarchy, mappings and source."""

from __future__ import annotations

from collections import defaultdict

import curies
import pyoxigraph as ox

from mosaic.dataset.initiatives import kind_name
from mosaic.dataset.models import Concept, ConceptRef, Label, MappingRef
from mosaic.errors import NotFoundError
from mosaic.rdf.identifiers import compress_iri, expand_curie
from mosaic.rdf.terms import Row, term_text
from mosaic.rdf.vocab import DCTERMS, KINDS, RDF_TYPE, SKOS
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore

_SKOS_CONCEPT = SKOS["Concept"].value
_LABEL_PROPERTIES = {
    SKOS["prefLabel"].value: "pref_labels",
    SKOS["altLabel"].value: "alt_labels",
    SKOS["hiddenLabel"].value: "hidden_labels",
    SKOS["definition"].value: "definitions",
}
_REF_PROPERTIES = {
    SKOS["broader"].value: "broader",
    SKOS["narrower"].value: "narrower",
    SKOS["related"].value: "related",
}
_MAPPING_PROPERTIES = {
    SKOS[name].value
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
}
_KIND_IRIS = {iri.value for iri in KINDS.values()}


def _label(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Label:
    if isinstance(term, ox.Literal):
        return Label(value=term.value, language=term.language)
    return Label(value=term_text(term) if isinstance(term, ox.NamedNode) else str(term))


def read_concept(
    store: GraphStore, catalog: Catalog, converter: curies.Converter, curie: str
) -> Concept:
    """Everything the graph says about the concept a CURIE names.

    :raises ParameterError: when ``curie`` is malformed or its prefix unknown.
    :raises NotFoundError: when no graph has a ``skos:Concept`` with that IRI.
    """
    iri = expand_curie(converter, curie)
    node = ox.NamedNode(iri)
    rows = store.select(catalog["concept-statements"].sparql, {"concept": node})
    concept_graphs = [
        term_text(r["graph"])
        for r in rows
        if r["property"] == RDF_TYPE and term_text(r["value"]) == _SKOS_CONCEPT
    ]
    if not concept_graphs:
        raise NotFoundError("concept", curie)
    home = concept_graphs[0]

    def ref(row: Row) -> ConceptRef:
        value = term_text(row["value"])
        label = row.get("value_label")
        return ConceptRef(
            iri=value,
            curie=compress_iri(converter, value),
            label=None if label is None else term_text(label),
        )

    labels: dict[str, list[Label]] = defaultdict(list)
    refs: dict[str, list[ConceptRef]] = defaultdict(list)
    other: dict[str, list[str]] = defaultdict(list)
    notation: list[str] = []
    schemes: list[str] = []
    tops: list[str] = []
    sources: list[str] = []
    kinds: list[str] = []
    for row in rows:
        prop = term_text(row["property"])
        value = row["value"]
        if prop in _MAPPING_PROPERTIES:
            continue  # read with their metadata below
        if prop in _LABEL_PROPERTIES:
            labels[_LABEL_PROPERTIES[prop]].append(_label(value))
        elif prop in _REF_PROPERTIES:
            refs[_REF_PROPERTIES[prop]].append(ref(row))
        elif prop == SKOS["notation"].value:
            notation.append(term_text(value))
        elif prop == SKOS["inScheme"].value:
            schemes.append(term_text(value))
        elif prop == SKOS["topConceptOf"].value:
            tops.append(term_text(value))
        elif prop == DCTERMS["source"].value:
            sources.append(term_text(value))
        elif prop == RDF_TYPE.value:
            if term_text(value) in _KIND_IRIS:
                kinds.append(kind_name(term_text(value)))
        else:
            key = compress_iri(converter, prop) or prop
            other[key].append(term_text(value))

    records = {
        (
            term_text(r["graph"]),
            term_text(r["source"]),
            term_text(r["predicate"]),
            term_text(r["target"]),
        ): r
        for r in store.select(catalog["concept-mapping-records"].sparql, {"concept": node})
    }
    mappings = [
        _mapping(row, records, converter)
        for row in store.select(catalog["concept-mappings"].sparql, {"concept": node})
    ]
    return Concept(
        iri=iri,
        curie=compress_iri(converter, iri),
        initiative=_initiative_of(home, store.names.base),
        graph=home,
        notation=notation,
        kind=kinds[0] if kinds else "term",
        pref_labels=labels["pref_labels"],
        alt_labels=labels["alt_labels"],
        hidden_labels=labels["hidden_labels"],
        definitions=labels["definitions"],
        schemes=schemes,
        broader=refs["broader"],
        narrower=refs["narrower"],
        related=refs["related"],
        top_concept_of=tops,
        mappings=mappings,
        sources=sources,
        other=dict(other),
    )


def _initiative_of(graph: str, base: str) -> str | None:
    prefix = f"{base}graph/"
    if graph.startswith(prefix) and "/" not in graph[len(prefix) :]:
        return graph[len(prefix) :]
    return None


def _optional_text(row: Row, key: str) -> str | None:
    term = row.get(key)
    return None if term is None else term_text(term)


def _mapping(
    row: Row, records: dict[tuple[str, str, str, str], Row], converter: curies.Converter
) -> MappingRef:
    """One mapping of a concept, with the SSSOM metadata of its record when it has one."""
    concept, other = term_text(row["concept"]), term_text(row["other"])
    predicate = term_text(row["predicate"])
    outgoing = term_text(row["direction"]) == "outgoing"
    subject, obj = (concept, other) if outgoing else (other, concept)
    record = records.get((term_text(row["graph"]), subject, predicate, obj), {})
    confidence = record.get("confidence")
    return MappingRef(
        direction=term_text(row["direction"]),
        predicate=compress_iri(converter, predicate) or predicate,
        concept=ConceptRef(
            iri=other,
            curie=compress_iri(converter, other),
            label=_optional_text(row, "other_label"),
        ),
        graph=term_text(row["graph"]),
        justification=_optional_text(record, "justification"),
        confidence=None if confidence is None else float(term_text(confidence)),
        author=_optional_text(record, "author"),
        ir8477_relation=_optional_text(record, "ir8477_relation"),
    )
