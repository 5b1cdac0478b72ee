"""``GET /concepts/{curie}``: one concept with labels, definition, hierarchy, mappings, source."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import CatalogDep, ConverterDep, StoreDep
from app.concepts import read_concept
from app.models import Concept

router = APIRouter(prefix="/concepts", tags=["concepts"])


@router.get("/{curie}", response_model=Concept)
def read_concept_route(
    curie: str, store: StoreDep, catalog: CatalogDep, converter: ConverterDep
) -> Concept:
    """One concept by CURIE (``atlas:AML.T0051``).

    Labels, definitions, notation, kind, scheme, broader and narrower concepts, mappings in
    both directions and its source.
    A malformed CURIE or unknown prefix is 400; an unknown concept 404.
    """
    return read_concept(store, catalog, converter, curie)
