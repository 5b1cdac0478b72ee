from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mosaic.settings import Settings
from tests.paths import PROJECT_ROOT


def test_default_folders_exist() -> None:
    settings = Settings(_env_file=None)
    for folder in (
        settings.ontology_dir,
        settings.shapes_dir,
        settings.queries_dir,
        settings.data_dir,
    ):
        assert folder.is_dir(), folder
    assert settings.store_path == PROJECT_ROOT / "var" / "store"


def test_store_is_read_from_mosaic_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MOSAIC_STORE", str(tmp_path / "s"))
    assert Settings(_env_file=None).store_path == tmp_path / "s"


def test_base_iri_gets_a_trailing_slash() -> None:
    assert Settings(base_iri="https://example.org/kg").base_iri == "https://example.org/kg/"


@pytest.mark.parametrize("value", ["ftp://example.org/", "example.org"])
def test_base_iri_must_be_http(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(base_iri=value)


def test_relative_store_path_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings(store_path=Path("rel")).store_path == tmp_path / "rel"


def test_overrides_ignore_none_and_validate(tmp_path: Path) -> None:
    settings = Settings(store_path=tmp_path / "a")
    assert settings.with_overrides(store_path=None, port=9000).store_path == tmp_path / "a"
    with pytest.raises(ValidationError):
        settings.with_overrides(port=70000)
