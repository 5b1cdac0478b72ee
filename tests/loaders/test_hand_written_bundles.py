"""Tests of the five hand-written bundles: EU AI Act, OECD AI, ISO/IEC 22989, ETSI SAI, MIT.

These initiatives publish no machine-readable file, so their Turtle is written by hand and no
converter regenerates it. The tests therefore check the files themselves: the SKOS shape every
bundle must have, the scheme metadata, the hierarchy, and the exact numbers and identifiers
written (so that an accidental edit, a lost concept or a broken hierarchy fails here).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.dataset.registry import registry_entries
from mosaic.rdf.vocab import (
    DCTERMS,
    KINDS,
    MOSAIC,
    OWL,
    RDF_TYPE,
    SKOS,
    concept_namespace,
    initiative_iri,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "loaders" / "data"
ONTOLOGY = ROOT / "ontology"
ISO_NOTE = "Definition written by MOSAIC; not the ISO text."
KIND_NAMES = {iri: name for name, iri in KINDS.items()}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class Expected:
    """What one hand-written bundle holds: counts per scheme and per kind, and scheme metadata."""

    initiative: str
    concepts_per_scheme: dict[str, int]
    kinds: dict[str, int]
    top_concepts: int
    has_version: bool
    has_licence: bool
    extra: dict[str, int] = field(default_factory=dict)


#: The EU AI Act provisions beyond Article 3: (local id, notation, kind, broader local id). The
#: article, paragraph, point and annex numbers are facts checked against the Regulation (see
#: loaders/data/eu-ai-act/SOURCE.md); every count of the eu-ai-act case below is derived from them.
EU_PROVISIONS: list[tuple[str, str, str, str | None]] = [
    ("art4", "Art. 4", "requirement", None),
    ("art5", "Art. 5", "requirement", None),
    ("art5-1-a", "Art. 5(1)(a)", "requirement", "art5"),
    ("art5-1-b", "Art. 5(1)(b)", "requirement", "art5"),
    ("art5-1-c", "Art. 5(1)(c)", "requirement", "art5"),
    ("art5-1-d", "Art. 5(1)(d)", "requirement", "art5"),
    ("art5-1-e", "Art. 5(1)(e)", "requirement", "art5"),
    ("art5-1-f", "Art. 5(1)(f)", "requirement", "art5"),
    ("art5-1-g", "Art. 5(1)(g)", "requirement", "art5"),
    ("art5-1-h", "Art. 5(1)(h)", "requirement", "art5"),
    ("art9", "Art. 9", "requirement", None),
    ("art9-1", "Art. 9(1)", "requirement", "art9"),
    ("art9-2", "Art. 9(2)", "requirement", "art9"),
    ("art9-5", "Art. 9(5)", "requirement", "art9"),
    ("art9-6", "Art. 9(6)", "requirement", "art9"),
    ("art10", "Art. 10", "requirement", None),
    ("art10-2", "Art. 10(2)", "requirement", "art10"),
    ("art10-3", "Art. 10(3)", "requirement", "art10"),
    ("art10-4", "Art. 10(4)", "requirement", "art10"),
    ("art10-5", "Art. 10(5)", "requirement", "art10"),
    ("art11", "Art. 11", "requirement", None),
    ("art12", "Art. 12", "requirement", None),
    ("art12-1", "Art. 12(1)", "requirement", "art12"),
    ("art12-2", "Art. 12(2)", "requirement", "art12"),
    ("art12-3", "Art. 12(3)", "requirement", "art12"),
    ("art13", "Art. 13", "requirement", None),
    ("art13-1", "Art. 13(1)", "requirement", "art13"),
    ("art13-2", "Art. 13(2)", "requirement", "art13"),
    ("art13-3", "Art. 13(3)", "requirement", "art13"),
    ("art14", "Art. 14", "requirement", None),
    ("art14-1", "Art. 14(1)", "requirement", "art14"),
    ("art14-3", "Art. 14(3)", "requirement", "art14"),
    ("art14-4", "Art. 14(4)", "requirement", "art14"),
    ("art14-5", "Art. 14(5)", "requirement", "art14"),
    ("art15", "Art. 15", "requirement", None),
    ("art15-1", "Art. 15(1)", "requirement", "art15"),
    ("art15-3", "Art. 15(3)", "requirement", "art15"),
    ("art15-4", "Art. 15(4)", "requirement", "art15"),
    ("art15-5", "Art. 15(5)", "requirement", "art15"),
    ("art15-5-data-poisoning", "Art. 15(5) data poisoning", "threat", None),
    ("art15-5-model-poisoning", "Art. 15(5) model poisoning", "threat", None),
    ("art15-5-adversarial-examples", "Art. 15(5) adversarial examples", "threat", None),
    ("art15-5-confidentiality-attacks", "Art. 15(5) confidentiality attacks", "threat", None),
    ("art15-5-model-flaws", "Art. 15(5) model flaws", "vulnerability", None),
    ("art26", "Art. 26", "requirement", None),
    ("art50", "Art. 50", "requirement", None),
    ("art53", "Art. 53", "requirement", None),
    ("art55", "Art. 55", "requirement", None),
    ("art55-1-a", "Art. 55(1)(a)", "requirement", "art55"),
    ("art55-1-b", "Art. 55(1)(b)", "requirement", "art55"),
    ("art55-1-c", "Art. 55(1)(c)", "requirement", "art55"),
    ("art55-1-d", "Art. 55(1)(d)", "requirement", "art55"),
    ("art72", "Art. 72", "requirement", None),
    ("art73", "Art. 73", "requirement", None),
    ("annex3", "Annex III", "application-area", None),
    ("annex3-1", "Annex III(1)", "application-area", "annex3"),
    ("annex3-2", "Annex III(2)", "application-area", "annex3"),
    ("annex3-3", "Annex III(3)", "application-area", "annex3"),
    ("annex3-4", "Annex III(4)", "application-area", "annex3"),
    ("annex3-5", "Annex III(5)", "application-area", "annex3"),
    ("annex3-6", "Annex III(6)", "application-area", "annex3"),
    ("annex3-7", "Annex III(7)", "application-area", "annex3"),
    ("annex3-8", "Annex III(8)", "application-area", "annex3"),
]
EU_ARTICLE_3 = 68


def _eu_ai_act_case() -> Expected:
    kinds = Counter(kind for _, _, kind, _ in EU_PROVISIONS)
    kinds["term"] += EU_ARTICLE_3
    tops = EU_ARTICLE_3 + sum(1 for *_, parent in EU_PROVISIONS if parent is None)
    per_scheme = {"scheme": EU_ARTICLE_3, "scheme-provisions": len(EU_PROVISIONS)}
    return Expected("eu-ai-act", per_scheme, dict(kinds), tops, True, True)


CASES = [
    _eu_ai_act_case(),
    Expected(
        "oecd-ai",
        {"scheme": 12, "scheme-definitions": 3},
        {"principle": 12, "term": 3},
        5,
        True,
        True,
    ),
    Expected("iso-iec-22989", {"scheme": 91}, {"term": 91}, 7, True, False),
    Expected("etsi-sai", {"scheme": 18}, {"lifecycle-stage": 5, "principle": 13}, 5, True, False),
    Expected("mit-ai-risk-repository", {"scheme": 31}, {"threat": 31}, 7, False, True),
]
IDS = [case.initiative for case in CASES]


# --- helpers -----------------------------------------------------------------------------------


def _path(initiative: str) -> Path:
    return DATA / initiative / f"{initiative}.ttl"


def _load(initiative: str) -> ox.Store:
    store = ox.Store()
    store.load(path=str(_path(initiative)), format=ox.RdfFormat.TURTLE)
    return store


def _objects(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> list[Term]:
    return [quad.object for quad in store.quads_for_pattern(subject, predicate, None)]


def _subjects(store: ox.Store, predicate: ox.NamedNode, obj: Term | None) -> set[ox.NamedNode]:
    return {
        quad.subject
        for quad in store.quads_for_pattern(None, predicate, obj)
        if isinstance(quad.subject, ox.NamedNode)
    }


def _concepts(store: ox.Store) -> set[ox.NamedNode]:
    return _subjects(store, RDF_TYPE, SKOS["Concept"])


def _schemes(store: ox.Store) -> set[ox.NamedNode]:
    return _subjects(store, RDF_TYPE, SKOS["ConceptScheme"])


def _en(values: list[Term]) -> list[str]:
    return [v.value for v in values if isinstance(v, ox.Literal) and v.language == "en"]


def _one_literal(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> str:
    values = _objects(store, subject, predicate)
    assert len(values) == 1, (subject, predicate, values)
    assert isinstance(values[0], ox.Literal), (subject, predicate)
    return values[0].value


def _local(initiative: str, iri: ox.NamedNode) -> str:
    namespace = concept_namespace(initiative).iri
    assert iri.value.startswith(namespace), iri
    return iri.value[len(namespace) :]


def _by_local(store: ox.Store, initiative: str) -> dict[str, ox.NamedNode]:
    return {_local(initiative, c): c for c in _concepts(store)}


def _kind(store: ox.Store, concept: ox.NamedNode) -> str:
    types = [t for t in _objects(store, concept, RDF_TYPE) if isinstance(t, ox.NamedNode)]
    kinds = [KIND_NAMES[t] for t in types if t in KIND_NAMES]
    assert len(kinds) == 1, (concept, kinds)
    return kinds[0]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- every bundle ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_bundle_parses_and_is_in_the_registry(case: Expected) -> None:
    assert _path(case.initiative).is_file()
    assert len(_load(case.initiative)) > 0
    entries = {e.id: e for e in registry_entries(ONTOLOGY, "https://w3id.org/mosaic/")}
    assert case.initiative in entries
    assert entries[case.initiative].redistribution == "bundled"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_turtle_prefix_is_the_registered_curie_prefix(case: Expected) -> None:
    prefixes = json.loads((ONTOLOGY / "prefixes.json").read_text(encoding="utf-8"))
    by_uri = {p["uri_prefix"]: p["prefix"] for p in prefixes}
    namespace = concept_namespace(case.initiative).iri
    text = _path(case.initiative).read_text(encoding="utf-8")
    declared = re.findall(r"@prefix\s+([\w-]+):\s+<" + re.escape(namespace) + ">", text)
    assert declared == [by_uri[namespace]]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_concept_has_the_required_shape(case: Expected) -> None:
    store = _load(case.initiative)
    schemes = _schemes(store)
    concepts = _concepts(store)
    assert concepts
    for concept in concepts:
        _local(case.initiative, concept)  # minted in the initiative's namespace
        assert len(_en(_objects(store, concept, SKOS["prefLabel"]))) == 1, concept
        assert len(_objects(store, concept, SKOS["prefLabel"])) == 1, concept
        definitions = _en(_objects(store, concept, SKOS["definition"]))
        assert len(definitions) == 1, concept
        assert _one_literal(store, concept, SKOS["notation"]).strip(), concept
        in_scheme = _objects(store, concept, SKOS["inScheme"])
        assert in_scheme and set(in_scheme) <= schemes, concept
        _kind(store, concept)
        sources = _objects(store, concept, DCTERMS["source"])
        assert sources, concept
        for source in sources:
            assert isinstance(source, ox.NamedNode), concept
            assert source.value.startswith("https://"), concept


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_definitions_are_short_and_not_the_label(case: Expected) -> None:
    store = _load(case.initiative)
    for concept in _concepts(store):
        label = _en(_objects(store, concept, SKOS["prefLabel"]))[0]
        definition = _en(_objects(store, concept, SKOS["definition"]))[0]
        sentences = re.findall(r"[.!?](?:\s|$)", definition)
        assert 1 <= len(sentences) <= 3, (concept, definition)
        assert definition.endswith("."), concept
        assert definition.strip().lower() != label.strip().lower(), concept
        assert len(definition.split()) >= 5, concept


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_scheme_metadata(case: Expected) -> None:
    store = _load(case.initiative)
    schemes = _schemes(store)
    expected = {concept_namespace(case.initiative)[name] for name in case.concepts_per_scheme}
    assert schemes == expected
    for scheme in schemes:
        assert len(_en(_objects(store, scheme, DCTERMS["title"]))) == 1, scheme
        assert _one_literal(store, scheme, DCTERMS["publisher"]).strip(), scheme
        assert _objects(store, scheme, MOSAIC["initiative"]) == [initiative_iri(case.initiative)]
        sources = _objects(store, scheme, DCTERMS["source"])
        assert len(sources) == 1 and isinstance(sources[0], ox.NamedNode), scheme
        versions = _objects(store, scheme, OWL["versionInfo"])
        assert len(versions) == (1 if case.has_version else 0), scheme
        licences = _objects(store, scheme, DCTERMS["license"])
        assert len(licences) == (1 if case.has_licence else 0), scheme
        assert all(isinstance(x, ox.NamedNode) for x in licences), scheme


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_broader_and_narrower_are_inverse(case: Expected) -> None:
    store = _load(case.initiative)
    broader = {(q.subject, q.object) for q in store.quads_for_pattern(None, SKOS["broader"], None)}
    narrower = {
        (q.object, q.subject) for q in store.quads_for_pattern(None, SKOS["narrower"], None)
    }
    assert broader == narrower
    concepts = _concepts(store)
    for child, parent in broader:
        assert isinstance(child, ox.NamedNode) and isinstance(parent, ox.NamedNode)
        assert child in concepts and parent in concepts, (child, parent)
        assert child != parent
        # the parent is in the child's scheme: a hierarchy never crosses schemes
        assert set(_objects(store, child, SKOS["inScheme"])) == set(
            _objects(store, parent, SKOS["inScheme"])
        )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_top_concepts_are_consistent(case: Expected) -> None:
    store = _load(case.initiative)
    top_of = {
        (q.subject, q.object) for q in store.quads_for_pattern(None, SKOS["topConceptOf"], None)
    }
    has_top = {
        (q.object, q.subject) for q in store.quads_for_pattern(None, SKOS["hasTopConcept"], None)
    }
    assert top_of == has_top
    tops = {concept for concept, _ in top_of}
    assert len(tops) == case.top_concepts
    for concept in _concepts(store):
        has_parent = bool(_objects(store, concept, SKOS["broader"]))
        assert has_parent != (concept in tops), concept


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_expected_counts(case: Expected) -> None:
    store = _load(case.initiative)
    namespace = concept_namespace(case.initiative)
    per_scheme = {
        name: len(_subjects(store, SKOS["inScheme"], namespace[name]))
        for name in case.concepts_per_scheme
    }
    assert per_scheme == case.concepts_per_scheme
    kinds = Counter(_kind(store, c) for c in _concepts(store))
    assert dict(kinds) == case.kinds
    assert len(_concepts(store)) == sum(case.concepts_per_scheme.values())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_notations_and_labels_are_unique_per_scheme(case: Expected) -> None:
    store = _load(case.initiative)
    for scheme in _schemes(store):
        members = _subjects(store, SKOS["inScheme"], scheme)
        notations = [_one_literal(store, c, SKOS["notation"]) for c in members]
        labels = [_en(_objects(store, c, SKOS["prefLabel"]))[0].lower() for c in members]
        assert len(set(notations)) == len(notations), scheme
        assert len(set(labels)) == len(labels), scheme


# --- initiative-specific structure -------------------------------------------------------------


def test_eu_ai_act_has_the_68_points_of_article_3() -> None:
    store = _load("eu-ai-act")
    concepts = _by_local(store, "eu-ai-act")
    terms = _subjects(store, SKOS["inScheme"], concept_namespace("eu-ai-act")["scheme"])
    assert {_local("eu-ai-act", t) for t in terms} == {f"art3-{n}" for n in range(1, 69)}
    for n in range(1, 69):
        assert _one_literal(store, concepts[f"art3-{n}"], SKOS["notation"]) == f"Art. 3({n})"
    labels = {
        n: _en(_objects(store, concepts[f"art3-{n}"], SKOS["prefLabel"]))[0] for n in (1, 3, 4, 63)
    }
    assert labels == {
        1: "AI system",
        3: "provider",
        4: "deployer",
        63: "general-purpose AI model",
    }


def test_eu_ai_act_provisions_have_their_numbers_kinds_and_hierarchy() -> None:
    store = _load("eu-ai-act")
    concepts = _by_local(store, "eu-ai-act")
    scheme = concept_namespace("eu-ai-act")["scheme-provisions"]
    members = {_local("eu-ai-act", c) for c in _subjects(store, SKOS["inScheme"], scheme)}
    assert members == {local for local, *_ in EU_PROVISIONS}
    for local, notation, kind, parent in EU_PROVISIONS:
        concept = concepts[local]
        assert _one_literal(store, concept, SKOS["notation"]) == notation
        assert _kind(store, concept) == kind, local
        broader = _objects(store, concept, SKOS["broader"])
        assert broader == ([concepts[parent]] if parent else []), local
        # the scope note cites the provision the notation names
        note = _one_literal(store, concept, SKOS["scopeNote"])
        assert note.startswith("Regulation (EU) 2024/1689, "), local
        number = notation.split("(")[0].removeprefix("Art. ").split(" ")[0]
        assert f"Article {number}" in note or f"{number}" in note, local
    # article titles are the Regulation's own
    titles = {
        "art9": "Risk management system",
        "art10": "Data and data governance",
        "art12": "Record-keeping",
        "art13": "Transparency and provision of information to deployers",
        "art14": "Human oversight",
        "art15": "Accuracy, robustness and cybersecurity",
        "art55": "Obligations of providers of general-purpose AI models with systemic risk",
        "annex3-2": "Critical infrastructure",
    }
    for local, title in titles.items():
        assert _en(_objects(store, concepts[local], SKOS["prefLabel"])) == [title]
    # Article 15(5) names five AI-specific attacks and weaknesses, linked both ways
    named = set(_objects(store, concepts["art15-5"], SKOS["related"]))
    assert {
        concepts[f"art15-5-{n}"]
        for n in (
            "data-poisoning",
            "model-poisoning",
            "adversarial-examples",
            "confidentiality-attacks",
            "model-flaws",
        )
    } <= named
    for quad in store.quads_for_pattern(None, SKOS["related"], None):
        assert isinstance(quad.object, ox.NamedNode)
        assert list(store.quads_for_pattern(quad.object, SKOS["related"], quad.subject)), quad


def test_oecd_principles_are_numbered_under_their_section() -> None:
    store = _load("oecd-ai")
    concepts = _by_local(store, "oecd-ai")
    principles = {local for local, c in concepts.items() if _kind(store, c) == "principle"}
    assert principles == {"1", "2"} | {f"{s}.{n}" for s in (1, 2) for n in range(1, 6)}
    for local in principles - {"1", "2"}:
        concept = concepts[local]
        assert _one_literal(store, concept, SKOS["notation"]) == local
        assert _objects(store, concept, SKOS["broader"]) == [concepts[local.split(".")[0]]]
    definitions = concept_namespace("oecd-ai")["scheme-definitions"]
    terms = _subjects(store, SKOS["inScheme"], definitions)
    assert {_local("oecd-ai", t) for t in terms} == {"ai-system", "ai-incident", "ai-hazard"}


def test_iso_22989_identifiers_and_scope_notes() -> None:
    store = _load("iso-iec-22989")
    concepts = _by_local(store, "iso-iec-22989")
    groups = {f"3.{n}" for n in range(1, 8)}
    assert groups <= set(concepts)
    numbered = {local for local in concepts if re.fullmatch(r"3\.\d+\.\d+", local)}
    assert len(numbered) == 13
    assert "3.1.4" in numbered and "3.3.5" in numbered
    for local, concept in concepts.items():
        notes = _en(_objects(store, concept, SKOS["scopeNote"]))
        assert notes == [ISO_NOTE], concept
        notation = _one_literal(store, concept, SKOS["notation"])
        label = _en(_objects(store, concept, SKOS["prefLabel"]))[0]
        if local in groups:
            assert notation == local
            assert not _objects(store, concept, SKOS["broader"])
        elif local in numbered:
            # a confirmed clause number: id, notation and group all agree
            assert notation == local
            group = local.rsplit(".", 1)[0]
            assert _objects(store, concept, SKOS["broader"]) == [concepts[group]]
        else:
            # no confirmed clause number: slug id, the term itself as notation
            assert local == _slug(label), concept
            assert notation == label, concept
            assert len(_objects(store, concept, SKOS["broader"])) == 1, concept
    assert _en(_objects(store, concepts["3.1.4"], SKOS["prefLabel"])) == [
        "artificial intelligence system"
    ]
    assert _en(_objects(store, concepts["3.1.4"], SKOS["altLabel"])) == ["AI system"]


def test_etsi_principles_sit_in_their_lifecycle_phase() -> None:
    store = _load("etsi-sai")
    concepts = _by_local(store, "etsi-sai")
    phases = {
        "secure-design": [1, 2, 3, 4],
        "secure-development": [5, 6, 7, 8, 9],
        "secure-deployment": [10],
        "secure-maintenance": [11, 12],
        "secure-end-of-life": [13],
    }
    for phase, numbers in phases.items():
        stage = concepts[phase]
        assert _kind(store, stage) == "lifecycle-stage"
        children = set(_objects(store, stage, SKOS["narrower"]))
        assert children == {concepts[f"principle-{n}"] for n in numbers}
        for n in numbers:
            principle = concepts[f"principle-{n}"]
            assert _one_literal(store, principle, SKOS["notation"]) == f"Principle {n}"
            assert _objects(store, principle, MOSAIC["lifecycleStage"]) == [stage]
    label = _en(_objects(store, concepts["principle-13"], SKOS["prefLabel"]))
    assert label == ["Ensure proper data and model disposal"]


def test_mit_subdomains_sit_under_their_domain() -> None:
    store = _load("mit-ai-risk-repository")
    concepts = _by_local(store, "mit-ai-risk-repository")
    per_domain = {1: 3, 2: 2, 3: 2, 4: 3, 5: 2, 6: 6, 7: 6}
    expected = {f"domain-{d}" for d in per_domain} | {
        f"subdomain-{d}.{s}" for d, count in per_domain.items() for s in range(1, count + 1)
    }
    assert set(concepts) == expected
    for local, concept in concepts.items():
        number = local.split("-", 1)[1]
        assert _one_literal(store, concept, SKOS["notation"]) == number
        if local.startswith("subdomain-"):
            parent = concepts[f"domain-{number.split('.')[0]}"]
            assert _objects(store, concept, SKOS["broader"]) == [parent]
    assert _en(_objects(store, concepts["subdomain-7.6"], SKOS["prefLabel"])) == [
        "Multi-agent risks"
    ]
