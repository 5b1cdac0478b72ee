"""Every bundled initiative with controls exports a valid OSCAL catalog; so does every bundled
control crosswalk (``loaders/data/mappings/*-controls.sssom.tsv``) as an OSCAL mapping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mosaic import resources
from mosaic.curation.workflow import Curation
from mosaic.dataset.seed import ensure_seeded
from mosaic.oscal.export import control_crosswalk, initiative_catalog
from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import open_store
from mosaic.store.protocol import GraphStore
from mosaic.terms.index_holder import LabelIndexHolder
from tests.oscal.conftest import by_id, check_in_trestle

pytestmark = pytest.mark.slow

CONTROL_SETS = sorted((resources.bundle_dir() / "mappings").glob("*-controls.sssom.tsv"))
#: Bundled initiatives whose controls the issue names (the test also finds any other).
EXPECTED = {"mitre-atlas", "owasp-aiexchange", "cosai-risk-map", "owasp-aisvs", "nist-ai-rmf"}


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GraphStore, Settings]]:
    settings = Settings(store_path=tmp_path_factory.mktemp("oscal") / "store", _env_file=None)
    store = open_store(settings.store_path, settings.base_iri)
    ensure_seeded(store, settings)
    yield store, settings
    store.close()


def with_controls(store: GraphStore) -> list[str]:
    rows = store.select(
        """
        PREFIX mosaic: <https://w3id.org/mosaic/ontology#>
        SELECT DISTINCT ?id WHERE {
          VALUES ?kind { mosaic:Control mosaic:Requirement }
          ?i mosaic:initiativeId ?id ; mosaic:graph ?g . GRAPH ?g { ?c a ?kind }
        } ORDER BY ?id
        """
    )
    return [str(row["id"].value) for row in rows]  # type: ignore[union-attr]


def test_every_bundled_initiative_with_controls_exports_a_valid_catalog(
    bundled: tuple[GraphStore, Settings], tmp_path: Path
) -> None:
    store, settings = bundled
    catalog = Catalog.from_folder(settings.queries_dir)
    converter = load_converter(settings.ontology_dir / "prefixes.json")
    initiatives = with_controls(store)
    assert set(initiatives) >= EXPECTED
    for initiative in initiatives:
        document = initiative_catalog(store, catalog, converter, initiative)
        check_in_trestle(document, tmp_path)
        controls = by_id(document)
        concepts = {
            p["value"] for c in controls.values() for p in c["props"] if p["name"] == "concept"
        }
        assert len(concepts) == len(controls), initiative  # every control once
    atlas = by_id(initiative_catalog(store, catalog, converter, "mitre-atlas"))
    assert any(link["rel"] == "related" for link in atlas["AML.M0000"]["links"])


def _pair(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    subject = re.search(r"^# subject_source: initiative:(\S+)", text, re.MULTILINE)
    obj = re.search(r"^# object_source: initiative:(\S+)", text, re.MULTILINE)
    assert subject and obj, path
    return subject.group(1), obj.group(1)


@pytest.mark.parametrize("path", CONTROL_SETS, ids=[p.name for p in CONTROL_SETS])
def test_every_bundled_control_crosswalk_exports_valid_oscal(
    bundled: tuple[GraphStore, Settings], tmp_path: Path, path: Path
) -> None:
    store, settings = bundled
    catalog = Catalog.from_folder(settings.queries_dir)
    converter = load_converter(settings.ontology_dir / "prefixes.json")
    index = LabelIndexHolder(store, catalog, converter).current()
    source, target = _pair(path)
    document = control_crosswalk(
        store, catalog, converter, Curation(store, catalog), index, source, target, str
    )
    check_in_trestle(document, tmp_path)
    rows = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
    ]
    maps = document["mapping-collection"]["mappings"][0]["maps"]
    assert len(maps) == len(rows) - 1  # every curated row (less the header) is one map
