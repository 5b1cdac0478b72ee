from __future__ import annotations

import pyoxigraph as ox

from mosaic.dataset.glossary import local_id, parse_csv_glossary
from mosaic.rdf.terms import term_text
from mosaic.rdf.vocab import SKOS
from tests.conftest import DATA

BASE = "https://w3id.org/mosaic/"


def test_good_glossary_becomes_skos() -> None:
    result = parse_csv_glossary(
        (DATA / "csv/good.csv").read_bytes(), initiative_id="gamma", base_iri=BASE
    )
    assert result.issues == []
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in result.triples)
    child = ox.NamedNode(BASE + "id/gamma/T1.1")
    parent = ox.NamedNode(BASE + "id/gamma/T1")
    assert ox.Quad(child, SKOS["broader"], parent) in store
    assert ox.Quad(parent, SKOS["narrower"], child) in store
    alt = {term_text(q.object) for q in store.quads_for_pattern(parent, SKOS["altLabel"], None)}
    assert alt == {"poisoning", "training data poisoning"}


def test_every_bad_row_is_reported_with_its_line() -> None:
    result = parse_csv_glossary(
        (DATA / "csv/bad-rows.csv").read_bytes(),
        initiative_id="gamma",
        base_iri=BASE,
        source="bad.csv",
    )
    found = [(i.line, i.message.split(" ")[0]) for i in result.issues]
    assert found == [
        (3, "empty"),
        (4, "unknown"),
        (5, "duplicate"),
        (6, "source_url"),
        (7, "broader"),
    ]
    assert all(i.source == "bad.csv" for i in result.issues)


def test_bad_header_names_missing_and_unknown_columns() -> None:
    result = parse_csv_glossary(
        (DATA / "csv/bad-header.csv").read_bytes(), initiative_id="g", base_iri=BASE
    )
    assert len(result.issues) == 1
    assert result.issues[0].line == 1
    assert "missing column(s) pref_label" in result.issues[0].message
    assert "unknown column(s) label" in result.issues[0].message


def test_non_utf8_is_an_issue() -> None:
    result = parse_csv_glossary(b"notation,pref_label\nA,\xff\n", initiative_id="g", base_iri=BASE)
    assert "not UTF-8" in result.issues[0].message


def test_local_ids() -> None:
    assert local_id("AML.T0051") == "AML.T0051"
    assert local_id("LLM01:2025") == "llm01-2025"
