"""Tests of the hand-written NIST AI 100-2 E2025 bundle (no upstream file exists)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from mosaic.rdf.vocab import DCTERMS, KINDS, MOSAIC, OWL, RDF_TYPE, SKOS, XSD

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "loaders" / "data" / "nist-ai-100-2" / "nist-ai-100-2.ttl"
NS = "https://w3id.org/mosaic/id/nist-ai-100-2/"
SCHEME = ox.NamedNode(NS + "scheme")
GLOSSARY = ox.NamedNode(NS + "scheme-glossary")
SOURCE = ox.NamedNode("https://csrc.nist.gov/pubs/ai/100/2/e2025/final")

#: The attack taxonomy: each concept's narrower concepts (leaves are left out).
TAXONOMY = {
    "predictive-ai": {
        "evasion",
        "poisoning",
        "privacy-attacks",
        "availability-breakdown",
        "integrity-violation",
        "privacy-compromise",
    },
    "generative-ai": {
        "supply-chain-attacks",
        "direct-prompting-attacks",
        "indirect-prompt-injection",
        "availability-breakdown",
        "integrity-violation",
        "privacy-compromise",
        "misuse-enablement",
    },
    "poisoning": {
        "availability-poisoning",
        "targeted-poisoning",
        "backdoor-poisoning",
        "model-poisoning",
    },
    "privacy-attacks": {
        "data-reconstruction",
        "membership-inference",
        "property-inference",
        "model-extraction",
    },
    "supply-chain-attacks": {"genai-data-poisoning", "genai-model-poisoning"},
    "direct-prompting-attacks": {"direct-prompt-injection", "jailbreak", "prompt-extraction"},
}
#: NIST's taxonomy-index identifiers, each confirmed against the published document (see
#: loaders/data/nist-ai-100-2/SOURCE.md); concepts not listed have no confirmed identifier.
NIST_IDS = {
    "availability-breakdown": {"NISTAML.01"},
    "integrity-violation": {"NISTAML.02"},
    "privacy-compromise": {"NISTAML.03"},
    "misuse-enablement": {"NISTAML.04"},
    "supply-chain-attacks": {"NISTAML.05"},
    "model-poisoning": {"NISTAML.011", "NISTAML.026"},
    "clean-label-poisoning": {"NISTAML.012"},
    "availability-poisoning": {"NISTAML.013"},
    "indirect-prompt-injection": {"NISTAML.015"},
    "direct-prompting-attacks": {"NISTAML.018"},
    "evasion": {"NISTAML.022"},
    "backdoor-poisoning": {"NISTAML.023"},
    "targeted-poisoning": {"NISTAML.024"},
    "model-extraction": {"NISTAML.031"},
    "data-reconstruction": {"NISTAML.032"},
    "membership-inference": {"NISTAML.033"},
    "property-inference": {"NISTAML.034"},
    "prompt-extraction": {"NISTAML.035"},
    "genai-model-poisoning": {"NISTAML.051"},
}
NISTAML_ID = MOSAIC["NistAmlIdentifier"]
OBJECTIVES = {
    "availability-breakdown",
    "integrity-violation",
    "privacy-compromise",
    "misuse-enablement",
}


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


def _kind(store: ox.Store, concept: str) -> ox.NamedNode:
    kinds = [k for k in _objects(store, concept, RDF_TYPE) if k in set(KINDS.values())]
    assert len(kinds) == 1 and isinstance(kinds[0], ox.NamedNode), concept
    return kinds[0]


def test_every_concept_is_complete(store: ox.Store) -> None:
    concepts = _concepts(store)
    assert concepts == _concepts(store, SCHEME) | _concepts(store, GLOSSARY)
    definitions: list[str] = []
    for concept in concepts:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", _local(concept)), concept
        labels = _objects(store, concept, SKOS["prefLabel"])
        assert len(labels) == 1 and labels[0].language == "en", concept
        texts = _objects(store, concept, SKOS["definition"])
        assert len(texts) == 1 and texts[0].language == "en", concept
        assert 1 <= len(re.findall(r"[.!?](?:\s|$)", texts[0].value)) <= 3, concept
        definitions.append(texts[0].value)
        # the plain notation is the name; NIST's index identifiers are typed second notations
        notations = _objects(store, concept, SKOS["notation"])
        plain = [n for n in notations if n.datatype == XSD["string"]]
        assert plain == [ox.Literal(labels[0].value)], concept
        typed = {n.value for n in notations if n.datatype == NISTAML_ID}
        assert typed == NIST_IDS.get(_local(concept), set()), concept
        assert len(notations) == len(plain) + len(typed), concept
        assert len(_objects(store, concept, SKOS["inScheme"])) == 1, concept
        _kind(store, concept)
        assert _objects(store, concept, DCTERMS["source"]) == [SOURCE], concept
        notes = _objects(store, concept, SKOS["scopeNote"])
        assert len(notes) == 1 and "NIST AI 100-2 E2025" in notes[0].value, concept
    assert len(set(definitions)) == len(definitions)


def test_scheme_metadata(store: ox.Store) -> None:
    for scheme in (SCHEME, GLOSSARY):
        assert _objects(store, scheme, RDF_TYPE) == [SKOS["ConceptScheme"]]
        for predicate in ("title", "publisher", "license", "source"):
            assert len(_objects(store, scheme, DCTERMS[predicate])) == 1, predicate
        assert _objects(store, scheme, OWL["versionInfo"]) == [ox.Literal("E2025")]
        assert _objects(store, scheme, DCTERMS["issued"]) == [
            ox.Literal("2025-03-24", datatype=XSD["date"])
        ]
        assert _objects(store, scheme, MOSAIC["initiative"]) == [
            ox.NamedNode("https://w3id.org/mosaic/initiative/nist-ai-100-2")
        ]


def test_taxonomy_shape_and_kinds(store: ox.Store) -> None:
    taxonomy = _concepts(store, SCHEME)
    assert len(taxonomy) == 25
    tops = {_local(t.value) for t in _objects(store, SCHEME, SKOS["hasTopConcept"])}
    assert tops == {"predictive-ai", "generative-ai"}
    for parent, children in TAXONOMY.items():
        found = {_local(c.value) for c in _objects(store, NS + parent, SKOS["narrower"])}
        assert found == children, parent
    for concept in taxonomy:
        local = _local(concept)
        expected = MOSAIC["Threat"] if local in OBJECTIVES else MOSAIC["AttackTechnique"]
        assert _kind(store, concept) == expected, local
        if local in tops:
            assert _objects(store, concept, SKOS["topConceptOf"]) == [SCHEME]
        else:
            assert _objects(store, concept, SKOS["broader"]), local
    # the objectives shared by both taxonomies have both as broader concepts
    assert {
        _local(b.value) for b in _objects(store, NS + "integrity-violation", SKOS["broader"])
    } == {"predictive-ai", "generative-ai"}


def test_glossary(store: ox.Store) -> None:
    terms = _concepts(store, GLOSSARY)
    assert len(terms) == 20
    tops = {t.value for t in _objects(store, GLOSSARY, SKOS["hasTopConcept"])}
    assert tops == terms
    for term in terms:
        assert _kind(store, term) == MOSAIC["Term"], term
        assert _objects(store, term, SKOS["topConceptOf"]) == [GLOSSARY]
        assert not _objects(store, term, SKOS["broader"])


def test_links_are_stated_both_ways_and_resolve(store: ox.Store) -> None:
    concepts = _concepts(store)
    for predicate, inverse in (
        (SKOS["broader"], SKOS["narrower"]),
        (SKOS["narrower"], SKOS["broader"]),
        (SKOS["related"], SKOS["related"]),
        (SKOS["topConceptOf"], SKOS["hasTopConcept"]),
        (SKOS["hasTopConcept"], SKOS["topConceptOf"]),
    ):
        for quad in store.quads_for_pattern(None, predicate, None):
            assert isinstance(quad.object, ox.NamedNode)
            assert list(store.quads_for_pattern(quad.object, inverse, quad.subject)), quad
            if predicate != SKOS["topConceptOf"]:
                assert quad.object.value in concepts, quad
    # an attack class is linked to the objective it serves
    assert ox.NamedNode(NS + "misuse-enablement") in _objects(
        store, NS + "jailbreak", SKOS["related"]
    )
    assert ox.NamedNode(NS + "integrity-violation") in _objects(
        store, NS + "evasion", SKOS["related"]
    )


def test_nist_identifiers_are_unique_and_follow_the_index_numbering(store: ox.Store) -> None:
    seen: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, SKOS["notation"], None):
        value = quad.object
        if not (isinstance(value, ox.Literal) and value.datatype == NISTAML_ID):
            continue
        assert re.fullmatch(r"NISTAML\.0[1-5]\d?", value.value), value
        assert value.value not in seen, (value.value, seen.get(value.value))
        assert isinstance(quad.subject, ox.NamedNode)
        seen[value.value] = _local(quad.subject.value)
    # an objective has a two-digit identifier, an attack class three digits under its objective
    for identifier, local in seen.items():
        is_objective = local in OBJECTIVES or local == "supply-chain-attacks"
        assert (len(identifier) == len("NISTAML.01")) == is_objective, identifier
    assert set(seen.values()) == set(NIST_IDS)
