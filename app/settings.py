"""Settings: the only module that reads the environment.

Every field can be set as ``MOSAIC_<FIELD>`` in the environment or a ``.env`` file; the CLI turns
its options (``--store``, ``--host``...) into keyword overrides of the same model, so the CLI and
the environment cannot disagree.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mosaic import resources

#: Where the store and the audit log go by default: ``var/`` in the folder a command runs from.
VAR_DIR = Path("var")


class Settings(BaseSettings):
    """Configuration of the store, the service and the data folders."""

    model_config = SettingsConfigDict(
        env_prefix="MOSAIC_", env_file=".env", extra="ignore", populate_by_name=True
    )

    store_path: Path = Field(
        default=VAR_DIR / "store",
        validation_alias=AliasChoices("store_path", "MOSAIC_STORE", "MOSAIC_STORE_PATH"),
        description="Folder of the on-disk pyoxigraph store (created on first use; default "
        "var/store in the current folder).",
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
    resolve_cache: int = Field(
        default=1024,
        ge=0,
        le=100_000,
        description="Recent /terms/resolve answers kept for the newest label index (0: none).",
    )
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
    query_answer_cache: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        le=4 * 1024**3,
        description="Bytes of recent client query answers kept until the next write (the "
        "embedded store only; an answer over an eighth of it is not kept; 0: none).",
    )
    max_result_rows: int = Field(
        default=100_000, ge=1, description="Rows (or triples) a client query may return."
    )
    max_result_bytes: int = Field(
        default=64 * 1024 * 1024, ge=1024, description="Bytes a client query result may take."
    )
    max_nesting_depth: int = Field(
        default=100,
        ge=8,
        le=500,
        description="Levels a client query ({ }, ( ), [ ], !) or an uploaded JSON-LD or "
        "RDF/XML document may nest; deeper input is refused (400) before it is parsed, since "
        "a parser's stack overflow would kill the process.",
    )
    max_query_tokens: int = Field(
        default=10_000,
        ge=100,
        le=1_000_000,
        description="Tokens (names, variables, literals, keywords, symbols; VALUES rows not "
        "counted) a client query may have; a longer one is refused (400) before it is parsed.",
    )
    cors_origins: list[str] = Field(
        default_factory=lambda: ["*"],
        description="Origins allowed to call the API cross-origin: reads, and writes with a "
        "bearer token (never with cookies or other credentials).",
    )
    store_url: str | None = Field(
        default=None,
        description="SPARQL 1.1 query endpoint of a remote store (Oxigraph, Fuseki, GraphDB, "
        "Virtuoso, QLever, Neptune); when set, it replaces the embedded store at store_path.",
    )
    store_update_url: str | None = Field(
        default=None,
        description="SPARQL 1.1 update endpoint of the remote store (default: store_url with a "
        "final /query changed to /update, else store_url itself).",
    )
    store_graph_url: str | None = Field(
        default=None,
        description="Graph Store Protocol endpoint of the remote store, used to read whole "
        "graphs (default: unset, whole graphs are read with CONSTRUCT).",
    )
    store_refresh: float = Field(
        default=2.0,
        ge=0,
        le=3600,
        description="Seconds between two checks of a remote store's write stamp, which tell "
        "this server's caches that another server wrote (0: never check).",
    )
    persist_index: bool = Field(
        default=True,
        description="Keep the built label index in a file (see cache_dir) and load it at start "
        "when the store has not changed since, instead of rebuilding it.",
    )
    cache_dir: Path | None = Field(
        default=None,
        description="Folder of the persisted label index (default: beside the store folder, "
        "<store>-cache; a remote store persists it only when this is set).",
    )
    aligner_model_dir: Path | None = Field(
        default=None,
        description="Folder of an aligner model retrained on this store's reviewed mappings "
        "(`mosaic train --from-store --output DIR`) to use instead of the shipped one.",
    )
    ontology_dir: Path = Field(default_factory=resources.ontology_dir)
    shapes_dir: Path = Field(default_factory=resources.shapes_dir)
    queries_dir: Path = Field(default_factory=resources.queries_dir)
    data_dir: Path = Field(default_factory=resources.bundle_dir)
    tokens_file: Path | None = Field(
        default=None,
        description="JSON file of hashed write tokens (mosaic token add); unset or missing "
        "means writes over HTTP are disabled.",
    )
    rate_limit_writes: str = Field(
        default="30/minute",
        description="Writes (PUT, POST, DELETE) one token or client address may make, as "
        "'N/second|minute|hour|day' (several joined by ';'); empty or 0 disables the limit.",
    )
    rate_limit_expensive: str = Field(
        default="120/minute",
        description="Expensive reads (/sparql, /alignments, /analysis/*, /validate, "
        "/validation, /terms/compare, /queries/{name}) one token or client address may make; "
        "empty or 0 disables the limit.",
    )
    upload_read_timeout: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="Seconds a request body may stall between two reads before a 408.",
    )
    upload_min_rate: int = Field(
        default=4096,
        ge=1,
        description="Bytes a second a request body must keep up once upload_read_timeout "
        "is spent (a slower body gets 408).",
    )
    releases_dir: Path = Field(
        default=VAR_DIR / "releases",
        description="Folder of the releases `mosaic release` writes (one folder per version), "
        "which the server lists at /releases and serves.",
    )
    audit_log: Path | None = Field(
        default=VAR_DIR / "audit.log",
        description="File the audit log of writes is appended to (JSON lines); empty means "
        "the mosaic.audit logger only.",
    )

    @field_validator("base_iri")
    @classmethod
    def _base_iri_ends_with_slash(cls, value: str) -> str:
        """Graph and concept IRIs are built by appending to the base, so it must end in ``/``."""
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_iri must be an http(s) IRI")
        return value if value.endswith("/") else value + "/"

    @field_validator(
        "store_path", "ontology_dir", "shapes_dir", "queries_dir", "data_dir", "releases_dir"
    )
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        """Resolve paths once so that a later ``chdir`` changes nothing."""
        return value.expanduser().resolve()

    @field_validator("tokens_file", "cache_dir")
    @classmethod
    def _absolute_tokens_file(cls, value: Path | None) -> Path | None:
        """Resolve the tokens file and cache folder paths once, like the folders."""
        return None if value is None else value.expanduser().resolve()

    @field_validator("rate_limit_writes", "rate_limit_expensive")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        """Check the limit now (with the limits library's own parser), not on the first request."""
        from limits import parse_many

        text = value.strip()
        if text in ("", "0"):
            return ""
        try:
            parse_many(text)
        except ValueError as exc:
            raise ValueError(f"not a rate limit: {value!r} (e.g. '30/minute')") from exc
        return text

    @field_validator("audit_log", mode="before")
    @classmethod
    def _audit_log(cls, value: object) -> object:
        """An empty value turns the audit file off; a path is resolved once."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return Path(str(value)).expanduser().resolve()

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        """Refuse a typo at startup rather than logging at an unexpected level."""
        level = value.lower()
        if level not in {"critical", "error", "warning", "info", "debug"}:
            raise ValueError(f"unknown log level {value!r}")
        return level

    @field_validator("store_url", "store_update_url", "store_graph_url", mode="before")
    @classmethod
    def _store_endpoint(cls, value: object) -> object:
        """An empty value means unset; a URL must be http(s), so a typo fails at startup."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip()
        if not text.startswith(("http://", "https://")):
            raise ValueError(f"a store endpoint must be an http(s) URL, not {text!r}")
        return text

    def to_environment(self) -> dict[str, str]:
        """These settings as ``MOSAIC_*`` variables, for child processes to read back.

        ``mosaic serve --workers N`` starts uvicorn worker processes that build their app from
        the environment; this is how the options given to the parent reach them.
        """
        env: dict[str, str] = {}
        fields = type(self).model_fields
        for name, value in self.model_dump(mode="json").items():
            if value is None and fields[name].default is None:
                continue
            # An empty value turns off a field whose default is set (such as audit_log).
            text = "" if value is None else value if isinstance(value, str) else json.dumps(value)
            env[f"MOSAIC_{name.upper()}"] = text
        return env

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given fields replaced (``None`` values are ignored), validated again."""
        data = self.model_dump()
        data.update({key: value for key, value in overrides.items() if value is not None})
        return Settings(**data)


@lru_cache
def get_settings() -> Settings:
    """The settings from the environment, read once per process."""
    return Settings()


def export_settings(settings: Settings) -> None:
    """Make ``settings`` what :func:`get_settings` returns, here and in child processes.

    ``mosaic serve --workers N`` starts uvicorn workers that build their app from the
    environment; this is how the options given to the parent reach them.
    """
    os.environ.update(settings.to_environment())
    get_settings.cache_clear()
