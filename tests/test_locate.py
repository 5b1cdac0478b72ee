"""Finding where a focus node is described in the file a maintainer uploaded."""

from __future__ import annotations

from mosaic.rdf.locate import subject_positions

EX = "https://example.org/v/"
ATLAS = "https://w3id.org/mosaic/id/mitre-atlas/"


def test_turtle_prefixed_full_and_relative_names_are_found_where_they_are_subjects() -> None:
    text = (
        b"@prefix ex: <https://example.org/v/> .\n"
        b"PREFIX atlas: <https://w3id.org/mosaic/id/mitre-atlas/>\n"
        b"ex:a ex:broader ex:b, atlas:AML.T0051 .\n"
        b"  atlas:AML.T0051.001 ex:p ex:a .\n"
        b"<https://example.org/v/b> ex:p 1 .\n"
        b"    atlas:AML.T0051 ex:p 2 .\n"
        b"<rel> ex:p 3 .\n"
    )
    found = subject_positions(
        text,
        "turtle",
        [f"{EX}a", f"{EX}b", f"{ATLAS}AML.T0051", f"{ATLAS}AML.T0051.001", f"{EX}rel"],
        base=EX,
    )

    assert found == {
        f"{EX}a": (3, 1),
        f"{EX}b": (5, 1),  # mentioned on line 3 as an object first
        f"{ATLAS}AML.T0051": (6, 5),  # not mistaken for AML.T0051.001 on line 4
        f"{ATLAS}AML.T0051.001": (4, 3),
        f"{EX}rel": (7, 1),
    }


def test_an_object_only_mention_is_the_fallback_and_unknown_iris_are_left_out() -> None:
    text = b"@prefix ex: <https://example.org/v/> .\nex:a ex:broader ex:parent .\n"
    found = subject_positions(text, "turtle", [f"{EX}parent", f"{EX}missing", f"{EX}pa"])
    assert found == {f"{EX}parent": (2, 17)}


def test_n_triples_rdf_xml_and_json_ld() -> None:
    nt = b"<https://example.org/v/a> <p:q> <https://example.org/v/b> .\n<https://example.org/v/b> <p:q> 1 .\n"
    assert subject_positions(nt, "ntriples", [f"{EX}b"]) == {f"{EX}b": (2, 1)}

    xml = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        b'  <rdf:Description rdf:about="https://example.org/v/a">\n'
        b'    <x:p xmlns:x="urn:x:" rdf:resource="https://example.org/v/b"/>\n'
        b"  </rdf:Description>\n"
        b'  <rdf:Description rdf:about="https://example.org/v/b"/>\n'
        b"</rdf:RDF>\n"
    )
    assert subject_positions(xml, "rdfxml", [f"{EX}a", f"{EX}b"]) == {
        f"{EX}a": (2, 30),
        f"{EX}b": (5, 30),
    }

    jsonld = b'{"@graph": [\n  {"@id": "https://example.org/v/a",\n   "x:p": "https://example.org/v/a"}\n]}\n'
    assert subject_positions(jsonld, "jsonld", [f"{EX}a"]) == {f"{EX}a": (2, 11)}


def test_formats_without_positions_give_none() -> None:
    assert subject_positions(b"id,label\na,A\n", "csv", [f"{EX}a"]) == {}
    assert subject_positions(b"<https://example.org/v/a> <p:q> 1 .", "ntriples", []) == {}
