"""Tests of the MITRE ATLAS converter and of the bundled ATLAS vocabulary."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml

from mosaic.errors import LoadIssue
from mosaic.loaders import build, mitre_atlas
from mosaic.rdf.vocab import DCTERMS, KINDS, MOSAIC, OWL, RDF_TYPE, SKOS, XSD
from tests.loaders.support import bundled_declared, mitigations

ATLAS = mitre_atlas.ATLAS
SCHEME = mitre_atlas.SCHEME
Term = mitre_atlas.Term
FIXTURE_DIR = Path(__file__).resolve().parents[1] / "data" / "upstream" / "mitre-atlas"
FIXTURE = FIXTURE_DIR / "dist" / "ATLAS.yaml"
UPSTREAM_DIR = Path(__file__).resolve().parents[3] / "shared" / "upstream" / "mitre-atlas"
UPSTREAM = UPSTREAM_DIR / "dist" / "ATLAS.yaml"
SECTIONS = ("tactics", "techniques", "mitigations")


# --- helpers -----------------------------------------------------------------------------------


def _bundle() -> ox.Store:
    store = ox.Store()
    store.load(path=str(mitre_atlas.BUNDLE_PATH), format=ox.RdfFormat.TURTLE)
    return store


def _store(triples: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def _objects(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> list[Term]:
    return [quad.object for quad in store.quads_for_pattern(subject, predicate, None)]


def _concepts(store: ox.Store) -> set[ox.NamedNode]:
    return {
        quad.subject
        for quad in store.quads_for_pattern(None, RDF_TYPE, SKOS["Concept"])
        if isinstance(quad.subject, ox.NamedNode)
    }


def _has(store: ox.Store, s: Term, p: ox.NamedNode, o: Term) -> bool:
    assert not isinstance(s, ox.Literal), s
    return any(True for _ in store.quads_for_pattern(s, p, o))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def _upstream_items() -> Iterator[dict[str, Any]]:
    if not UPSTREAM.is_file():
        pytest.skip(f"upstream copy not found at {UPSTREAM}")
    data = yaml.safe_load(UPSTREAM.read_text(encoding="utf-8"))
    for matrix in data["matrices"]:
        for section in SECTIONS:
            yield from matrix.get(section, [])


# --- the bundled Turtle ------------------------------------------------------------------------


def test_bundle_concepts_have_the_required_shape() -> None:
    store = _bundle()
    concepts = _concepts(store)
    assert concepts, "the bundle has no skos:Concept"
    kinds = set(KINDS.values())
    for concept in concepts:
        labels = _objects(store, concept, SKOS["prefLabel"])
        assert len(labels) == 1, concept
        assert isinstance(labels[0], ox.Literal) and labels[0].language == "en", concept
        definitions = _objects(store, concept, SKOS["definition"])
        assert len(definitions) == 1, concept
        assert isinstance(definitions[0], ox.Literal) and definitions[0].language == "en"
        notations = _objects(store, concept, SKOS["notation"])
        assert len(notations) == 1 and isinstance(notations[0], ox.Literal), concept
        assert concept.value == ATLAS.iri + notations[0].value
        assert _objects(store, concept, SKOS["inScheme"]) == [SCHEME], concept
        concept_kinds = set(_objects(store, concept, RDF_TYPE)) & kinds
        assert len(concept_kinds) == 1, concept
        sources = _objects(store, concept, DCTERMS["source"])
        assert len(sources) == 1 and isinstance(sources[0], ox.NamedNode), concept
        assert sources[0].value.startswith("https://atlas.mitre.org/"), concept


def test_bundle_hierarchy_is_consistent_and_reachable() -> None:
    store = _bundle()
    for concept in _concepts(store):
        parents = _objects(store, concept, SKOS["broader"])
        for parent in parents:
            assert _has(store, parent, SKOS["narrower"], concept)
        for child in _objects(store, concept, SKOS["narrower"]):
            assert _has(store, child, SKOS["broader"], concept)
        is_top = _has(store, concept, SKOS["topConceptOf"], SCHEME)
        assert is_top == (not parents), concept
        assert is_top == _has(store, SCHEME, SKOS["hasTopConcept"], concept), concept


def test_bundle_relations_point_at_the_right_kinds() -> None:
    store = _bundle()
    quads = list(store.quads_for_pattern(None, MOSAIC["achievesTactic"], None))
    assert quads
    for quad in quads:
        assert _has(store, quad.object, RDF_TYPE, MOSAIC["Tactic"]), quad
    # Mitigation -> technique is ATLAS's statement, held in its declared set only.
    assert not list(store.quads_for_pattern(None, MOSAIC["mitigates"], None))
    declared = list(
        bundled_declared("mitre-atlas").quads_for_pattern(None, MOSAIC["mitigates"], None)
    )
    assert len(declared) > 200
    for quad in declared:
        assert _has(store, quad.subject, RDF_TYPE, MOSAIC["Control"]), quad
        assert _has(store, quad.object, RDF_TYPE, MOSAIC["AttackTechnique"]), quad


def test_bundle_case_studies_are_incidents_of_known_techniques() -> None:
    store = _bundle()
    incidents = [
        q.subject
        for q in store.quads_for_pattern(None, RDF_TYPE, MOSAIC["Incident"])
        if isinstance(q.subject, ox.NamedNode)
    ]
    assert len(incidents) == 57
    for incident in incidents:
        assert _objects(store, incident, DCTERMS["isPartOf"]) == [ATLAS["case-studies"]]
        (date,) = _objects(store, incident, DCTERMS["date"])
        assert isinstance(date, ox.Literal)
        assert date.datatype in (XSD["date"], XSD["gYearMonth"], XSD["gYear"])
        involved = [
            c for c in _objects(store, incident, MOSAIC["involves"]) if isinstance(c, ox.NamedNode)
        ]
        kinds = {k for c in involved for k in _objects(store, c, RDF_TYPE)}
        assert MOSAIC["AttackTechnique"] in kinds, incident
        assert _objects(store, incident, DCTERMS["description"]), incident
    assert not _has(store, incidents[0], RDF_TYPE, SKOS["Concept"])


def test_bundle_scheme_metadata() -> None:
    store = _bundle()
    assert _objects(store, SCHEME, DCTERMS["title"]) == [ox.Literal("MITRE ATLAS", language="en")]
    assert _objects(store, SCHEME, DCTERMS["publisher"]) == [ox.Literal("The MITRE Corporation")]
    assert _objects(store, SCHEME, DCTERMS["license"]) == [mitre_atlas.LICENSE]
    assert _objects(store, SCHEME, DCTERMS["source"]) == [ox.NamedNode("https://atlas.mitre.org/")]
    versions = _objects(store, SCHEME, OWL["versionInfo"])
    assert len(versions) == 1 and isinstance(versions[0], ox.Literal)
    assert re.fullmatch(r"\d+\.\d+\.\d+", versions[0].value)
    initiative = ox.NamedNode("https://w3id.org/mosaic/initiative/mitre-atlas")
    assert _objects(store, SCHEME, MOSAIC["initiative"]) == [initiative]
    issued = _objects(store, SCHEME, DCTERMS["issued"])
    assert len(issued) == 1 and isinstance(issued[0], ox.Literal)
    assert issued[0].datatype == XSD["date"]


def test_definitions_file_covers_the_bundle_and_is_short() -> None:
    definitions = mitre_atlas.load_definitions()
    store = _bundle()
    notations = {
        n.value
        for c in _concepts(store)
        for n in _objects(store, c, SKOS["notation"])
        if isinstance(n, ox.Literal)
    }
    incidents = {
        n.value
        for q in store.quads_for_pattern(None, RDF_TYPE, MOSAIC["Incident"])
        if isinstance(q.subject, ox.NamedNode)
        for n in _objects(store, q.subject, DCTERMS["identifier"])
        if isinstance(n, ox.Literal)
    }
    assert set(definitions) == notations | incidents
    for ident, text in definitions.items():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
        assert 1 <= len(sentences) <= 3, ident


# --- the real upstream -------------------------------------------------------------------------


@pytest.mark.upstream
def test_every_upstream_item_is_bundled_with_its_name() -> None:
    store = _bundle()
    items = list(_upstream_items())
    assert items
    for item in items:
        concept = ATLAS[str(item["id"])]
        labels = _objects(store, concept, SKOS["prefLabel"])
        assert labels == [ox.Literal(str(item["name"]).strip(), language="en")], item["id"]


@pytest.mark.upstream
def test_upstream_converts_cleanly_to_the_bundled_concepts() -> None:
    if not UPSTREAM.is_file():
        pytest.skip(f"upstream copy not found at {UPSTREAM}")
    result = mitre_atlas.convert(str(UPSTREAM_DIR))
    assert result.issues == []
    assert result.warnings == []
    assert _concepts(_store(result.triples)) == _concepts(_bundle())


@pytest.mark.upstream
def test_bundled_definitions_are_not_copied_from_upstream() -> None:
    definitions = mitre_atlas.load_definitions()
    for item in _upstream_items():
        ident = str(item["id"])
        upstream_text = str(item.get("description", ""))
        for use in item.get("techniques", []) if isinstance(item.get("techniques"), list) else []:
            if isinstance(use, dict):
                upstream_text += " " + str(use.get("use", ""))
        shared = _runs(_words(definitions[ident]), 8) & _runs(_words(upstream_text), 8)
        assert not shared, (ident, [" ".join(run) for run in shared])


@pytest.mark.upstream
def test_main_regenerates_the_bundle_byte_for_byte(tmp_path: Path) -> None:
    if not UPSTREAM.is_file():
        pytest.skip(f"upstream copy not found at {UPSTREAM}")
    output = tmp_path / "atlas.ttl"
    assert build.main(["atlas", str(UPSTREAM), "-o", str(output)]) == 0
    assert output.read_bytes() == mitre_atlas.BUNDLE_PATH.read_bytes()


# --- the hand-written fixture ------------------------------------------------------------------


def test_fixture_reports_the_record_without_a_name() -> None:
    result = mitre_atlas.convert(str(FIXTURE_DIR))
    source = str(FIXTURE)
    assert result.source == source
    assert result.issues == [
        LoadIssue(source, 45, None, "technique AML.T9001 has no name", stage="convert")
    ]
    assert result.warnings == [
        LoadIssue(source, 53, None, "AML.T9002 refers to unknown tactic AML.TA9999", "convert"),
        LoadIssue(source, 67, None, "AML.M9000 refers to unknown technique AML.T9404", "convert"),
    ]


def test_fixture_triples() -> None:
    store = _store(mitre_atlas.convert(str(FIXTURE)).triples)
    tactic, parent, child, knock = (
        ATLAS["AML.TA9001"],
        ATLAS["AML.T9000"],
        ATLAS["AML.T9000.000"],
        ATLAS["AML.T9002"],
    )
    assert {c.value.rsplit("/", 1)[1] for c in _concepts(store)} == {
        "AML.TA9001",
        "AML.TA9002",
        "AML.T9000",
        "AML.T9000.000",
        "AML.T9002",
        "AML.M9000",
    }
    assert _has(store, tactic, RDF_TYPE, MOSAIC["Tactic"])
    assert _has(store, parent, RDF_TYPE, MOSAIC["AttackTechnique"])
    assert _has(store, ATLAS["AML.M9000"], RDF_TYPE, MOSAIC["Control"])
    assert _has(store, child, SKOS["broader"], parent)
    assert _has(store, parent, SKOS["narrower"], child)
    assert _has(store, parent, SKOS["topConceptOf"], SCHEME)
    assert not _has(store, child, SKOS["topConceptOf"], SCHEME)
    assert _has(store, SCHEME, SKOS["hasTopConcept"], ATLAS["AML.M9000"])
    assert _has(store, parent, MOSAIC["achievesTactic"], tactic)
    assert _objects(store, knock, MOSAIC["achievesTactic"]) == [ATLAS["AML.TA9002"]]
    assert _objects(store, ATLAS["AML.M9000"], MOSAIC["mitigates"]) == []
    assert mitigations(mitre_atlas.convert(str(FIXTURE))) == {
        (ATLAS["AML.M9000"].value, knock.value)
    }
    assert _objects(store, parent, MOSAIC["maturity"]) == [ox.Literal("feasible")]
    assert _objects(store, parent, DCTERMS["created"]) == [
        ox.Literal("2020-05-06", datatype=XSD["date"])
    ]
    assert _objects(store, knock, MOSAIC["externalReference"]) == [
        ox.NamedNode("https://attack.mitre.org/techniques/T1078/")
    ]
    assert _objects(store, child, DCTERMS["source"]) == [
        ox.NamedNode("https://atlas.mitre.org/techniques/AML.T9000.000")
    ]
    assert _objects(store, SCHEME, OWL["versionInfo"]) == [ox.Literal("9.9.9")]
    assert _objects(store, child, SKOS["definition"]) == [
        ox.Literal("The attacker reads preprints by the victim's staff.", language="en")
    ]


def test_fixture_with_our_definitions_uses_them_and_reports_gaps() -> None:
    ours = {"AML.TA9001": "Our own words.", "AML.XX0000": "An id the file does not have."}
    result = mitre_atlas.convert(str(FIXTURE), definitions=ours)
    store = _store(result.triples)
    assert _objects(store, ATLAS["AML.TA9001"], SKOS["definition"]) == [
        ox.Literal("Our own words.", language="en")
    ]
    assert _objects(store, ATLAS["AML.TA9002"], SKOS["definition"]) == []
    messages = [issue.message for issue in result.issues]
    assert "no definition for AML.TA9002 in the definitions file" in messages
    assert "no definition for AML.TA9001 in the definitions file" not in messages
    assert any("unknown id AML.XX0000" in w.message for w in result.warnings)


def test_release_date_comes_from_the_changelog_when_present(tmp_path: Path) -> None:
    plain = _store(mitre_atlas.convert(str(FIXTURE)).triples)
    assert _objects(plain, SCHEME, DCTERMS["issued"]) == []
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "ATLAS.yaml").write_text(FIXTURE.read_text("utf-8"), "utf-8")
    (tmp_path / "CHANGELOG.md").write_text(
        "## [10.0.0]() (2025-01-01)\n\ntext\n\n## [9.9.9]() (2024-02-03)\n", "utf-8"
    )
    store = _store(mitre_atlas.convert(str(tmp_path)).triples)
    assert _objects(store, SCHEME, DCTERMS["issued"]) == [
        ox.Literal("2024-02-03", datatype=XSD["date"])
    ]


def test_resolve_source_accepts_file_repository_and_dist_folder() -> None:
    assert mitre_atlas.resolve_source(FIXTURE) == FIXTURE
    assert mitre_atlas.resolve_source(FIXTURE_DIR) == FIXTURE
    assert mitre_atlas.resolve_source(FIXTURE_DIR / "dist") == FIXTURE


def test_missing_file_is_an_issue(tmp_path: Path) -> None:
    result = mitre_atlas.convert(str(tmp_path / "nothing.yaml"))
    assert result.triples == []
    assert len(result.issues) == 1
    assert result.issues[0].message.startswith("cannot read the ATLAS file")


def test_invalid_yaml_is_an_issue_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "ATLAS.yaml"
    broken.write_text("id: ATLAS\nmatrices:\n- id: [unclosed\n", encoding="utf-8")
    result = mitre_atlas.convert(str(broken))
    assert result.triples == []
    assert len(result.issues) == 1
    assert result.issues[0].line is not None and result.issues[0].line >= 3
    assert result.issues[0].message.startswith("invalid YAML")


def test_duplicate_and_unusable_ids_are_issues(tmp_path: Path) -> None:
    text = (
        "version: 1\nmatrices:\n- tactics:\n"
        "  - id: AML.TA1\n    name: One\n"
        "  - id: AML.TA1\n    name: Again\n"
        "  - id: bad id\n    name: Spaces\n"
        "  - name: Nameless id\n"
    )
    path = tmp_path / "ATLAS.yaml"
    path.write_text(text, encoding="utf-8")
    result = mitre_atlas.convert(str(path))
    assert [(i.line, i.message) for i in result.issues] == [
        (6, "duplicate id AML.TA1 (first seen on line 4)"),
        (8, "tactic id 'bad id' is not usable in an IRI"),
        (10, "tactic 4 ('Nameless id') has no id"),
    ]


def test_build_refuses_to_write_when_there_are_issues(tmp_path: Path) -> None:
    output = tmp_path / "out.ttl"
    assert build.main(["atlas", str(FIXTURE_DIR), "-o", str(output)]) == 1
    assert not output.exists()


def test_malformed_fields_are_warnings_and_are_dropped(tmp_path: Path) -> None:
    text = (
        "matrices:\n- tactics:\n"
        "  - id: AML.TA1\n    name: One\n"
        "  techniques:\n"
        "  - id: AML.T1\n    name: Odd\n    tactics: AML.TA1\n"
        "    created_date: someday\n"
        "    ATT&CK-reference:\n      url: not a url\n"
        "  - id: AML.T2\n    name: Orphan\n    description: Child of nothing.\n"
        "    subtechnique-of: AML.T404\n    tactics:\n    - {use: no id here}\n"
        "  - id: AML.T3\n    name: Nested\n    subtechnique-of: [AML.T1]\n"
        "  mitigations:\n  - id: AML.M1\n    name: Helps\n    techniques: AML.T1\n"
        "  - just a string\n"
    )
    path = tmp_path / "ATLAS.yaml"
    path.write_text(text, encoding="utf-8")
    result = mitre_atlas.convert(str(path))
    assert [(i.line, i.message) for i in result.issues] == [(25, "mitigation 2 is not a mapping")]
    assert [(w.line, w.message) for w in result.warnings] == [
        (None, "the ATLAS file has no version"),
        (3, "AML.TA1 has no description"),
        (6, "AML.T1 has no description"),
        (6, "AML.T1: created_date 'someday' is not a date"),
        (6, "AML.T1: reference 'not a url' is not a web address"),
        (6, "AML.T1: 'tactics' is not a list"),
        (12, "AML.T2: an entry of 'tactics' has no id"),
        (12, "AML.T2 refers to unknown technique AML.T404"),
        (18, "AML.T3 has no description"),
        (18, "AML.T3: 'subtechnique-of' is not an id"),
        (18, "technique AML.T3 has neither tactics nor a parent"),
        (22, "AML.M1 has no description"),
        (22, "AML.M1: 'techniques' is not a list"),
    ]
    store = _store(result.triples)
    for orphan in ("AML.T1", "AML.T2", "AML.T3"):
        assert _has(store, ATLAS[orphan], SKOS["topConceptOf"], SCHEME), orphan
    assert _objects(store, ATLAS["AML.T1"], DCTERMS["created"]) == []
    assert _objects(store, ATLAS["AML.T1"], MOSAIC["externalReference"]) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a list\n", "the ATLAS file is not a YAML mapping"),
        ("version: 1\n", "no 'matrices' list in the ATLAS file"),
        ("matrices:\n- just text\n", "matrix 0 is not a mapping"),
        ("matrices:\n- tactics: {id: AML.TA1}\n", "'tactics' of matrix 0 is not a list"),
    ],
)
def test_file_level_problems_are_issues(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ATLAS.yaml"
    path.write_text(text, encoding="utf-8")
    result = mitre_atlas.convert(str(path))
    assert [issue.message for issue in result.issues] == [message]


def test_bad_definitions_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "definitions.yaml"
    path.write_text("- not a mapping\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected a mapping"):
        mitre_atlas.load_definitions(path)
    path.write_text("AML.T0000: ''\n", encoding="utf-8")
    with pytest.raises(ValueError, match="non-empty definition"):
        mitre_atlas.load_definitions(path)
