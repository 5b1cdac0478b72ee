"""Curated mappings survive SSSOM TSV: export, load into a new store, export again.

Every review status (proposed, accepted, rejected, a confirmed gap to ``sssom:NoTermFound``)
and every field a record holds (authors, reviewers, creators with ids and labels, dates,
confidence, comment, justification, status, IR 8477 relation, predicate modifier, labels and
sources) is checked field by field, on real on-disk stores through the CLI, and the exports
are validated with sssom-py. A negative row (``predicate_modifier: Not``) loads as a negative
record, exactly as a rejection through ``POST /mappings`` is stored: no SKOS triple, no sense.
"""

from __future__ import annotations

import gc
import io
import shutil
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import sssom_pydantic
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.cli import cli
from mosaic.curation.models import MappingFilter
from mosaic.curation.sssom import parse_sssom
from mosaic.curation.workflow import Curation
from mosaic.dataset.seed import ensure_seeded
from mosaic.rdf.identifiers import load_converter
from mosaic.rdf.vocab import SKOS, SSSOM
from mosaic.settings import Settings, get_settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import open_store
from mosaic.store.protocol import GraphStore
from mosaic.terms.index_holder import LabelIndexHolder
from mosaic.terms.resolve import resolve_term
from tests.conftest import DATA
from tests.test_mapping_export import assert_valid_sssom

# sssom-py calls pandas APIs that pandas 3 deprecates; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

BASE = "https://w3id.org/mosaic/"
ALPHA = f"{BASE}id/alpha/"
BETA = f"{BASE}id/beta/"
ORCID = "0000-0002-1825-0097"
NEGATIVE = DATA / "sssom" / "negative.sssom.tsv"
PEOPLE_AND_DATES = DATA / "sssom" / "people-and-dates.sssom.tsv"


def cli_run(
    runner: CliRunner, settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str
) -> str:
    """Run ``mosaic ARGS`` over ``settings``; fail on a non-zero exit. Returns stdout."""
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    gc.collect()  # a store object of the test lets its RocksDB lock go
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def curation_of(store: GraphStore, settings: Settings) -> tuple[Curation, LabelIndexHolder]:
    catalog = Catalog.from_folder(settings.queries_dir)
    converter = load_converter(settings.ontology_dir / "prefixes.json")
    return Curation(store, catalog), LabelIndexHolder(store, catalog, converter)


def has_skos_triple(store: GraphStore, subject: str, predicate: str, obj: str) -> bool:
    return store.ask(
        "ASK { ?s ?p ?o }",
        {"s": ox.NamedNode(subject), "p": SKOS[predicate], "o": ox.NamedNode(obj)},
    )


def rows(text: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The rows of an SSSOM TSV document as sssom-pydantic reads them, every field kept."""
    records, _, _ = sssom_pydantic.read_unprocessed(io.StringIO(text))
    return {
        (r.subject_id, r.predicate_id, r.object_id): r.model_dump(exclude_none=True)
        for r in records
    }


# --- a negative row is a negative record -----------------------------------------------------


def test_a_negative_row_has_no_skos_triple_and_keeps_its_modifier() -> None:
    result = parse_sssom(
        NEGATIVE.read_bytes(),
        set_id="negative",
        base_iri=BASE,
        converter=load_converter(DATA / "ontology" / "prefixes.json"),
    )
    assert result.issues == []
    plain = ox.Triple(ox.NamedNode(f"{ALPHA}A1.1"), SKOS["exactMatch"], ox.NamedNode(f"{BETA}B7"))
    assert plain not in result.triples
    modifiers = [t for t in result.triples if t.predicate == SSSOM["predicate_modifier"]]
    assert [m.object for m in modifiers] == [ox.Literal("Not")]


def test_a_review_status_the_modifier_contradicts_is_a_bad_row() -> None:
    result = parse_sssom(
        (DATA / "sssom" / "contradictory-status.sssom.tsv").read_bytes(),
        set_id="contradictory-status",
        base_iri=BASE,
        converter=load_converter(DATA / "ontology" / "prefixes.json"),
        source="c.tsv",
    )
    assert [(i.line, i.stage) for i in result.issues] == [
        (12, "convert"),
        (13, "convert"),
        (14, "convert"),
    ]
    assert "contradicts predicate_modifier Not" in result.issues[0].message
    assert "needs predicate_modifier Not" in result.issues[1].message
    assert "'done'" in result.issues[2].message
    proposed = ox.Triple(
        ox.NamedNode(f"{ALPHA}A2"), SKOS["relatedMatch"], ox.NamedNode(f"{BETA}B7")
    )
    assert proposed not in result.triples  # the good row awaits review: a record only


def test_a_loaded_negative_row_is_a_rejection_that_joins_no_sense(
    runner: CliRunner, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli_run(runner, settings, monkeypatch, "load", str(NEGATIVE))
    store = open_store(settings.store_path, settings.base_iri)
    assert not has_skos_triple(store, f"{ALPHA}A1.1", "exactMatch", f"{BETA}B7")
    curation, holder = curation_of(store, settings)
    index = holder.current()
    (record,) = curation.records(index, MappingFilter(subject=f"{ALPHA}A1.1"))
    assert (record.status, record.predicate_modifier) == ("rejected", "Not")
    assert record.author_label == ["Cora Curator"]
    resolved = resolve_term(index, "Indirect prompt injection")
    sense = next(s for s in resolved.senses if any(c.curie == "al:A1.1" for c in s.concepts))
    assert "be:B7" not in {c.curie for c in sense.concepts}


def test_a_negative_row_in_the_bundle_is_seeded_as_a_negative_record(
    settings: Settings, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(DATA / "bundle", bundle)
    shutil.copy(NEGATIVE, bundle / "mappings" / NEGATIVE.name)
    seeded = settings.with_overrides(data_dir=bundle)
    store = open_store(seeded.store_path, seeded.base_iri)
    ensure_seeded(store, seeded)
    assert not has_skos_triple(store, f"{ALPHA}A1.1", "exactMatch", f"{BETA}B7")
    curation, holder = curation_of(store, seeded)
    (record,) = curation.records(holder.current(), MappingFilter(subject=f"{ALPHA}A1.1"))
    assert record.status == "rejected"


# --- reviews through POST /mappings, then SSSOM both ways --------------------------------------


def review_every_status(settings: Settings, tokens: Path) -> list[dict[str, Any]]:
    """Reviews of every kind through ``POST /mappings`` on the on-disk store of ``settings``.

    Jane Doe has no ORCID iD; Cora Curator has one. Returns ``GET /mappings`` afterwards.
    """
    jane = add_token(tokens, "Jane Doe", "maintainer", ["alpha"])
    cora = add_token(tokens, "Cora Curator", "curator", ["alpha"], orcid=ORCID)
    reviews: list[tuple[str, dict[str, Any], str]] = [
        (jane, {"subject": "al:A2", "object": "be:B7", "action": "propose"}, "skos:relatedMatch"),
        (
            jane,
            {"subject": "al:A1", "object": "be:B7", "action": "accept", "comment": "same attack"},
            "skos:exactMatch",
        ),
        (
            cora,
            {"subject": "al:A1.1", "object": "be:B7", "action": "reject", "comment": "narrower"},
            "skos:closeMatch",
        ),
        (
            cora,
            {
                "subject": "al:A1.1",
                "object": "sssom:NoTermFound",
                "object_source": "beta",
                "action": "accept",
            },
            "skos:exactMatch",
        ),
        (
            cora,
            {
                "subject": "be:B7",
                "object": "al:A2",
                "action": "accept",
                "confidence": 0.8,
                "ir8477_relation": "intersects with",
            },
            "skos:relatedMatch",
        ),
    ]
    store = open_store(settings.store_path, settings.base_iri)
    ensure_seeded(store, settings)
    configured = settings.with_overrides(tokens_file=tokens)
    with TestClient(create_app(configured, store=store)) as client:
        for token, body, predicate in reviews:
            response = client.post(
                "/mappings",
                json={**body, "predicate": predicate},
                headers={"authorization": f"Bearer {token}"},
            )
            assert response.status_code in (200, 201), response.text
        items: list[dict[str, Any]] = client.get("/mappings").json()["items"]
    del store, client
    return items


def test_a_review_keeps_its_people_in_sssom(
    runner: CliRunner, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    items = review_every_status(settings, tmp_path / "tokens.json")
    exported = rows(cli_run(runner, settings, monkeypatch, "export", "--mappings"))
    accepted = next(i for i in items if i["subject_id"] == "al:A1" and i["object_id"] == "be:B7")
    assert accepted["reviewer_label"] == ["Jane Doe"]
    assert accepted["reviewer_id"] != []  # a token holder without ORCID iD still has an id
    for item in items:
        row = exported[(item["subject_id"], item["predicate_id"], item["object_id"])]
        for field in ("author_id", "author_label", "reviewer_id", "reviewer_label"):
            assert row.get(field, []) == item[field], (item["subject_id"], field)
        for field in ("mapping_date", "confidence", "comment", "predicate_modifier"):
            value = row.get(field)
            assert (None if value is None else str(value)) == (
                None if item[field] is None else str(item[field])
            ), (item["subject_id"], field)
        assert row["extensions"]["review_status"]["value"] == item["status"]
        assert row["mapping_justification"] == item["mapping_justification"]
        assert row.get("subject_label") == item["subject_label"]
    row = exported[("al:A1", "skos:exactMatch", "be:B7")]
    assert row["author_id"] == [f"orcid:{ORCID}"]  # the bundled author stays the author
    assert row["reviewer_id"][0].startswith("curator:")


def test_every_status_round_trips_through_sssom(
    runner: CliRunner,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    items = review_every_status(settings, tmp_path / "tokens.json")
    assert {i["status"] for i in items} == {"proposed", "accepted", "rejected"}
    assert any(i["object_id"] == "sssom:NoTermFound" for i in items)
    first = cli_run(runner, settings, monkeypatch, "export", "--mappings")
    assert assert_valid_sssom(first, tmp_path, caplog) == len(items)
    exported = tmp_path / "curated.sssom.tsv"
    exported.write_text(first, encoding="utf-8")

    # A new store: the same vocabularies, the exported file as its only mapping set.
    fresh = settings.with_overrides(store_path=tmp_path / "fresh")
    cli_run(runner, fresh, monkeypatch, "load", str(exported), "--mapping-set", "alpha-beta")
    second = cli_run(runner, fresh, monkeypatch, "export", "--mappings")
    before, after = rows(first), rows(second)
    assert sorted(after) == sorted(before)
    for key, row in before.items():
        for field in sorted(set(row) | set(after[key])):
            assert after[key].get(field) == row.get(field), (key, field)
    assert second == first
    assert assert_valid_sssom(second, tmp_path, caplog) == len(items)

    store = open_store(fresh.store_path, fresh.base_iri)
    curation, holder = curation_of(store, fresh)
    statuses = {
        (r.subject_id, r.object_id): (r.status, r.predicate_modifier)
        for r in curation.records(holder.current(), MappingFilter())
    }
    assert statuses == {
        (i["subject_id"], i["object_id"]): (i["status"], i["predicate_modifier"]) for i in items
    }
    # The SKOS triple is there for accepted mappings between two concepts, and only for them.
    assert has_skos_triple(store, f"{ALPHA}A1", "exactMatch", f"{BETA}B7")
    assert has_skos_triple(store, f"{BETA}B7", "relatedMatch", f"{ALPHA}A2")
    assert not has_skos_triple(store, f"{ALPHA}A2", "relatedMatch", f"{BETA}B7")
    assert not has_skos_triple(store, f"{ALPHA}A1.1", "closeMatch", f"{BETA}B7")
    assert not store.ask(
        "ASK { ?s ?p ?o }", {"s": ox.NamedNode(f"{ALPHA}A1.1"), "o": SSSOM["NoTermFound"]}
    )


def test_authors_reviewers_creators_and_dates_of_a_loaded_row_come_back_in_the_export(
    runner: CliRunner, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    (given,) = rows(PEOPLE_AND_DATES.read_text(encoding="utf-8")).values()
    cli_run(runner, settings, monkeypatch, "load", str(PEOPLE_AND_DATES))
    exported = rows(cli_run(runner, settings, monkeypatch, "export", "--mappings"))
    row = exported[("al:A2", "skos:relatedMatch", "be:B7")]
    for field in (
        "author_id",
        "author_label",
        "reviewer_id",
        "reviewer_label",
        "creator_id",
        "creator_label",
        "mapping_date",
        "publication_date",
        "confidence",
        "comment",
        "mapping_justification",
    ):
        assert field in given, field  # the fixture really carries it
        assert str(row.get(field)) == str(given[field]), field
