"""The vocabulary MOSAIC writes and reads: namespaces, the concept kinds, the minted IRIs.

Every layer builds IRIs from here (``SKOS["prefLabel"]``, ``KINDS["threat"]``), so a namespace
is spelt once. The kinds are those of ``ontology/mosaic.ttl``, by the short names used in CSV
files and the API.
"""

from __future__ import annotations

import pyoxigraph as ox

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
    "application-area": MOSAIC["ApplicationArea"],
    "term": MOSAIC["Term"],
}


def concept_namespace(initiative_id: str, base: str = DEFAULT_BASE) -> Namespace:
    """The namespace of an initiative's minted concept IRIs (see docs/data-model.md)."""
    return Namespace(f"{base}id/{initiative_id}/")


def initiative_iri(initiative_id: str, base: str = DEFAULT_BASE) -> ox.NamedNode:
    """The IRI of the initiative resource in the registry."""
    return ox.NamedNode(f"{base}initiative/{initiative_id}")
