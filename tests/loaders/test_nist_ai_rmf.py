"""Tests of the hand-written NIST AI RMF 1.0 and AI 600-1 bundle (no upstream file exists)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from mosaic.rdf.vocab import DCTERMS, KINDS, MOSAIC, OWL, RDF_TYPE, SKOS, XSD

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "loaders" / "data" / "nist-ai-rmf" / "nist-ai-rmf.ttl"
NS = "https://w3id.org/mosaic/id/nist-ai-rmf/"
SCHEME = ox.NamedNode(NS + "scheme")
GENAI_SCHEME = ox.NamedNode(NS + "scheme-genai")

#: Subcategories per category in AI RMF 1.0, Tables 1 to 4 (72 in all).
SUBCATEGORY_COUNTS = {
    "GOVERN-1": 7,
    "GOVERN-2": 3,
    "GOVERN-3": 2,
    "GOVERN-4": 3,
    "GOVERN-5": 2,
    "GOVERN-6": 2,
    "MAP-1": 6,
    "MAP-2": 3,
    "MAP-3": 5,
    "MAP-4": 2,
    "MAP-5": 2,
    "MEASURE-1": 3,
    "MEASURE-2": 13,
    "MEASURE-3": 3,
    "MEASURE-4": 3,
    "MANAGE-1": 4,
    "MANAGE-2": 4,
    "MANAGE-3": 2,
    "MANAGE-4": 3,
}
FUNCTIONS = {"GOVERN": "Govern", "MAP": "Map", "MEASURE": "Measure", "MANAGE": "Manage"}
#: The 12 risks of NIST AI 600-1, section 2, in the document's order.
GENAI_RISKS = [
    "CBRN Information or Capabilities",
    "Confabulation",
    "Dangerous, Violent, or Hateful Content",
    "Data Privacy",
    "Environmental Impacts",
    "Harmful Bias and Homogenization",
    "Human-AI Configuration",
    "Information Integrity",
    "Information Security",
    "Intellectual Property",
    "Obscene, Degrading, and/or Abusive Content",
    "Value Chain and Component Integration",
]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    graph = ox.Store()
    graph.load(path=str(BUNDLE), format=ox.RdfFormat.TURTLE)
    return graph


def _objects(store: ox.Store, subject: str | ox.NamedNode, predicate: ox.NamedNode) -> list[Any]:
    node = subject if isinstance(subject, ox.NamedNode) else ox.NamedNode(subject)
    return [q.object for q in store.quads_for_pattern(node, predicate, None)]


def _concepts(store: ox.Store, scheme: ox.NamedNode | None = None) -> set[str]:
    found = {
        q.subject.value
        for q in store.quads_for_pattern(None, RDF_TYPE, SKOS["Concept"])
        if isinstance(q.subject, ox.NamedNode)
    }
    if scheme is None:
        return found
    return {c for c in found if _objects(store, c, SKOS["inScheme"]) == [scheme]}


def _local(iri: str) -> str:
    return iri.removeprefix(NS)


def _sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", text))


def test_every_concept_is_complete(store: ox.Store) -> None:
    concepts = _concepts(store)
    assert len(concepts) == 4 + 19 + 72 + 12
    kinds = set(KINDS.values())
    definitions: list[str] = []
    for concept in concepts:
        assert concept.startswith(NS), concept
        labels = _objects(store, concept, SKOS["prefLabel"])
        assert len(labels) == 1 and labels[0].language == "en", concept
        texts = _objects(store, concept, SKOS["definition"])
        assert len(texts) == 1 and texts[0].language == "en", concept
        assert 1 <= _sentences(texts[0].value) <= 3, concept
        definitions.append(texts[0].value)
        notations = _objects(store, concept, SKOS["notation"])
        assert len(notations) == 1 and notations[0].datatype == XSD["string"], concept
        schemes = _objects(store, concept, SKOS["inScheme"])
        assert len(schemes) == 1 and schemes[0] in {SCHEME, GENAI_SCHEME}, concept
        assert len(set(_objects(store, concept, RDF_TYPE)) & kinds) == 1, concept
        sources = _objects(store, concept, DCTERMS["source"])
        assert sources and all(isinstance(s, ox.NamedNode) for s in sources), concept
        assert len(_objects(store, concept, SKOS["scopeNote"])) == 1, concept
    assert len(set(definitions)) == len(definitions)


def test_scheme_metadata(store: ox.Store) -> None:
    for scheme, issued in ((SCHEME, "2023-01-26"), (GENAI_SCHEME, "2024-07-26")):
        assert _objects(store, scheme, RDF_TYPE) == [SKOS["ConceptScheme"]]
        for predicate in ("title", "publisher", "license", "source"):
            assert len(_objects(store, scheme, DCTERMS[predicate])) == 1, predicate
        assert _objects(store, scheme, DCTERMS["issued"]) == [
            ox.Literal(issued, datatype=XSD["date"])
        ]
        assert len(_objects(store, scheme, OWL["versionInfo"])) == 1
        assert _objects(store, scheme, MOSAIC["initiative"]) == [
            ox.NamedNode("https://w3id.org/mosaic/initiative/nist-ai-rmf")
        ]
    assert _objects(store, SCHEME, OWL["versionInfo"]) == [ox.Literal("1.0")]


def test_functions_categories_and_subcategories(store: ox.Store) -> None:
    concepts = _concepts(store, SCHEME)
    tops = {_local(t.value) for t in _objects(store, SCHEME, SKOS["hasTopConcept"])}
    assert tops == set(FUNCTIONS)
    categories = {c for c in map(_local, concepts) if re.fullmatch(r"[A-Z]+-\d+", c)}
    subcategories = {c for c in map(_local, concepts) if re.fullmatch(r"[A-Z]+-\d+\.\d+", c)}
    assert categories == set(SUBCATEGORY_COUNTS)
    assert len(subcategories) == 72
    assert {_local(c) for c in concepts} == set(FUNCTIONS) | categories | subcategories
    for local in map(_local, concepts):
        concept = NS + local
        assert set(_objects(store, concept, RDF_TYPE)) & set(KINDS.values()) == {MOSAIC["Control"]}
        assert _objects(store, concept, SKOS["notation"]) == [ox.Literal(local)]
        label = _objects(store, concept, SKOS["prefLabel"])[0].value
        if local in FUNCTIONS:
            assert label == FUNCTIONS[local]
            assert _objects(store, concept, SKOS["topConceptOf"]) == [SCHEME]
            assert not _objects(store, concept, SKOS["broader"])
        else:
            assert label == local.replace("-", " ")  # NIST's own form, "MEASURE 2.3"
            parent = local.rsplit(".", 1)[0] if "." in local else local.split("-")[0]
            assert _objects(store, concept, SKOS["broader"]) == [ox.NamedNode(NS + parent)]
            assert not _objects(store, concept, SKOS["topConceptOf"])
    for category, count in SUBCATEGORY_COUNTS.items():
        children = {_local(c.value) for c in _objects(store, NS + category, SKOS["narrower"])}
        assert children == {f"{category}.{n}" for n in range(1, count + 1)}, category
    per_function = {f: len([c for c in categories if c.startswith(f + "-")]) for f in FUNCTIONS}
    assert per_function == {"GOVERN": 6, "MAP": 5, "MEASURE": 4, "MANAGE": 4}
    assert _objects(store, NS + "MEASURE-2.3", SKOS["prefLabel"]) == [
        ox.Literal("MEASURE 2.3", language="en")
    ]


def test_hierarchy_is_stated_both_ways(store: ox.Store) -> None:
    assert len(list(store.quads_for_pattern(None, SKOS["broader"], None))) == 19 + 72
    assert len(list(store.quads_for_pattern(None, SKOS["narrower"], None))) == 19 + 72
    for predicate, inverse in (
        (SKOS["broader"], SKOS["narrower"]),
        (SKOS["narrower"], SKOS["broader"]),
        (SKOS["topConceptOf"], SKOS["hasTopConcept"]),
        (SKOS["hasTopConcept"], SKOS["topConceptOf"]),
    ):
        for quad in store.quads_for_pattern(None, predicate, None):
            assert isinstance(quad.object, ox.NamedNode), quad
            assert list(store.quads_for_pattern(quad.object, inverse, quad.subject)), quad


def test_genai_risks(store: ox.Store) -> None:
    risks = _concepts(store, GENAI_SCHEME)
    assert len(risks) == 12
    labels = {_objects(store, r, SKOS["prefLabel"])[0].value: r for r in risks}
    assert set(labels) == set(GENAI_RISKS)
    tops = {t.value for t in _objects(store, GENAI_SCHEME, SKOS["hasTopConcept"])}
    assert tops == risks
    for number, name in enumerate(GENAI_RISKS, start=1):
        risk = labels[name]
        assert set(_objects(store, risk, RDF_TYPE)) & set(KINDS.values()) == {MOSAIC["Threat"]}
        assert _objects(store, risk, SKOS["notation"]) == [ox.Literal(name)]
        local = _local(risk)
        assert local == "-".join(re.findall(r"[a-z0-9]+", name.lower())), name
        note = _objects(store, risk, SKOS["scopeNote"])[0].value
        assert note.endswith(f"section 2.{number}."), name
        assert _objects(store, risk, DCTERMS["source"]) == [
            ox.NamedNode("https://doi.org/10.6028/NIST.AI.600-1")
        ]
