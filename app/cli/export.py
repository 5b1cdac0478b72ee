"""``mosaic export``: the whole store, one initiative's graph, or the curated mappings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mosaic.cli.context import (
    command_label_index,
    command_settings,
    open_command_store,
    reported,
    store_options,
)
from mosaic.cli.options import (
    check_id,
)
from mosaic.cli.oscal import OSCAL_DOCUMENTS, export_oscal
from mosaic.errors import (
    ParameterError,
)
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.io import serialize_quads, syntax_for_name
from mosaic.rdf.vocab import TURTLE_PREFIXES
from mosaic.sparql.catalog import Catalog

if TYPE_CHECKING:
    pass


@click.command()
@store_options
@click.option(
    "--initiative",
    "initiative_id",
    default=None,
    callback=check_id("initiative id"),
    help="Export one initiative's graph.",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    help="turtle, trig, ntriples, nquads, rdfxml or jsonld (default: the extension of -o; "
    "else trig for the whole store, turtle for one initiative).",
)
@click.option(
    "--mappings",
    is_flag=True,
    help="Export the curated mappings (with their review status) as SSSOM TSV instead.",
)
@click.option(
    "--mapping-set",
    "mapping_set",
    default=None,
    callback=check_id("mapping set id"),
    help="With --mappings: only this mapping set.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output; its extension (.nq, .nt, .ttl, "
    ".trig, .jsonld, .rdf; .sssom.tsv with --mappings) sets the format.",
)
@click.option(
    "--oscal",
    type=click.Choice(OSCAL_DOCUMENTS),
    default=None,
    help="OSCAL JSON instead: the catalog of --initiative's controls, or the mapping "
    "(curated crosswalk) from --initiative's controls to --target's.",
)
@click.option(
    "--target",
    default=None,
    callback=check_id("initiative id"),
    help="With --oscal mapping: the initiative the crosswalk maps to.",
)
def export(
    store_path: Path | None,
    no_seed: bool,
    initiative_id: str | None,
    fmt: str | None,
    mappings: bool,
    mapping_set: str | None,
    output: Path | None,
    oscal: str | None,
    target: str | None,
) -> None:
    """Export the whole store (all named graphs), one initiative's graph, or the mappings.

    The format follows the extension of -o; a --format that contradicts it is refused.
    With --oscal: an initiative's controls as an OSCAL catalog, or a crosswalk as an OSCAL
    mapping collection.
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.cli.export_target import export_format

    with reported():
        if oscal is not None or target is not None:
            export_oscal(
                store_path,
                no_seed,
                oscal or "catalog",
                initiative_id,
                target,
                fmt,
                mappings or mapping_set is not None,
                output,
            )
            return
        chosen = export_format(
            output, fmt, mappings=mappings or mapping_set is not None, whole_store=not initiative_id
        )
        if mappings or mapping_set:
            _export_mappings(store_path, no_seed, initiative_id, fmt, mapping_set, output)
            return
        syntax = syntax_for_name(chosen)
        settings = command_settings(store_path, no_seed)
        store = open_command_store(settings, reading=True)
        if initiative_id is not None:
            # Imported when the command runs: `mosaic --help` and other commands start faster.
            from mosaic.dataset.initiatives import initiative_graph

            graph = initiative_graph(
                store, Catalog.from_folder(settings.queries_dir), initiative_id
            )
            quads = store.graph_quads(graph)
        else:
            quads = list(store.all_quads())
        data = serialize_quads(quads, syntax, TURTLE_PREFIXES)
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)
            click.echo(f"wrote {len(quads)} triples to {output}", err=True)


def _export_mappings(
    store_path: Path | None,
    no_seed: bool,
    initiative_id: str | None,
    fmt: str | None,
    mapping_set: str | None,
    output: Path | None,
) -> None:
    """Write the curated mappings as SSSOM TSV (``mosaic export --mappings``)."""
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.curation.models import MappingFilter
    from mosaic.curation.sssom_export import to_sssom_tsv
    from mosaic.curation.workflow import Curation

    if fmt not in (None, "sssom"):
        raise ParameterError("--mappings writes SSSOM TSV; drop --format", parameter="format")
    if mapping_set is not None:
        validate_id(mapping_set, "mapping set id")
    if initiative_id is not None:
        validate_id(initiative_id)
    settings = command_settings(store_path, no_seed)
    store = open_command_store(settings, reading=True)
    index = command_label_index(settings, store)
    curation = Curation(store, Catalog.from_folder(settings.queries_dir))
    records = curation.stored(
        index, MappingFilter(initiative=initiative_id, mapping_set=mapping_set)
    )
    text = to_sssom_tsv(index, records)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(records)} mappings to {output}", err=True)
