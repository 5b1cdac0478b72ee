"""``/initiatives/{id}/scorecard`` and ``/badge.svg``: figures read back against the fixture.

The store holds the test bundle, beta replaced by ``tests/data/scorecard/beta.ttl`` (one more
concept, B8, whose label clashes with al:A1.1) and alpha's declared set
``alpha-declared.sssom.tsv``. Each expected figure is computed here from those files (and the
actions the test takes), never copied from an answer.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.dataset.load import SourceFile, load_into_initiative, load_mapping_set
from mosaic.rdf.updates import graph_block, insert_data
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA

FIXTURE = DATA / "scorecard"
BUNDLE = DATA / "bundle"
PROBLEM = "application/problem+json"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SOURCE = "http://purl.org/dc/terms/source"
PREFIXES = {
    "al:": "https://w3id.org/mosaic/id/alpha/",
    "be:": "https://w3id.org/mosaic/id/beta/",
}


def concepts_of(path: Path) -> dict[str, set[str]]:
    """Each concept of a Turtle file with the predicates it has."""
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    concepts = {
        t.subject.value
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value == SKOS + "Concept"
    }
    held: dict[str, set[str]] = {c: set() for c in concepts}
    for t in triples:
        if t.subject.value in held:
            held[t.subject.value].add(t.predicate.value)
    return held


def sssom_rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t"))


def iri(curie: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if curie.startswith(prefix):
            return namespace + curie.removeprefix(prefix)
    return curie


@pytest.fixture
def tokens(tokens_file: Path) -> dict[str, str]:
    return {
        "alpha": add_token(tokens_file, "Ada Alpha", "maintainer", ["alpha"]),
        "beta": add_token(tokens_file, "Bea Beta", "maintainer", ["beta"]),
        "admin": add_token(tokens_file, "Root", "admin", []),
    }


@pytest.fixture
def api(settings: Settings, store: GraphStore, tokens_file: Path) -> Iterator[TestClient]:
    """The app over the scorecard fixture (beta with B8, alpha's declared set)."""
    source = SourceFile((FIXTURE / "beta.ttl").read_bytes(), "beta.ttl", "turtle")
    load_into_initiative(store, settings, "beta", [source])
    declared = FIXTURE / "alpha-declared.sssom.tsv"
    load_mapping_set(
        store, settings, "alpha-declared", SourceFile(declared.read_bytes(), declared.name, "sssom")
    )
    configured = settings.with_overrides(tokens_file=tokens_file)
    with TestClient(create_app(configured, store=store)) as client:
        yield client


def card(api: TestClient, initiative: str = "alpha") -> dict[str, Any]:
    response = api.get(f"/initiatives/{initiative}/scorecard")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_documentation_and_findings_follow_the_fixture(api: TestClient) -> None:
    alpha = concepts_of(BUNDLE / "alpha" / "alpha.ttl")
    body = card(api)
    assert body["concepts"] == len(alpha)
    documentation = body["documentation"]
    undefined = sorted(c for c, p in alpha.items() if SKOS + "definition" not in p)
    unsourced = sorted(c for c, p in alpha.items() if SOURCE not in p)
    assert [iri(r["concept"]) for r in documentation["lacking_definition"]] == undefined
    assert [iri(r["concept"]) for r in documentation["lacking_source"]] == unsourced
    assert documentation["without_definition"] == len(undefined)
    assert documentation["without_source"] == len(unsourced)
    # The findings are the initiative's validation report, counted by rule.
    report = api.get("/validation", params={"initiative": "alpha"}).json()["results"]
    expected = Counter((r["severity"], r["rule"], r["source_shape"]) for r in report)
    findings = body["findings"]
    got = Counter({(r["severity"], r["rule"], r["shape"]): r["count"] for r in findings["by_rule"]})
    assert got == expected
    assert findings["violations"] == sum(1 for r in report if r["severity"] == "Violation")
    assert findings["infos"] == sum(1 for r in report if r["severity"] == "Info")
    assert all(r["constraint"].startswith("sh:") for r in findings["by_rule"])


def test_coverage_splits_the_mappings_by_where_they_stand(
    api: TestClient, tokens: dict[str, str]
) -> None:
    curated = sssom_rows(BUNDLE / "mappings" / "alpha-beta.sssom.tsv")
    declared = sssom_rows(FIXTURE / "alpha-declared.sssom.tsv")
    beta = concepts_of(FIXTURE / "beta.ttl")
    alpha = concepts_of(BUNDLE / "alpha" / "alpha.ttl")
    # A proposal between an alpha concept no file maps and a beta concept.
    unmapped = sorted(
        c for c in alpha if c not in {iri(r["subject_id"]) for r in [*curated, *declared]}
    )
    proposed = api.post(
        "/mappings",
        json={
            "subject": unmapped[0],
            "object": sorted(beta)[-1],
            "action": "propose",
            "predicate": "skos:relatedMatch",
        },
        headers={"authorization": f"Bearer {tokens['admin']}"},
    )
    assert proposed.status_code in (200, 201), proposed.text
    # Alpha endorses the first curated mapping: endorsed by one side.
    first = curated[0]
    endorsed = api.post(
        "/crosswalks/alpha/beta/endorsements",
        json={"subject": first["subject_id"], "object": first["object_id"], "action": "endorse"},
        headers={"authorization": f"Bearer {tokens['alpha']}"},
    )
    assert endorsed.status_code == 200, endorsed.text
    (row,) = card(api)["coverage"]
    assert row["initiative"] == "beta"
    assert row["concepts"] == len(beta)
    reached = {iri(r["object_id"]) for r in [*curated, *declared]}
    assert row["reached"] == len(reached)
    assert row["share"] == pytest.approx(len(reached) / len(beta), abs=1e-4)
    assert row["mapped_own"] == len({iri(r["subject_id"]) for r in [*curated, *declared]})
    assert row["mappings"] == len(curated) + len(declared) + 1
    assert row["split"] == {
        "agreed": 0,
        "endorsed": 1,
        "declared": len(declared),
        "declared_by_other": 0,
        "curated": len(curated) - 1,
        "proposed": 1,
        "disputed": 0,
    }
    # Beta sees the same mappings from its side: alpha's declared set is declared by the other.
    (mirror,) = card(api, "beta")["coverage"]
    assert mirror["split"]["declared_by_other"] == len(declared)
    assert mirror["reached"] == row["mapped_own"]
    # Beta endorses too: agreed.
    api.post(
        "/crosswalks/alpha/beta/endorsements",
        json={"subject": first["subject_id"], "object": first["object_id"], "action": "endorse"},
        headers={"authorization": f"Bearer {tokens['beta']}"},
    )
    split = card(api)["coverage"][0]["split"]
    assert (split["agreed"], split["endorsed"]) == (1, 0)


def test_conflicts_are_those_naming_a_concept_of_the_initiative(api: TestClient) -> None:
    alpha = set(concepts_of(BUNDLE / "alpha" / "alpha.ttl"))
    everything = api.get("/analysis/conflicts").json()["items"]
    mine = [c for c in everything if alpha & set(c["concepts"])]
    assert mine, "the fixture's B8 clashes with al:A1.1"
    conflicts = card(api)["conflicts"]
    assert conflicts["items"] == mine
    assert conflicts["total"] == len(mine)
    assert conflicts["by_kind"] == dict(Counter(c["kind"] for c in mine))


def test_one_edition_flags_nothing_and_has_no_previous_figures(api: TestClient) -> None:
    body = card(api)
    assert body["needs_rereview"]["count"] == 0
    assert body["needs_rereview"]["recorded"] is True
    assert body["needs_rereview"]["mappings"] == []
    assert body["previous_edition"] is None
    assert body["previous_edition_note"] == "edition tracking not yet recorded"


def test_unknown_initiative_is_a_404_problem(api: TestClient) -> None:
    for path in ("/initiatives/nowhere/scorecard", "/initiatives/nowhere/badge.svg"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM)
        assert "nowhere" in response.json()["detail"]
    malformed = api.get("/initiatives/Not_An_Id/scorecard")
    assert malformed.status_code in (400, 422)
    assert malformed.headers["content-type"].startswith(PROBLEM)


def test_a_write_invalidates_the_cached_scorecard(api: TestClient, tokens: dict[str, str]) -> None:
    before = card(api)
    scorecards = api.app.state.scorecards  # type: ignore[attr-defined]
    builds = scorecards.cache.builds
    assert card(api) == before
    assert scorecards.cache.builds == builds, "a second read is served from the cache"
    # Give al:A2 a definition and a source: the upload is a write, the scorecard follows it.
    text = (BUNDLE / "alpha" / "alpha.ttl").read_text()
    text = text.replace(
        'skos:prefLabel "Model theft"@en ;',
        'skos:prefLabel "Model theft"@en ;\n'
        '    skos:definition "Copying a trained model without leave."@en ;\n'
        "    dcterms:source <https://example.org/alpha/A2> ;",
    )
    put = api.put(
        "/initiatives/alpha/graph",
        content=text.encode(),
        headers={"authorization": f"Bearer {tokens['admin']}", "content-type": "text/turtle"},
    )
    assert put.status_code == 200, put.text
    after = card(api)
    assert scorecards.cache.builds == builds + 1
    assert after["documentation"]["without_definition"] == (
        before["documentation"]["without_definition"] - 1
    )
    assert after["documentation"]["without_source"] == (
        before["documentation"]["without_source"] - 1
    )


def test_badge_is_svg_cacheable_and_escaped(api: TestClient) -> None:
    body = card(api)
    response = api.get("/initiatives/alpha/badge.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert "max-age" in response.headers["cache-control"]
    etag = response.headers["etag"]
    svg = ElementTree.fromstring(response.content)  # noqa: S314 - our own output
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    violations = body["findings"]["violations"]
    share = round(body["mapped_share"] * 100)
    assert texts[0] == "MOSAIC"
    assert texts[1] == f"{violations} violation{'s' if violations != 1 else ''} · {share}% mapped"
    again = api.get("/initiatives/alpha/badge.svg", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    hostile = '<script>alert("x")</script> & co'
    labelled = api.get("/initiatives/alpha/badge.svg", params={"label": hostile})
    # Well-formed: the label did not break out of its text node.
    parsed = ElementTree.fromstring(labelled.content)  # noqa: S314 - our own output
    assert next(t.text for t in parsed.iter("{http://www.w3.org/2000/svg}text")) == hostile
    assert not list(parsed.iter("script")) and b"<script" not in labelled.content
    assert labelled.headers["etag"] != etag


def test_previous_edition_comes_from_the_registry_link(api: TestClient, store: GraphStore) -> None:
    """When the registry says beta replaces alpha, beta's card carries alpha's figures."""
    alpha = card(api)
    base = store.names.base
    link = ox.Triple(
        ox.NamedNode(f"{base}initiative/beta"),
        ox.NamedNode("http://purl.org/dc/terms/replaces"),
        ox.NamedNode(f"{base}initiative/alpha"),
    )
    store.update(insert_data([graph_block(store.names.registry, [link])]))
    beta = card(api, "beta")
    assert beta["previous_edition_note"] is None
    assert beta["previous_edition"] == {
        "edition": "alpha",
        "how": "registry",
        "concepts": alpha["concepts"],
        "violations": alpha["findings"]["violations"],
        "warnings": alpha["findings"]["warnings"],
        "without_definition": alpha["documentation"]["without_definition"],
        "without_source": alpha["documentation"]["without_source"],
        "mapped_share": alpha["mapped_share"],
        "conflicts": alpha["conflicts"]["total"],
    }
    assert card(api)["previous_edition"] is None, "the older edition has no previous one"


def test_an_initiative_with_no_mapping_is_listed_with_nothing_reached(
    api: TestClient, tokens: dict[str, str]
) -> None:
    gamma = (
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/mosaic/id/gamma/scheme> a skos:ConceptScheme .\n"
        "<https://w3id.org/mosaic/id/gamma/G1> a skos:Concept ;\n"
        "    skos:inScheme <https://w3id.org/mosaic/id/gamma/scheme> ;\n"
        "    skos:topConceptOf <https://w3id.org/mosaic/id/gamma/scheme> ;\n"
        '    skos:prefLabel "Gamma one"@en ; skos:definition "A concept nobody maps."@en .\n'
    )
    put = api.put(
        "/initiatives/gamma/graph",
        content=gamma.encode(),
        headers={"authorization": f"Bearer {tokens['admin']}", "content-type": "text/turtle"},
    )
    assert put.status_code in (200, 201), put.text
    rows = {row["initiative"]: row for row in card(api)["coverage"]}
    assert set(rows) == {"beta", "gamma"}
    assert rows["gamma"]["concepts"] == 1
    assert (rows["gamma"]["reached"], rows["gamma"]["share"], rows["gamma"]["mappings"]) == (
        0,
        0,
        0,
    )
    assert set(rows["gamma"]["split"].values()) == {0}
    assert card(api, "gamma")["mapped_concepts"] == 0
