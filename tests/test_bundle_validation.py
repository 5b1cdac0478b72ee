"""The bundled dataset meets every rule: no Violation, and every Warning listed and justified in
docs/validation.md. The bundle is validated here, not at every seed."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mosaic.dataset.seed import bundled_quads
from mosaic.settings import Settings
from mosaic.store.embedded import EmbeddedGraphStore
from mosaic.store.graphs import GraphNames
from mosaic.validation.engine import validate
from mosaic.validation.report import report_to_text
from mosaic.validation.rules import load_shapes
from tests.paths import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs" / "validation.md"


@pytest.fixture(scope="module")
def bundle_report() -> object:
    settings = Settings(_env_file=None)
    store = ox.Store()
    store.extend(q for quads in bundled_quads(settings).values() for q in quads)
    graph_store = EmbeddedGraphStore(store, GraphNames(settings.base_iri))
    return validate(graph_store, load_shapes(settings.shapes_dir))


@pytest.mark.slow
def test_bundled_dataset_has_no_violation(bundle_report: object) -> None:
    from mosaic.validation.models import ValidationReport

    assert isinstance(bundle_report, ValidationReport)
    violations = bundle_report.of_severity("Violation")
    assert violations == [], report_to_text(bundle_report, severities=("Violation",))
    assert bundle_report.conforms


@pytest.mark.slow
def test_every_warning_of_the_bundle_is_listed_in_the_docs(bundle_report: object) -> None:
    from mosaic.validation.models import ValidationReport

    assert isinstance(bundle_report, ValidationReport)
    docs = DOCS.read_text(encoding="utf-8")
    section = docs.split("## Warnings of the bundled data", 1)[1]
    missing = [
        f"{r.rule} {r.focus_node}"
        for r in bundle_report.of_severity("Warning")
        if r.rule not in section or r.focus_node not in section
    ]
    assert missing == [], "list and justify these in docs/validation.md"
