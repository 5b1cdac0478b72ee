"""Settings: the only module that reads the environment.

Every field can be set as ``MOSAIC_<FIELD>`` in the environment or a ``.env`` file; the CLI turns
its options (``--store``, ``--host``...) into keyword overrides of the same model, so the CLI and
the environment cannot disagree.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The checkout this package runs from; data folders are found relative to it, never the CWD.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration of the store, the service and the data folders."""

    model_config = SettingsConfigDict(
        env_prefix="MOSAIC_", env_file=".env", extra="ignore", populate_by_name=True
    )

    store_path: Path = Field(
        default=PROJECT_ROOT / "var" / "store",
        validation_alias=AliasChoices("store_path", "MOSAIC_STORE", "MOSAIC_STORE_PATH"),
        description="Folder of the on-disk pyoxigraph store (created on first use).",
    )
    base_iri: str = Field(
        default="https://w3id.org/mosaic/",
        description="Base of graph, initiative and minted concept IRIs.",
    )
    seed: bool = Field(
        default=True, description="Seed a never-initialised store with the bundled dataset."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    default_page_size: int = Field(default=50, ge=1, le=10_000)
    log_level: str = "info"
    query_timeout: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Seconds a client query may run before it is killed.",
    )
    query_workers: int = Field(
        default_factory=lambda: max(1, os.cpu_count() or 1),
        ge=1,
        le=64,
        description="Worker processes that run client queries (bounds concurrency).",
    )
    query_queue_wait: float = Field(
        default=2.0, ge=0, le=60, description="Seconds a query waits for a free worker before 503."
    )
    max_result_rows: int = Field(
        default=100_000, ge=1, description="Rows (or triples) a client query may return."
    )
    max_result_bytes: int = Field(
        default=64 * 1024 * 1024, ge=1024, description="Bytes a client query result may take."
    )
    cors_origins: list[str] = Field(
        default_factory=lambda: ["*"],
        description="Origins allowed to read cross-origin (never with credentials).",
    )
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    shapes_dir: Path = PROJECT_ROOT / "shapes"
    queries_dir: Path = PROJECT_ROOT / "queries"
    data_dir: Path = PROJECT_ROOT / "loaders" / "data"
    tokens_file: Path | None = Field(
        default=None,
        description="JSON file of hashed write tokens (mosaic token add); unset or missing "
        "means writes over HTTP are disabled.",
    )

    @field_validator("base_iri")
    @classmethod
    def _base_iri_ends_with_slash(cls, value: str) -> str:
        """Graph and concept IRIs are built by appending to the base, so it must end in ``/``."""
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_iri must be an http(s) IRI")
        return value if value.endswith("/") else value + "/"

    @field_validator("store_path", "ontology_dir", "shapes_dir", "queries_dir", "data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        """Resolve paths once so that a later ``chdir`` changes nothing."""
        return value.expanduser().resolve()

    @field_validator("tokens_file")
    @classmethod
    def _absolute_tokens_file(cls, value: Path | None) -> Path | None:
        """Resolve the tokens file path once, like the folders."""
        return None if value is None else value.expanduser().resolve()

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        """Refuse a typo at startup rather than logging at an unexpected level."""
        level = value.lower()
        if level not in {"critical", "error", "warning", "info", "debug"}:
            raise ValueError(f"unknown log level {value!r}")
        return level

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given fields replaced (``None`` values are ignored), validated again."""
        data = self.model_dump()
        data.update({key: value for key, value in overrides.items() if value is not None})
        return Settings(**data)


@lru_cache
def get_settings() -> Settings:
    """The settings from the environment, read once per process."""
    return Settings()
