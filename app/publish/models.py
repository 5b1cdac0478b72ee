"""The JSON of ``/releases``: the releases a server serves and their files."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ReleaseFileOut(BaseModel):
    """One file of a release."""

    path: str
    url: str = Field(description="Where this server serves it.")
    media_type: str
    bytes: int
    sha256: str
    graph: str | None = Field(default=None, description="The graph whose data it holds.")


class ReleaseOut(BaseModel):
    """One release: its version, date, IRI and files."""

    version: str
    date: str
    title: str
    iri: str = Field(description="The release's IRI ({base}releases/{version}).")
    url: str = Field(description="Its page and description on this server.")
    files: list[ReleaseFileOut]


class ReleaseList(BaseModel):
    """Every release of the releases folder, newest first."""

    items: list[ReleaseOut]
    total: int
