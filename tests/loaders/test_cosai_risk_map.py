"""Tests of the CoSAI Risk Map converter and of its bundled Turtle file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml

from mosaic.errors import LoadIssue
from mosaic.loaders import build
from mosaic.loaders import cosai_risk_map as cosai
from mosaic.rdf.vocab import DCTERMS, KINDS, MOSAIC, OWL, RDF_TYPE, SKOS
from tests.loaders.support import bundled_declared, mitigations
from tests.loaders.support import concepts as _concepts
from tests.loaders.support import graph as _graph
from tests.loaders.support import objects as _objects
from tests.loaders.support import shared_run as _shared_run

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "loaders" / "data" / "cosai-risk-map" / "cosai-risk-map.ttl"
FIXTURE = REPO / "tests" / "data" / "upstream" / "cosai-risk-map"
FIXTURE_YAML = FIXTURE / "risk-map" / "yaml"
UPSTREAM = Path(__file__).resolve().parents[3] / "shared" / "upstream" / "cosai-risk-map"
NS = cosai.NS.iri


def _bundle() -> ox.Store:
    return _graph(list(ox.parse(path=str(BUNDLE), format=ox.RdfFormat.TURTLE)))


def _flatten(value: object) -> str:
    if isinstance(value, dict):
        return " ".join(_flatten(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_flatten(v) for v in value)
    return "" if value is None else str(value)


def _upstream_records(folder: Path) -> dict[str, dict[str, Any]]:
    """Every item and category of the upstream YAML files, read independently of the loader."""
    records: dict[str, dict[str, Any]] = {}
    lists = {
        "risks": "risks",
        "controls": "controls",
        "components": "components",
        "personas": "personas",
        "lifecycle-stage": "lifecycleStages",
    }
    for name, key in lists.items():
        data = yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8"))
        for category in data.get("categories", []):
            records[category["id"]] = category
            for sub in category.get("subcategory", []):
                records[sub["id"]] = sub
        for item in data[key]:
            records[item["id"]] = item
    return records


# --- the bundled Turtle -----------------------------------------------------------------------


def test_bundle_concepts_are_complete() -> None:
    store = _bundle()
    concepts = _concepts(store)
    assert len(concepts) > 100
    kinds = set(KINDS.values())
    for concept in concepts:
        labels = _objects(store, concept, SKOS["prefLabel"])
        assert len(labels) == 1 and labels[0].language == "en", concept
        definitions = _objects(store, concept, SKOS["definition"])
        assert len(definitions) == 1 and definitions[0].language == "en", concept
        assert definitions[0].value.strip(), concept
        assert len(_objects(store, concept, SKOS["notation"])) == 1, concept
        assert _objects(store, concept, SKOS["inScheme"]) == [cosai.SCHEME], concept
        types = set(_objects(store, concept, RDF_TYPE)) & kinds
        assert len(types) == 1, concept
        sources = _objects(store, concept, DCTERMS["source"])
        assert sources and all(isinstance(s, ox.NamedNode) for s in sources), concept


def test_bundle_scheme_metadata() -> None:
    store = _bundle()
    scheme = cosai.SCHEME.value
    assert _objects(store, scheme, RDF_TYPE) == [SKOS["ConceptScheme"]]
    for predicate in ("title", "publisher", "license", "source"):
        assert _objects(store, scheme, DCTERMS[predicate]), predicate
    assert _objects(store, scheme, OWL["versionInfo"])
    assert _objects(store, scheme, MOSAIC["initiative"]) == [
        ox.NamedNode("https://w3id.org/mosaic/initiative/cosai-risk-map")
    ]
    assert _objects(store, scheme, SKOS["hasTopConcept"])


def test_bundle_hierarchy_is_stated_both_ways_and_has_no_cross_links() -> None:
    store = _bundle()
    for predicate, inverse in ((SKOS["broader"], SKOS["narrower"]), (SKOS["related"],) * 2):
        for quad in store.quads_for_pattern(None, predicate, None):
            assert isinstance(quad.object, ox.NamedNode)
            assert list(store.quads_for_pattern(quad.object, inverse, quad.subject))
    assert not list(store.quads_for_pattern(None, SKOS["relatedMatch"], None))
    # every concept reaches a top concept through skos:broader
    for concept in _concepts(store):
        node = ox.NamedNode(concept)
        for _ in range(5):
            parents = _objects(store, node.value, SKOS["broader"])
            if not parents:
                break
            node = parents[0]
        assert _objects(store, node.value, SKOS["topConceptOf"]) == [cosai.SCHEME], concept


def test_bundle_links_controls_to_risks_in_the_declared_set_only() -> None:
    assert not list(_bundle().quads_for_pattern(None, MOSAIC["mitigates"], None))
    store = bundled_declared("cosai-risk-map")
    mitigated = {q.object for q in store.quads_for_pattern(None, MOSAIC["mitigates"], None)}
    assert ox.NamedNode(NS + "riskDataPoisoning") in mitigated
    assert list(
        store.quads_for_pattern(
            ox.NamedNode(NS + "controlTrainingDataSanitization"),
            MOSAIC["mitigates"],
            ox.NamedNode(NS + "riskDataPoisoning"),
        )
    )


# --- the hand-written fixture -----------------------------------------------------------------


def test_fixture_reports_the_bad_record() -> None:
    result = cosai.convert(str(FIXTURE))
    assert result.issues == [
        LoadIssue(
            str(FIXTURE_YAML / "risks.yaml"),
            35,
            None,
            "riskSpill: unknown control 'controlMissing'",
            stage="convert",
        )
    ]


def test_fixture_concepts_and_links() -> None:
    result = cosai.convert(str(FIXTURE))
    store = _graph(result.triples)
    assert {c.removeprefix(NS) for c in _concepts(store)} == {
        "build",
        "run",
        "personaMaker",
        "personaOldMaker",
        "componentsStuff",
        "componentsInner",
        "componentStore",
        "componentShelf",
        "controlsBasic",
        "controlLock",
        "controlWatch",
        "risksStorageSafety",
        "riskTheft",
        "riskSpill",
    }
    theft = NS + "riskTheft"
    assert (
        _objects(store, theft, SKOS["definition"])[0].value == "Someone takes the model (A Paper)."
    )
    assert _objects(store, theft, SKOS["broader"]) == [ox.NamedNode(NS + "risksStorageSafety")]
    label = _objects(store, NS + "risksStorageSafety", SKOS["prefLabel"])[0].value
    assert label == "Storage Safety Risks"
    assert _objects(store, theft, MOSAIC["lifecycleStage"]) == [ox.NamedNode(NS + "run")]
    assert not list(store.quads_for_pattern(None, MOSAIC["mitigates"], None))
    assert mitigations(result) == {
        (NS + "controlLock", NS + "riskTheft"),
        (NS + "controlLock", NS + "riskSpill"),
        (NS + "controlWatch", theft),
    }
    assert _objects(store, NS + "componentStore", SKOS["broader"]) == [
        ox.NamedNode(NS + "componentsInner")
    ]
    assert _objects(store, NS + "componentsInner", SKOS["broader"]) == [
        ox.NamedNode(NS + "componentsStuff")
    ]
    assert ox.NamedNode(NS + "componentShelf") in _objects(
        store, NS + "componentStore", SKOS["related"]
    )
    assert ox.NamedNode(theft) in _objects(store, NS + "personaMaker", SKOS["related"])
    assert _objects(store, NS + "personaOldMaker", OWL["deprecated"]) == [ox.Literal(True)]
    assert not list(store.quads_for_pattern(None, SKOS["relatedMatch"], None))
    declared = {
        (m.subject.value, m.predicate, m.object.value)
        for m in result.mappings
        if m.predicate != MOSAIC["mitigates"]
    }
    base = "https://w3id.org/mosaic/id/"
    assert declared == {
        (theft, SKOS["relatedMatch"], base + "owasp-llm-top10-2025/LLM02"),
        (NS + "controlLock", SKOS["relatedMatch"], base + "mitre-atlas/AML.M0005"),
        (NS + "controlLock", SKOS["relatedMatch"], base + "nist-ai-rmf/MANAGE-1.1"),
    }


def test_fixture_declared_mappings() -> None:
    assert cosai.declared_mappings(str(FIXTURE)) == [
        ("controlLock", "mitre-atlas", "AML.M0005"),
        ("controlLock", "nist-ai-rmf", "MANAGE-1.1"),
        ("riskTheft", "owasp-llm-top10-2025", "LLM02"),
    ]


def test_with_definitions_uses_ours_and_reports_missing_ones() -> None:
    result = cosai.convert(str(FIXTURE_YAML), definitions={"riskTheft": "Our own words."})
    store = _graph(result.triples)
    assert _objects(store, NS + "riskTheft", SKOS["definition"]) == [
        ox.Literal("Our own words.", language="en")
    ]
    assert not list(store.quads_for_pattern(None, SKOS["relatedMatch"], None))
    missing = {i.message for i in result.issues if i.message.startswith("no definition")}
    assert "no definition for riskSpill" in missing
    assert "no definition for riskTheft" not in missing


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    for name in ("risks", "controls", "components", "personas"):
        (tmp_path / f"{name}.yaml").write_text(
            (FIXTURE_YAML / f"{name}.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    (tmp_path / "personas.yaml").write_text("personas:\n  - id: [unclosed\n", encoding="utf-8")
    result = cosai.convert(str(tmp_path))
    messages = [(i.source, i.line, i.message.split(":")[0]) for i in result.issues]
    assert (str(tmp_path / "lifecycle-stage.yaml"), None, "missing file lifecycle-stage.yaml") in (
        messages
    )
    assert any(s.endswith("personas.yaml") and m == "invalid YAML" for s, _, m in messages)


def test_duplicate_and_bad_ids(tmp_path: Path) -> None:
    for path in FIXTURE_YAML.iterdir():
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    text = (tmp_path / "personas.yaml").read_text(encoding="utf-8")
    text += "  - id: personaMaker\n    title: Again\n    description: [x]\n"
    text += "  - id: 'bad id'\n    title: Bad\n    description: [x]\n"
    (tmp_path / "personas.yaml").write_text(text, encoding="utf-8")
    issues = [(i.line, i.message) for i in cosai.convert(str(tmp_path)).issues]
    assert (14, "duplicate id personaMaker") in issues
    assert (17, "personas[3] id 'bad id' is not a safe identifier") in issues


@pytest.mark.parametrize(
    ("framework", "value", "expected"),
    [
        ("mitre-atlas", "AML.T0020@5.0.1", ("mitre-atlas", "AML.T0020")),
        ("mitre-atlas", "AML.T0010.002@5.0.1", ("mitre-atlas", "AML.T0010.002")),
        ("owasp-top10-llm", "LLM04:2025", ("owasp-llm-top10-2025", "LLM04")),
        ("owasp-top10-llm", "LLM01:2023", ("owasp-llm-top10-2023", "LLM01")),
        ("nist-ai-rmf", "MEASURE-2.3@1.0", ("nist-ai-rmf", "MEASURE-2.3")),
        ("nist-ai-rmf", "measure 2.3", None),
        ("owasp-top10-llm", "LLM04", None),
        ("stride", "Tampering", None),
    ],
)
def test_parse_mapping(framework: str, value: str, expected: tuple[str, str] | None) -> None:
    assert cosai.parse_mapping(framework, value) == expected


def test_category_label() -> None:
    assert cosai.category_label("risksSupplyChainAndDevelopment") == (
        "Supply Chain and Development Risks"
    )


# --- the real upstream ------------------------------------------------------------------------


def _require_upstream() -> Path:
    folder = UPSTREAM / "risk-map" / "yaml"
    if not folder.is_dir():
        pytest.skip("shared/upstream/cosai-risk-map is not available")
    return folder


@pytest.mark.upstream
def test_upstream_ids_and_names_are_in_the_bundle() -> None:
    folder = _require_upstream()
    store = _bundle()
    records = _upstream_records(folder)
    assert len(records) > 100
    for item_id, record in records.items():
        labels = _objects(store, NS + item_id, SKOS["prefLabel"])
        assert [label.value for label in labels] == [" ".join(record["title"].split())], item_id
        assert _objects(store, NS + item_id, SKOS["notation"]) == [ox.Literal(item_id)]


@pytest.mark.upstream
def test_upstream_conversion_matches_the_bundle() -> None:
    _require_upstream()
    result = cosai.convert(str(UPSTREAM))
    assert result.issues == []
    assert _concepts(_graph(result.triples)) == _concepts(_bundle())


@pytest.mark.upstream
def test_regenerating_gives_the_bundled_file(tmp_path: Path) -> None:
    _require_upstream()
    output = tmp_path / "out.ttl"
    assert build.main(["cosai", str(UPSTREAM), "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == BUNDLE.read_text(encoding="utf-8")


@pytest.mark.upstream
def test_bundled_definitions_are_our_own_words() -> None:
    folder = _require_upstream()
    store = _bundle()
    for item_id, record in _upstream_records(folder).items():
        ours = _objects(store, NS + item_id, SKOS["definition"])[0].value
        run = _shared_run(ours, _flatten(record), 8)
        assert run is None, f"{item_id}: {run}"


@pytest.mark.upstream
def test_upstream_declared_mappings() -> None:
    _require_upstream()
    rows = cosai.declared_mappings(str(UPSTREAM))
    assert ("riskDataPoisoning", "mitre-atlas", "AML.T0020") in rows
    assert ("riskDataPoisoning", "owasp-llm-top10-2025", "LLM04") in rows
    assert any(target == "nist-ai-rmf" for _, target, _ in rows)
    assert len(rows) == len(set(rows))
