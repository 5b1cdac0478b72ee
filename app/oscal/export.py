"""The OSCAL exports as the CLI and the API ask for them: read the graph, build the document.

The edges (``mosaic export --oscal``, ``GET /initiatives/{id}/oscal``) call these two functions
and serialise the result with :func:`to_json`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import curies

from mosaic.curation.models import MappingFilter
from mosaic.curation.workflow import Curation
from mosaic.oscal.catalog import Json, catalog_document
from mosaic.oscal.controls import read_controls
from mosaic.oscal.mapping import mapping_document
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.label_index import LabelIndex

#: The media type the documents are served with (OSCAL JSON is JSON).
MEDIA_TYPE = "application/json"


def initiative_catalog(
    store: GraphStore, catalog: Catalog, converter: curies.Converter, initiative_id: str
) -> Json:
    """The OSCAL catalog of an initiative's controls.

    :raises ParameterError: for a malformed initiative id.
    :raises NotFoundError: when the registry has no such initiative.
    """
    return catalog_document(read_controls(store, catalog, converter, initiative_id))


def control_crosswalk(
    store: GraphStore,
    catalog: Catalog,
    converter: curies.Converter,
    curation: Curation,
    index: LabelIndex,
    source_id: str,
    target_id: str,
    catalog_href: Callable[[str], str],
) -> Json:
    """The OSCAL mapping collection of the curated mappings between two initiatives' controls.

    :raises ParameterError: for a malformed initiative id.
    :raises NotFoundError: for an unknown initiative, or when no accepted mapping links a
        control of each.
    """
    source = read_controls(store, catalog, converter, source_id)
    target = read_controls(store, catalog, converter, target_id)
    records = curation.records(index, MappingFilter(initiative=source_id, status="accepted"))
    return mapping_document(source, target, records, catalog_href, index.compress)


def to_json(document: Json) -> bytes:
    """The document as UTF-8 JSON, indented, ending with a newline."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
