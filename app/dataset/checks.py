"""What to validate: the store, one initiative, or documents before they are loaded.

Shared by ``mosaic validate`` and the ``/validation`` and ``/validate`` routes; the rules are run
by :mod:`mosaic.validation.engine`. Documents are read exactly as ``mosaic load`` reads them
(screened, parsed by pyoxigraph), and nothing is ever written.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from mosaic.curation.sssom import mapping_set_id_from_name
from mosaic.dataset.load import SourceFile, read_sources, require_concepts
from mosaic.dataset.sources import read_source
from mosaic.errors import NotFoundError, ParameterError
from mosaic.rdf.identifiers import load_converter, validate_id
from mosaic.rdf.io import parse_rdf, syntax_for_name
from mosaic.settings import Settings
from mosaic.store.embedded import EmbeddedGraphStore
from mosaic.store.graphs import GraphNames
from mosaic.store.protocol import GraphStore
from mosaic.validation.engine import validate, validate_replacement
from mosaic.validation.models import ValidationReport
from mosaic.validation.rules import load_shapes


def validate_store(
    store: GraphStore, settings: Settings, initiative_id: str | None = None
) -> ValidationReport:
    """The report of the whole store, or of one initiative's graph (in the store's context).

    :raises NotFoundError: when the initiative has no graph.
    :raises ParameterError: for a malformed initiative id.
    """
    shapes = load_shapes(settings.shapes_dir)
    if initiative_id is None:
        return validate(store, shapes)
    graph = store.names.initiative(validate_id(initiative_id))
    if not store.has_graph(graph):
        raise NotFoundError("initiative graph", initiative_id)
    return validate(store, shapes, focus_graphs=[graph])


def validate_documents(
    settings: Settings,
    sources: Sequence[SourceFile],
    *,
    store: GraphStore | None = None,
    initiative_id: str | None = None,
) -> ValidationReport:
    """Validate documents before loading them; nothing is written.

    With ``initiative_id``, the RDF and CSV documents are read as the new content of that
    initiative's graph (as ``mosaic load --initiative`` would) and checked against the rest of
    ``store``. SSSOM files are checked as the mapping set of their name, against ``store``.
    Otherwise RDF documents are checked on their own, each named graph as it is.

    :raises ParameterError: for CSV without an initiative, or SSSOM without a store.
    :raises mosaic.errors.NoConceptError: when a vocabulary document defines no concept.
    :raises mosaic.errors.InputError: when a document cannot be read (syntax, unsafe input).
    """
    names = store.names if store is not None else GraphNames(settings.base_iri)
    replacements: dict[ox.NamedNode, list[ox.Triple]] = {}
    vocabularies = [s for s in sources if s.format != "sssom"]
    if initiative_id is not None and vocabularies:
        read = read_sources(settings, initiative_id, vocabularies)
        replacements[names.initiative(read.initiative_id)] = read.triples
    elif vocabularies:
        for index, source in enumerate(vocabularies):
            if source.format == "csv":
                raise ParameterError(
                    f"{source.name}: a CSV glossary needs --initiative (its concept IRIs are "
                    "minted in the initiative's namespace)",
                    parameter="initiative",
                )
            replacements.update(_document_graphs(source, names, settings, index))
    converter = load_converter(settings.ontology_dir / "prefixes.json")
    for source in (s for s in sources if s.format == "sssom"):
        set_id = validate_id(mapping_set_id_from_name(source.name), "mapping set id")
        result = read_source(
            source.data,
            format="sssom",
            source=source.name,
            initiative_id=None,
            base_iri=settings.base_iri,
            converter=converter,
            mapping_set_id=set_id,
        )
        result.raise_for_issues()
        replacements[names.mapping_set(set_id)] = result.triples
    context = store if store is not None else EmbeddedGraphStore(ox.Store(), names)
    return validate_replacement(context, load_shapes(settings.shapes_dir), replacements)


def document_base(settings: Settings) -> str:
    """What a document validated on its own resolves its relative IRIs against."""
    return f"{settings.base_iri}id/document/"


def _document_graphs(
    source: SourceFile, names: GraphNames, settings: Settings, index: int
) -> dict[ox.NamedNode, list[ox.Triple]]:
    """An RDF document's graphs: its named graphs as they are, its default graph as one more."""
    quads = parse_rdf(
        source.data,
        syntax_for_name(source.format),
        source=source.name,
        base_iri=document_base(settings),
        max_depth=settings.max_nesting_depth,
    )
    require_concepts(quads, [source.name])
    default = ox.NamedNode(f"{names.base}graph/document/{index}")
    graphs: dict[ox.NamedNode, list[ox.Triple]] = {}
    for quad in quads:
        graph = quad.graph_name if isinstance(quad.graph_name, ox.NamedNode) else default
        graphs.setdefault(graph, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return graphs
