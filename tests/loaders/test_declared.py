"""Crosswalks an upstream declares: the converters' declared mappings and their mapping set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.curation.sssom import parse_sssom
from mosaic.dataset.declared import declared_mapping_set, declared_set_id
from mosaic.loaders import avid, cosai_risk_map, owasp_aiexchange, owasp_llm_top10
from mosaic.rdf.identifiers import load_converter
from mosaic.rdf.source import DeclaredMapping, LoadResult
from mosaic.rdf.terms import term_text
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, SEMAPV, SKOS, SSSOM, concept_namespace
from tests.conftest import DATA, require_upstream
from tests.loaders.support import graph, objects

BASE = "https://w3id.org/mosaic/"
REPO = Path(__file__).resolve().parents[2]
AIX = concept_namespace("owasp-aiexchange")
ATLAS = concept_namespace("mitre-atlas")
LLM2025 = concept_namespace("owasp-llm-top10-2025")
LLM2023 = concept_namespace("owasp-llm-top10-2023")
CROSSREFS = DATA / "upstream" / "owasp-ai-exchange-crossrefs"
AUTHOR = ox.NamedNode(f"{BASE}initiative/owasp-aiexchange")


def _records(store: ox.Store) -> list[ox.NamedNode]:
    found = [q.subject for q in store.quads_for_pattern(None, RDF_TYPE, SSSOM["Mapping"])]
    return [s for s in found if isinstance(s, ox.NamedNode)]


def _record_of(store: ox.Store, subject: ox.NamedNode, target: ox.NamedNode) -> str:
    (record,) = [
        term_text(q.subject)
        for q in store.quads_for_pattern(None, OWL["annotatedSource"], subject)
        if any(store.quads_for_pattern(q.subject, OWL["annotatedTarget"], target))
    ]
    return record


def _pairs(result: LoadResult) -> set[tuple[str, str, str]]:
    return {
        (m.subject.value, m.predicate.value.rsplit("#", 1)[-1], m.object.value)
        for m in result.mappings
    }


# --- the AI Exchange's cross-references ------------------------------------------------------


def test_aiexchange_cross_references_become_declared_mappings() -> None:
    result = owasp_aiexchange.convert(str(CROSSREFS))
    assert result.issues == []
    assert _pairs(result) == {
        (AIX["toyguard"].value, "relatedMatch", ATLAS["AML.M0004"].value),
        (AIX["toyguard"].value, "relatedMatch", LLM2025["LLM10"].value),
        (AIX["toyinjection"].value, "relatedMatch", ATLAS["AML.T0051"].value),
        (AIX["toyinjection"].value, "relatedMatch", ATLAS["AML.T0051.000"].value),
        (AIX["toyinjection"].value, "relatedMatch", LLM2023["LLM01"].value),
        (AIX["toyinjection"].value, "relatedMatch", ATLAS["AML.T0054"].value),
    }
    # The vocabulary itself states no cross-initiative link.
    assert not any(t.predicate == SKOS["relatedMatch"] for t in result.triples)
    guard = next(m for m in result.mappings if m.object == ATLAS["AML.M0004"])
    assert guard.object_label == "Restrict Number of AI Model Queries"
    assert guard.source == "https://owaspai.org/go/toyguard/"
    assert guard.comment is not None and "OpenCRE 111-222 (Toy guarding)" in guard.comment


def test_aiexchange_counts_what_it_cannot_link() -> None:
    result = owasp_aiexchange.convert(str(CROSSREFS))
    assert result.skipped_mappings == {
        "OWASP Top 10 for LLM 2026: edition not in MOSAIC": 1,
        "ENISA: no MOSAIC concept to link": 1,
        "MITRE ATLAS: no ATLAS id in the reference": 1,
        # One per standard per bullet; ISO named in prose after the list is not counted.
        "ISO/IEC standards: no MOSAIC concept to link": 2,
        "OpenCRE block of an unknown item": 1,
    }
    messages = [w.message for w in result.warnings]
    assert any("/go/toymissing/, which is not a threat or control" in m for m in messages)
    assert any("OpenCRE block of toyinjection has no end marker" in m for m in messages)


def test_bundle_build_reads_no_crosswalks_only_threat_control_statements() -> None:
    definitions = {"toyguard": "Our words.", "toyinjection": "Our words too."}
    result = owasp_aiexchange.convert(str(CROSSREFS), definitions=definitions)
    assert {m.predicate for m in result.mappings} <= {MOSAIC["mitigates"]}
    assert result.skipped_mappings == {}


# --- the declared-mapping set ----------------------------------------------------------------


def test_declared_set_has_records_authored_by_the_initiative() -> None:
    result = owasp_aiexchange.convert(str(CROSSREFS))
    declared = declared_mapping_set(result, "owasp-aiexchange", BASE)
    assert declared.set_id == declared_set_id("owasp-aiexchange") == "owasp-aiexchange-declared"
    assert declared.mappings == 6
    assert declared.skipped_total == 6
    store = graph(declared.triples)
    records = _records(store)
    assert len(records) == 6
    set_iri = ox.NamedNode(f"{BASE}mapping-set/owasp-aiexchange-declared")
    for record in records:
        assert objects(store, record.value, SSSOM["author_id"]) == [AUTHOR]
        assert objects(store, record.value, SSSOM["mapping_justification"]) == [
            SEMAPV["ManualMappingCuration"]
        ]
        assert objects(store, record.value, DCTERMS["isPartOf"]) == [set_iri]
        (subject,) = objects(store, record.value, OWL["annotatedSource"])
        (predicate,) = objects(store, record.value, OWL["annotatedProperty"])
        (target,) = objects(store, record.value, OWL["annotatedTarget"])
        # The plain SKOS triple sits beside its record.
        assert any(store.quads_for_pattern(subject, predicate, target))
    guard = _record_of(store, AIX["toyguard"], ATLAS["AML.M0004"])
    assert objects(store, guard, SSSOM["subject_label"]) == [ox.Literal("Toy guard")]
    assert objects(store, guard, SSSOM["object_label"]) == [
        ox.Literal("Restrict Number of AI Model Queries")
    ]
    assert objects(store, guard, DCTERMS["source"]) == [
        ox.NamedNode("https://owaspai.org/go/toyguard/")
    ]
    assert objects(store, set_iri.value, RDF_TYPE) == [SSSOM["MappingSet"]]
    assert objects(store, set_iri.value, DCTERMS["creator"]) == [AUTHOR]
    assert objects(store, set_iri.value, DCTERMS["license"]) == [owasp_aiexchange.LICENSE]
    (title,) = objects(store, set_iri.value, DCTERMS["title"])
    assert title.value == "Crosswalks declared by OWASP AI Exchange"


def test_declared_record_has_the_shape_of_an_sssom_record() -> None:
    """A declared mapping and the same mapping read from SSSOM TSV are written alike."""
    subject, target = AIX["toyguard"], ATLAS["AML.M0004"]
    result = LoadResult(
        "x", "test", mappings=[DeclaredMapping(subject, SKOS["closeMatch"], target)]
    )
    declared = graph(declared_mapping_set(result, "owasp-aiexchange", BASE).triples)
    tsv = (
        "# curie_map:\n#   aix: https://w3id.org/mosaic/id/owasp-aiexchange/\n"
        "#   atlas: https://w3id.org/mosaic/id/mitre-atlas/\n"
        "#   initiative: https://w3id.org/mosaic/initiative/\n"
        "# mapping_set_id: https://w3id.org/mosaic/mapping-set/owasp-aiexchange-declared\n"
        "# license: https://creativecommons.org/publicdomain/zero/1.0/\n"
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\tauthor_id\n"
        "aix:toyguard\tskos:closeMatch\tatlas:AML.M0004\tsemapv:ManualMappingCuration\t"
        "initiative:owasp-aiexchange\n"
    )
    converter = load_converter(REPO / "ontology" / "prefixes.json")
    parsed = parse_sssom(
        tsv.encode(), set_id="owasp-aiexchange-declared", base_iri=BASE, converter=converter
    )
    assert parsed.issues == []
    from_tsv = graph(parsed.triples)
    record = _record_of(declared, subject, target)
    assert record == _record_of(from_tsv, subject, target)
    shape = {
        (q.predicate, q.object)
        for q in declared.quads_for_pattern(ox.NamedNode(record), None, None)
    }
    assert shape == {
        (q.predicate, q.object)
        for q in from_tsv.quads_for_pattern(ox.NamedNode(record), None, None)
    }


def test_no_declared_mappings_give_an_empty_set() -> None:
    declared = declared_mapping_set(LoadResult("x", "test"), "avid", BASE)
    assert (declared.triples, declared.mappings, declared.skipped) == ([], 0, {})


# --- the shared upstream copy ----------------------------------------------------------------


@pytest.mark.upstream
def test_upstream_aiexchange_declares_atlas_mappings_from_its_opencre_blocks() -> None:
    upstream = require_upstream() / "owasp-ai-exchange"
    result = owasp_aiexchange.convert(str(upstream))
    assert result.issues == []
    atlas_ids = {term_text(t.subject) for t in _bundled_atlas_concepts()}
    # The crosswalks; the threat -> control statements are tested with the periodic table.
    targets = {m.object.value for m in result.mappings if m.predicate == SKOS["relatedMatch"]}
    assert len(targets) >= 30
    assert targets <= atlas_ids, sorted(targets - atlas_ids)
    monitor = AIX["monitoruse"].value
    assert (monitor, "relatedMatch", ATLAS["AML.M0024"].value) in _pairs(result)
    # Its LLM Top 10 references cite the 2026 edition, which MOSAIC does not have.
    assert result.skipped_mappings["OWASP Top 10 for LLM 2026: edition not in MOSAIC"] >= 5
    assert result.skipped_mappings["ENISA: no MOSAIC concept to link"] >= 10


def _bundled_atlas_concepts() -> list[ox.Triple]:
    """The concepts of the bundled ATLAS vocabulary (``rdf:type skos:Concept`` triples)."""
    path = REPO / "loaders" / "data" / "mitre-atlas" / "mitre-atlas.ttl"
    return [
        ox.Triple(t.subject, t.predicate, t.object)
        for t in ox.parse(path=path)
        if t.predicate == RDF_TYPE and t.object == SKOS["Concept"]
    ]


@pytest.mark.upstream
@pytest.mark.parametrize(
    ("convert", "folder", "predicate", "minimum"),
    [
        (cosai_risk_map.convert, "cosai-risk-map", "relatedMatch", 50),
        (
            lambda path: owasp_llm_top10.convert(path, edition="2025"),
            "owasp-llm-top10/2_0_vulns",
            "relatedMatch",
            10,
        ),
        (avid.convert, "avid", "closeMatch", 3),
    ],
)
def test_upstream_crosswalks_are_declared_not_stated_in_the_vocabulary(
    convert: Callable[[str], LoadResult], folder: str, predicate: str, minimum: int
) -> None:
    upstream = require_upstream() / folder
    result = convert(str(upstream))
    assert result.issues == []
    crosswalks = [m for m in result.mappings if m.predicate != MOSAIC["mitigates"]]
    assert len(crosswalks) >= minimum
    assert {m.predicate for m in crosswalks} == {SKOS[predicate]}
    assert not any(t.predicate in (SKOS[predicate], MOSAIC["mitigates"]) for t in result.triples)
