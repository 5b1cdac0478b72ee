from __future__ import annotations

import pytest

from mosaic.errors import (
    LoadError,
    ParameterError,
    RdfSyntaxError,
    UnsafeInputError,
    UnsupportedMediaTypeError,
)
from mosaic.rdf.io import parse_rdf, sparql_error_position, syntax_for_media_type, syntax_for_name
from tests.conftest import DATA

RDF = DATA / "rdf"


def test_turtle_syntax_error_keeps_line_and_column() -> None:
    with pytest.raises(RdfSyntaxError) as info:
        parse_rdf(
            (RDF / "bad-syntax-line3.ttl").read_bytes(),
            syntax_for_name("turtle"),
            source="x.ttl",
            base_iri="https://example.org/",
        )
    assert (info.value.line, info.value.column) == (3, 21)
    assert info.value.source == "x.ttl"
    assert info.value.format == "text/turtle"


def test_ntriples_reports_every_bad_line() -> None:
    with pytest.raises(LoadError) as info:
        parse_rdf(
            (RDF / "bad-lines-2-and-4.nt").read_bytes(), syntax_for_name("ntriples"), source="f.nt"
        )
    assert [issue.line for issue in info.value.issues] == [2, 4]
    assert all(issue.source == "f.nt" for issue in info.value.issues)
    assert not info.value.issues[0].message.startswith("Parser error at line 1")


def test_xml_entity_declarations_are_refused_before_parsing() -> None:
    with pytest.raises(UnsafeInputError) as info:
        parse_rdf((RDF / "entity-bomb.rdf").read_bytes(), syntax_for_name("rdfxml"), source="b.rdf")
    assert "entity" in info.value.detail
    assert info.value.line == 3


def test_external_dtd_is_refused() -> None:
    with pytest.raises(UnsafeInputError, match="external DTD"):
        parse_rdf((RDF / "external-dtd.rdf").read_bytes(), syntax_for_name("rdfxml"))


def test_malformed_xml_is_a_syntax_error_with_line() -> None:
    with pytest.raises(RdfSyntaxError) as info:
        parse_rdf(b"<?xml version='1.0'?>\n<rdf:RDF>\n<oops></rdf:RDF>", syntax_for_name("rdfxml"))
    assert info.value.line == 3


def test_remote_jsonld_context_is_refused() -> None:
    with pytest.raises(UnsafeInputError, match="remote JSON-LD"):
        parse_rdf((RDF / "remote-context.jsonld").read_bytes(), syntax_for_name("jsonld"))


def test_nested_remote_jsonld_context_is_refused() -> None:
    data = b'{"@context": {"x": "http://x/"}, "@graph": [{"@context": ["http://127.0.0.1:9/c"]}]}'
    with pytest.raises(UnsafeInputError):
        parse_rdf(data, syntax_for_name("jsonld"))


@pytest.mark.parametrize(
    ("name", "count"),
    [("good.rdf", 5), ("good.jsonld", 4), ("good.trig", 4), ("good.nq", 4), ("good.nt", 4)],
)
def test_good_documents_parse(name: str, count: int) -> None:
    path = RDF / name
    syntax = {
        ".rdf": "rdfxml",
        ".jsonld": "jsonld",
        ".trig": "trig",
        ".nq": "nquads",
        ".nt": "ntriples",
    }
    quads = parse_rdf(path.read_bytes(), syntax_for_name(syntax[path.suffix]))
    assert len(quads) == count


def test_sparql_position_is_read_from_pyoxigraph_message() -> None:
    # pyoxigraph 0.5 gives the position only in the text; an upgrade that changes it fails here.
    import pyoxigraph as ox

    with pytest.raises(SyntaxError) as info:
        ox.Store().query("SELECT * WHERE {\n ?s ?p }")
    assert info.value.lineno is None
    assert sparql_error_position(str(info.value)) == (2, 9)


def test_unknown_format_name_and_media_type() -> None:
    with pytest.raises(ParameterError):
        syntax_for_name("yaml")
    with pytest.raises(UnsupportedMediaTypeError):
        syntax_for_media_type("application/pdf")
    assert syntax_for_media_type("text/turtle; charset=utf-8").name == "turtle"
