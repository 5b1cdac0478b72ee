"""Fixtures of the guidance tests: a store seeded with the guidance fixture bundle.

``tests/data/guidance`` holds the two test initiatives (alpha, beta of the test registry) with
threats, controls, a requirement, incidents, their declared threat -> control sets and one
curated mapping set (docs: ``tests/data/guidance/*/*.ttl`` headers).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.dataset.seed import ensure_seeded
from mosaic.settings import Settings
from mosaic.store.embedded import open_store
from mosaic.store.open import open_configured_store
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA, empty_remote_store


@pytest.fixture
def guidance_settings(settings: Settings) -> Settings:
    """The test settings over the guidance fixture bundle."""
    return settings.with_overrides(data_dir=DATA / "guidance")


@pytest.fixture
def guidance_store(guidance_settings: Settings) -> Iterator[GraphStore]:
    """A fresh store seeded with the guidance fixture bundle."""
    if guidance_settings.store_url is None:
        opened: GraphStore = open_store(guidance_settings.store_path, guidance_settings.base_iri)
    else:
        empty_remote_store(guidance_settings)
        opened = open_configured_store(guidance_settings)
    ensure_seeded(opened, guidance_settings)
    yield opened
    opened.close()


@pytest.fixture
def guidance_client(
    guidance_settings: Settings, guidance_store: GraphStore
) -> Iterator[TestClient]:
    """A client of an app over the guidance fixture store."""
    with TestClient(create_app(guidance_settings, store=guidance_store)) as client:
        yield client
