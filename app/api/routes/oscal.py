"""``GET /initiatives/{id}/oscal``: an initiative's controls as an OSCAL catalog, and crosswalks.

The documents are built by :mod:`oscal`; this router only serves them, as JSON.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from mosaic.api.deps import CatalogDep, ConverterDep, LabelIndexDep, StoreDep
from mosaic.api.params import InitiativeIdPath
from mosaic.api.problems import problem_responses
from mosaic.curation.workflow import Curation
from mosaic.oscal.export import MEDIA_TYPE, control_crosswalk, initiative_catalog, to_json
from mosaic.rdf.identifiers import ID_MAX_LENGTH, ID_PATTERN

router = APIRouter(prefix="/initiatives", tags=["oscal"])

TargetIdPath = Annotated[
    str,
    Path(
        title="initiative id",
        description="The initiative the crosswalk maps to (`mitre-atlas`).",
        pattern=ID_PATTERN.pattern,
        max_length=ID_MAX_LENGTH,
    ),
]


def _json(body: bytes, filename: str) -> Response:
    return Response(
        content=body,
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@router.get(
    "/{initiative_id}/oscal",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPE: {}}}, **problem_responses(400, 404)},
)
def export_initiative_oscal(
    initiative_id: InitiativeIdPath,
    store: StoreDep,
    catalog: CatalogDep,
    converter: ConverterDep,
) -> Response:
    """The initiative's controls and requirements as an OSCAL 1.2 catalog (JSON).

    Controls nest as the concept hierarchy does, grouped by concept scheme; ids come from the
    notations (kept as each control's `label`), statements are MOSAIC's definitions, links go
    to the source and to each threat the control mitigates, and props in MOSAIC's namespace
    carry the concept IRI and CURIE. An initiative with no control concepts gives an empty
    catalog; an unknown one is 404.
    """
    document = initiative_catalog(store, catalog, converter, initiative_id)
    return _json(to_json(document), f"{initiative_id}.oscal.json")


@router.get(
    "/{initiative_id}/oscal/mapping/{target_id}",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPE: {}}}, **problem_responses(400, 404)},
)
def export_crosswalk_oscal(
    initiative_id: InitiativeIdPath,
    target_id: TargetIdPath,
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    converter: ConverterDep,
    index: LabelIndexDep,
) -> Response:
    """The curated crosswalk from one initiative's controls to another's, as an OSCAL mapping.

    An OSCAL 1.2 `mapping-collection`: one map per accepted curated mapping between a control
    of each, with the NIST IR 8477 relation as the OSCAL relationship and the SKOS predicate
    kept as a prop; the source and target resources are the two catalogs' URLs. An unknown
    initiative, or no accepted mapping between their controls, is 404.
    """
    curation: Curation = request.app.state.curation

    def catalog_href(identifier: str) -> str:
        return str(request.url_for("export_initiative_oscal", initiative_id=identifier))

    document = control_crosswalk(
        store, catalog, converter, curation, index, initiative_id, target_id, catalog_href
    )
    return _json(to_json(document), f"{initiative_id}-{target_id}.oscal-mapping.json")
