"""``mosaic query``: SPARQL text, a .rq file or a named query, with its results on stdout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import pyoxigraph as ox

from mosaic.cli.context import (
    command_settings,
    open_command_store,
    reported,
    store_options,
)
from mosaic.errors import (
    ParameterError,
)
from mosaic.sparql.catalog import Catalog

if TYPE_CHECKING:
    pass


RESULT_FORMATS = ("json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld", "rdfxml")


@click.command()
@store_options
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS),
    default=None,
    help="Result format (default: json for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Parameter of a named query (repeatable).",
)
def query(
    store_path: Path | None,
    no_seed: bool,
    query: str,
    fmt: str | None,
    params: tuple[str, ...],
) -> None:
    """Run QUERY: SPARQL text, a .rq file, or the name of a query of queries/.

    Queries see the union of all named graphs as their default graph.
    """
    with reported(query if query.endswith(".rq") else "<query>"):
        settings = command_settings(store_path, no_seed)
        catalog = Catalog.from_folder(settings.queries_dir)
        values = dict(_split_param(p) for p in params)
        substitutions: dict[str, Any] = {}
        if query in catalog:
            named = catalog[query]
            text = named.sparql
            substitutions = named.bind(values)
        elif query.endswith(".rq"):
            try:
                text = Path(query).read_text(encoding="utf-8")
            except OSError as exc:
                raise ParameterError(f"cannot read {query}: {exc.strerror}") from exc
        else:
            text = query
        if values and not substitutions:
            raise ParameterError("--param is only for named queries")
        store = open_command_store(settings, reading=True)
        result = store.run(text, substitutions)
        sys.stdout.buffer.write(_serialize_result(result, fmt))


def _split_param(raw: str) -> tuple[str, str]:
    name, sep, value = raw.partition("=")
    if not sep or not name:
        raise ParameterError(f"--param {raw!r}: expected NAME=VALUE", parameter="param")
    return name, value


_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def _serialize_result(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str | None
) -> bytes:
    if isinstance(result, ox.QueryTriples):
        graph_format = _GRAPH_FORMATS.get(fmt or "turtle")
        if graph_format is None:
            raise ParameterError(
                f"--format {fmt} is for SELECT and ASK results", parameter="format"
            )
        data = result.serialize(format=graph_format)
    else:
        results_format = _RESULT_FORMATS.get(fmt or "json")
        if results_format is None:
            raise ParameterError(
                f"--format {fmt} is for CONSTRUCT and DESCRIBE results", parameter="format"
            )
        data = result.serialize(format=results_format)
    return (data or b"") + (b"" if (data or b"").endswith(b"\n") else b"\n")
