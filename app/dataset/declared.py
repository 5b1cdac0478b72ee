"""The crosswalks an initiative declares in its own files, as a mapping set authored by it.

Upstream converters (``mosaic load --from``) return the links an initiative states to other
initiatives' concepts (CoSAI's ``mappings``, the LLM Top 10's ATLAS links, the AI Exchange's
OpenCRE blocks...) as :class:`mosaic.rdf.vocab.DeclaredMapping`, apart from the vocabulary. They
are that initiative's claims, not ours and not part of its vocabulary, so they go into a mapping
set of their own, ``{initiative-id}-declared``, written like a bundled SSSOM set
(:func:`mosaic.curation.record.record_triples`): the plain SKOS triple plus a ``sssom:Mapping``
record whose author is the initiative and whose justification is
``semapv:ManualMappingCuration`` (the initiative's editors wrote the link by hand).

A target need not be loaded: the mapping names the other initiative's concept IRI, and the
validation reports a missing target as a Warning only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from mosaic.curation.record import MappingRecord, record_triples
from mosaic.curation.sssom import mapping_set_iri, mapping_set_triples
from mosaic.rdf.source import DeclaredMapping, LoadResult
from mosaic.rdf.terms import term_text
from mosaic.rdf.vocab import DCTERMS, OWL, RDF_TYPE, SEMAPV, SKOS, initiative_iri

#: The id of an initiative's declared-mapping set is its id with this suffix.
SET_SUFFIX = "-declared"
JUSTIFICATION = SEMAPV["ManualMappingCuration"]


def declared_set_id(initiative_id: str) -> str:
    """The id of the mapping set that holds what ``initiative_id`` declares."""
    return f"{initiative_id}{SET_SUFFIX}"


@dataclass
class DeclaredSet:
    """A converted upstream's declared crosswalks, ready for their mapping-set graph."""

    set_id: str
    triples: list[ox.Triple]
    mappings: int
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def skipped_total(self) -> int:
        """How many cross-references could not become mappings."""
        return sum(self.skipped.values())


def _scheme_facts(triples: list[ox.Triple]) -> tuple[str | None, str | None, str | None]:
    """Title, licence and version of the (first) concept scheme of a converted vocabulary."""
    schemes = sorted(
        t.subject.value
        for t in triples
        if t.predicate == RDF_TYPE
        and t.object == SKOS["ConceptScheme"]
        and isinstance(t.subject, ox.NamedNode)
    )
    facts: dict[ox.NamedNode, str] = {}
    if schemes:
        scheme = ox.NamedNode(schemes[0])
        wanted = (DCTERMS["title"], DCTERMS["license"], OWL["versionInfo"])
        for t in triples:
            if t.subject == scheme and t.predicate in wanted and t.predicate not in facts:
                facts[t.predicate] = term_text(t.object)
    return (
        facts.get(DCTERMS["title"]),
        facts.get(DCTERMS["license"]),
        facts.get(OWL["versionInfo"]),
    )


def _labels(triples: list[ox.Triple]) -> dict[ox.NamedNode, str]:
    labels: dict[ox.NamedNode, str] = {}
    for t in triples:
        if t.predicate == SKOS["prefLabel"] and isinstance(t.subject, ox.NamedNode):
            labels.setdefault(t.subject, term_text(t.object))
    return labels


def _source(mapping: DeclaredMapping) -> ox.NamedNode | None:
    if not mapping.source:
        return None
    try:
        return ox.NamedNode(mapping.source)
    except ValueError:
        return None


def declared_mapping_set(result: LoadResult, initiative_id: str, base_iri: str) -> DeclaredSet:
    """Turn the mappings a converter found into the triples of the declared-mapping set.

    :param result: a converter's result (its ``mappings`` and ``skipped_mappings``).
    :param initiative_id: the initiative the upstream is loaded into: the author.
    :param base_iri: the configured base, for the set, record and initiative IRIs.
    :returns: the set's triples (empty when the upstream declares nothing) and its counts.
    """
    set_id = declared_set_id(initiative_id)
    skipped = dict(sorted(result.skipped_mappings.items()))
    if not result.mappings:
        return DeclaredSet(set_id, [], 0, skipped)
    author = initiative_iri(initiative_id, base_iri)
    set_iri = mapping_set_iri(base_iri, set_id)
    title, license, version = _scheme_facts(result.triples)
    name = title or initiative_id
    triples = mapping_set_triples(
        set_iri,
        set_iri.value,
        title=f"Crosswalks declared by {name}",
        description=(
            f"The links {name} states in its own published files: to other initiatives' "
            "concepts, and from its controls to the threats they address (mosaic:mitigates). "
            "Converted from those files (mosaic load --from, or the bundle build); the "
            "initiative is their author."
        ),
        version=version,
        license=license,
        creators=[author],
    )
    labels = _labels(result.triples)
    seen: set[ox.Triple] = set()
    for mapping in result.mappings:
        record = MappingRecord(
            subject=mapping.subject,
            predicate=mapping.predicate,
            object=mapping.object,
            justification=JUSTIFICATION,
            subject_label=labels.get(mapping.subject),
            object_label=mapping.object_label or labels.get(mapping.object),
            authors=(author,),
            mapping_date=mapping.date,
            comment=mapping.comment,
            source=_source(mapping),
        )
        for triple in record_triples(record, set_iri, base_iri, set_id):
            if triple not in seen:
                seen.add(triple)
                triples.append(triple)
    return DeclaredSet(set_id, triples, len(result.mappings), skipped)
