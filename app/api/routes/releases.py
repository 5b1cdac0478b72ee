"""``/releases``: the versioned releases ``mosaic release`` wrote, listed and served.

``GET /releases`` lists them (JSON; a page for a browser). ``GET /releases/{version}`` is the
release's IRI (``{base}releases/{version}``): its DCAT description (Turtle by default), its
manifest as JSON, or its page. ``GET /releases/{version}/{path}`` serves one file of it, only
a file its manifest lists (:meth:`mosaic.publish.releases.Release.file`): anything else,
``..`` and encoded separators included, is 404.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import FileResponse

from mosaic.api.deps import SettingsDep
from mosaic.api.linked_data import (
    HTML_OFFER,
    JSON_OFFER,
    RDF_OFFERS,
    alternates,
    choose,
    dataset_description,
    format_names,
    get_and_head,
    rdf_response,
    release_shelf,
    service_url,
)
from mosaic.api.params import AcceptHeader, choice_query
from mosaic.api.problems import problem_responses
from mosaic.errors import NotFoundError
from mosaic.publish.models import ReleaseFileOut, ReleaseList, ReleaseOut
from mosaic.publish.releases import Release
from mosaic.web.render import render

router = APIRouter(prefix="/releases", tags=["releases"])

LIST_OFFERS = [JSON_OFFER, HTML_OFFER]
RELEASE_OFFERS = [*RDF_OFFERS, JSON_OFFER, HTML_OFFER]
Version = Annotated[str, Path(description="The release's version (`1.0`).")]


def _out(release: Release, root: str, base_iri: str) -> ReleaseOut:
    version = quote(release.version, safe="")
    return ReleaseOut(
        version=release.version,
        date=release.date,
        title=release.title,
        iri=f"{base_iri}releases/{version}",
        url=f"{root}releases/{version}",
        files=[
            ReleaseFileOut(
                path=f.path,
                url=f"{root}releases/{version}/{quote(f.path)}",
                media_type=f.media_type,
                bytes=f.bytes,
                sha256=f.sha256,
                graph=f.graph,
            )
            for f in release.files
        ],
    )


@router.get(
    "",
    response_model=ReleaseList,
    responses={200: {"content": {"text/html": {}}}, **problem_responses(400, 406)},
)
def list_releases(
    request: Request,
    settings: SettingsDep,
    accept: AcceptHeader = None,
    format: Annotated[
        str | None, choice_query([n for _, n in LIST_OFFERS], "json or html; wins over Accept.")
    ] = None,
) -> ReleaseList | Response:
    """Every release of the releases folder, newest first, with its files and checksums."""
    choice = choose(accept, format, LIST_OFFERS)
    releases = list(reversed(release_shelf(request).releases()))
    if choice.name == "html":
        return render(request, "releases.html", releases=releases)
    root = service_url(request)
    items = [_out(r, root, settings.base_iri) for r in releases]
    return ReleaseList(items=items, total=len(items))


@get_and_head(
    router,
    "/{version}",
    response_model=ReleaseOut,
    responses={
        200: {"content": {media_type: {} for media_type, _ in RELEASE_OFFERS}},
        **problem_responses(400, 404, 406),
    },
)
def read_release(
    version: Version,
    request: Request,
    settings: SettingsDep,
    accept: AcceptHeader = None,
    format: Annotated[
        str | None,
        choice_query(format_names(RELEASE_OFFERS), "The representation; wins over Accept."),
    ] = None,
) -> ReleaseOut | Response:
    """One release (`{base}releases/{version}`): its DCAT description, manifest or page."""
    choice = choose(accept, format, RELEASE_OFFERS)
    release = release_shelf(request).get(version)
    iri = f"{settings.base_iri}releases/{quote(release.version, safe='')}"
    link = alternates(f"/releases/{quote(release.version, safe='')}", RELEASE_OFFERS, choice.name)
    if choice.name == "json":
        return _out(release, service_url(request), settings.base_iri)
    if choice.name == "html":
        response = render(request, "release.html", release=release, iri=iri)
        response.headers["Link"] = link
        response.headers["Vary"] = "Accept"
        return response
    _, triples = dataset_description(request)
    own = [
        t
        for t in triples
        if t.subject.value == iri or t.subject.value.startswith(iri + "#")  # type: ignore[union-attr]
    ]
    return rdf_response(own, choice, link=link)


@get_and_head(
    router,
    "/{version}/{path:path}",
    response_class=FileResponse,
    responses={
        200: {"description": "The file, with its media type."},
        **problem_responses(404),
    },
)
def read_release_file(
    version: Version,
    path: Annotated[str, Path(description="A file the release's manifest lists.")],
    request: Request,
) -> FileResponse:
    """One file of a release: only a file its manifest lists (404 otherwise)."""
    try:
        release = release_shelf(request).get(version)
    except NotFoundError as exc:
        raise NotFoundError("release file", f"{version}/{path}") from exc
    target = release.file(path)
    media_type = next((f.media_type for f in release.files if f.path == path), None)
    if media_type is None:
        media_type = "application/json" if path.endswith(".json") else "text/plain"
    return FileResponse(
        target, media_type=media_type, filename=target.name, content_disposition_type="inline"
    )
