"""``mosaic export --mappings``: SSSOM TSV that the sssom package (sssom-py) validates.

Checked on the test bundle after reviews of every kind, and on the whole bundled landscape.
"""

from __future__ import annotations

import gc
import io
import logging
from pathlib import Path

import pytest
import sssom_pydantic
from click.testing import CliRunner
from sssom.parsers import parse_sssom_table
from sssom.validators import validate

from mosaic.access.tokens import Identity
from mosaic.cli import cli
from mosaic.curation.models import MappingFilter, ReviewRequest
from mosaic.curation.workflow import Curation
from mosaic.dataset.registry import bundled_mapping_sets
from mosaic.dataset.seed import ensure_seeded
from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings, get_settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import open_store
from mosaic.terms.index_holder import LabelIndexHolder

# sssom-py calls pandas APIs that pandas 3 deprecates; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

CURATOR = Identity("Cora Curator", "curator", ("alpha",), orcid="0000-0002-1825-0097")


def export(
    runner: CliRunner, settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str
) -> str:
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    result = runner.invoke(cli, ["export", "--mappings", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _bundled_mapping_rows(settings: Settings) -> int:
    """The number of mappings the bundled SSSOM files hold: every non-comment line but the header."""
    total = 0
    for path in bundled_mapping_sets(settings.data_dir):
        lines = path.read_text(encoding="utf-8").splitlines()
        total += len([line for line in lines if line.strip() and not line.startswith("#")]) - 1
    return total


def assert_valid_sssom(text: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> int:
    """Parse and validate as ``sssom validate`` does; fail on any error. Returns the row count.

    sssom-py 0.4.21's ``strict=True`` inverts its own metadata check (it refuses standard
    metadata), so the parse is lenient and the warnings it logs for non-standard metadata keys
    or redefined built-in prefixes are checked here instead.
    """
    path = tmp_path / "export.sssom.tsv"
    path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        msdf = parse_sssom_table(path)
    problems = [
        r.getMessage()
        for r in caplog.records
        if "not a standard SSSOM" in r.getMessage() or "redefined" in r.getMessage()
    ]
    assert problems == []
    # fail_on_error raises on JSON-schema errors and on prefixes missing from the map.
    validate(msdf, fail_on_error=True)
    return len(msdf.df)


def review_alpha_beta(settings: Settings) -> None:
    """Propose, reject and confirm a gap on the test bundle (the store is closed on return)."""
    store = open_store(settings.store_path, settings.base_iri)
    ensure_seeded(store, settings)
    catalog = Catalog.from_folder(settings.queries_dir)
    holder = LabelIndexHolder(
        store, catalog, load_converter(settings.ontology_dir / "prefixes.json")
    )
    curation = Curation(store, catalog)
    reviews = [
        ReviewRequest(
            subject="al:A2", object="be:B7", action="propose", predicate="skos:relatedMatch"
        ),
        ReviewRequest(subject="al:A1", object="be:B7", action="reject", comment="scope differs"),
        ReviewRequest(
            subject="al:A1.1",
            object="sssom:NoTermFound",
            object_source="beta",
            predicate="skos:exactMatch",
            action="accept",
        ),
    ]
    for review in reviews:
        curation.review(holder.current(), CURATOR, review)


def test_reviews_export_as_valid_sssom(
    runner: CliRunner,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    review_alpha_beta(settings)
    gc.collect()  # the CLI opens the store itself: let the RocksDB lock go
    text = export(runner, settings, monkeypatch)
    assert assert_valid_sssom(text, tmp_path, caplog) == 3
    mappings, _, _ = sssom_pydantic.read(io.StringIO(text))
    by_subject = {m.subject.curie: m for m in mappings}
    assert by_subject["al:A1"].predicate_modifier == "Not"
    assert by_subject["al:A1"].comment == "scope differs"
    assert by_subject["al:A1.1"].object.curie == "sssom:NoTermFound"
    assert by_subject["al:A2"].extensions is not None
    assert by_subject["al:A2"].extensions["review_status"].value == "proposed"


def test_bad_options_exit_2(
    runner: CliRunner, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    for args in (["--format", "turtle"], ["--mapping-set", "Not An Id"]):
        result = runner.invoke(cli, ["export", "--mappings", *args])
        assert result.exit_code == 2, result.output
        assert "error" in result.stderr.lower() or result.stderr


def test_the_whole_bundled_landscape_exports_as_valid_sssom(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(store_path=tmp_path / "store", _env_file=None)
    text = export(runner, settings, monkeypatch)
    rows = assert_valid_sssom(text, tmp_path, caplog)
    gc.collect()  # the CLI's store object lets the RocksDB lock go
    store = open_store(settings.store_path, settings.base_iri)
    catalog = Catalog.from_folder(settings.queries_dir)
    holder = LabelIndexHolder(
        store, catalog, load_converter(settings.ontology_dir / "prefixes.json")
    )
    held = Curation(store, catalog).records(holder.current(), MappingFilter())
    assert rows == len(held)
    # every row of every bundled SSSOM file is exported, and nothing else
    assert rows == _bundled_mapping_rows(settings)
