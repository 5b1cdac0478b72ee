"""Reading a source file into RDF triples for one graph, reporting every problem found.

``read_source`` picks the reader by format: any RDF syntax pyoxigraph reads (Turtle, TriG,
N-Triples, N-Quads, RDF/XML, JSON-LD), the CSV glossary format, or SSSOM TSV mapping sets.
Upstream formats (ATLAS YAML, OWASP Markdown...) are read by converters
(:mod:`mosaic.dataset.converters`). No reader touches the store or the network.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import curies
import pyoxigraph as ox

from mosaic.curation.sssom import is_sssom_file, parse_sssom
from mosaic.dataset.glossary import parse_csv_glossary
from mosaic.errors import ParameterError
from mosaic.rdf.io import MAX_NESTING_DEPTH, syntax_for_name, syntax_for_path
from mosaic.rdf.source import LoadResult, read_rdf
from mosaic.settings import Settings

#: ``progress(step, done, total)`` is called as a long operation advances.
Progress = Callable[[str, int, int], None]


def prefixes_file(settings: Settings) -> Path:
    """The prefix map file (``prefixes.json``) of the configured ontology folder."""
    return settings.ontology_dir / "prefixes.json"


def in_graph(
    triples: Sequence[ox.Triple] | Sequence[ox.Quad], graph: ox.NamedNode
) -> list[ox.Quad]:
    """Triples (or the triples of quads) as quads of ``graph``."""
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


#: Formats ``read_source`` accepts besides the RDF syntaxes of :mod:`mosaic.rdf.io`.
TABULAR_FORMATS = ("csv", "sssom")


def detect_format(path: Path) -> str:
    """The format name a file's extension implies.

    :raises ParameterError: when the extension is not one we know (use ``--format``).
    """
    name = path.name.lower()
    if is_sssom_file(name):
        return "sssom"
    if name.endswith(".csv"):
        return "csv"
    syntax = syntax_for_path(path)
    if syntax is None:
        raise ParameterError(
            f"{path}: cannot tell the format from the extension; pass --format", parameter="format"
        )
    return syntax.name


def read_source(
    data: bytes,
    *,
    format: str,
    source: str,
    initiative_id: str | None,
    base_iri: str,
    converter: curies.Converter,
    mapping_set_id: str | None = None,
    max_depth: int = MAX_NESTING_DEPTH,
) -> LoadResult:
    """Read one source of the given format into a :class:`LoadResult`.

    :param data: the file content.
    :param format: ``csv``, ``sssom``, or an RDF syntax name or media type.
    :param source: the name used in issues (a path or a request path).
    :param initiative_id: the initiative the vocabulary belongs to (CSV needs it to mint IRIs).
    :param base_iri: the configured base IRI.
    :param converter: the CURIE converter (SSSOM files).
    :param mapping_set_id: the mapping set id for an SSSOM file.
    :param max_depth: the nesting allowed in JSON-LD and RDF/XML (``max_nesting_depth``).
    :raises ParameterError: for an unknown format, or CSV without an initiative.
    """
    if format == "csv":
        if initiative_id is None:
            raise ParameterError("a CSV glossary needs an initiative id", parameter="initiative")
        return parse_csv_glossary(
            data, initiative_id=initiative_id, base_iri=base_iri, source=source
        )
    if format == "sssom":
        set_id = mapping_set_id or "mappings"
        return parse_sssom(
            data, set_id=set_id, base_iri=base_iri, converter=converter, source=source
        )
    return read_rdf(
        data, syntax_for_name(format), source=source, base_iri=base_iri, max_depth=max_depth
    )
