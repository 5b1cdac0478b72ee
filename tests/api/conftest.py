"""Fixtures of the API tests that write: a tokens file and a client of an app that uses it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    """Where this test's write tokens go (``add_token`` creates it)."""
    return tmp_path / "tokens.json"


@pytest.fixture
def writer(settings: Settings, store: GraphStore, tokens_file: Path) -> Iterator[TestClient]:
    """A client of an app with write tokens and a small upload limit (4 KiB)."""
    configured = settings.with_overrides(tokens_file=tokens_file, max_upload_bytes=4096)
    with TestClient(create_app(configured, store=store)) as client:
        yield client
