from __future__ import annotations

import pyoxigraph as ox

from mosaic.curation.sssom import mapping_set_id_from_name, parse_sssom
from mosaic.rdf.identifiers import load_converter
from mosaic.rdf.terms import term_text
from mosaic.rdf.vocab import SSSOM
from tests.conftest import DATA

BASE = "https://w3id.org/mosaic/"
CONVERTER = load_converter(DATA / "ontology" / "prefixes.json")


def test_mapping_becomes_skos_triple_and_sssom_record() -> None:
    result = parse_sssom(
        (DATA / "sssom/good.sssom.tsv").read_bytes(),
        set_id="ab",
        base_iri=BASE,
        converter=CONVERTER,
    )
    assert result.issues == []
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in result.triples)
    assert store.query(
        "ASK { <https://w3id.org/mosaic/id/alpha/A1> <http://www.w3.org/2004/02/skos/core#exactMatch> <https://w3id.org/mosaic/id/beta/B7> }"
    )
    confidences = [
        term_text(q.object) for q in store.quads_for_pattern(None, SSSOM["confidence"], None)
    ]
    assert confidences == ["0.9"]
    dates = [
        term_text(q.object) for q in store.quads_for_pattern(None, SSSOM["mapping_date"], None)
    ]
    assert dates == ["2026-11-01"]


def test_bad_rows_are_all_reported_with_file_lines() -> None:
    result = parse_sssom(
        (DATA / "sssom/bad-rows.sssom.tsv").read_bytes(),
        set_id="bad",
        base_iri=BASE,
        converter=CONVERTER,
        source="bad.tsv",
    )
    assert [(i.line, i.source) for i in result.issues] == [(8, "bad.tsv"), (9, "bad.tsv")]
    assert "confidence" in result.issues[0].message


def test_mapping_set_id_from_file_name() -> None:
    assert mapping_set_id_from_name("x/LLM-Atlas.sssom.tsv") == "llm-atlas"
