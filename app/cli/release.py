"""``mosaic release``: write a versioned, reproducible bundle of the dataset.

The bundle is :mod:`mosaic.publish.release`'s; registered on the ``mosaic`` group in
:mod:`mosaic.cli`. Options are checked before any work (a bad version, date or an output folder
that is not empty: one line, exit code 2); the store is read as ``export`` reads it, so it
works while a server runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from mosaic.cli.context import (
    command_label_index,
    command_settings,
    open_command_store,
    progress_bar,
    reported,
    store_options,
)
from mosaic.errors import ParameterError
from mosaic.publish.releases import ReleaseShelf, check_version
from mosaic.sparql.catalog import Catalog


def _check_version(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    try:
        return check_version(value)
    except ParameterError as exc:
        raise click.BadParameter(exc.detail) from exc


def _check_date(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.publish.release import check_date

    if value is None:
        return None
    try:
        return check_date(value)
    except ParameterError as exc:
        raise click.BadParameter(exc.detail) from exc


@click.command()
@store_options
@click.option(
    "--version",
    "version",
    required=True,
    callback=_check_version,
    help="The release's version (a folder name and URL segment: 1.0, 2026.12, 1.0.0-rc.1).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder to write (new or empty; default: <releases_dir>/<version>, setting "
    "MOSAIC_RELEASES_DIR, var/releases in the current folder).",
)
@click.option(
    "--date",
    "date",
    default=None,
    callback=_check_date,
    help="The release date, YYYY-MM-DD (default: the latest date in the data; never the clock).",
)
@click.option(
    "--base-url",
    "base_url",
    default=None,
    help="Where the release will be served (its files under <base-url>releases/<version>/); "
    "default: the base IRI, which w3id.org redirects to the server.",
)
def release(
    store_path: Path | None,
    no_seed: bool,
    version: str,
    output: Path | None,
    date: str | None,
    base_url: str | None,
) -> None:
    """Write a release: a versioned, reproducible bundle of the dataset.

    Every graph (N-Quads, Turtle), the mappings (SSSOM TSV), the VoID/DCAT description,
    CITATION.cff and SHA-256 checksums; two runs on one store give the same bytes.
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.curation.workflow import Curation
    from mosaic.publish.facts import read_facts
    from mosaic.publish.release import write_release
    from mosaic.rdf.identifiers import load_converter

    with reported(str(output or version)):
        if base_url is not None and not base_url.startswith(("http://", "https://")):
            raise ParameterError(f"--base-url must be an http(s) URL, not {base_url!r}")
        service = (
            None if base_url is None else base_url if base_url.endswith("/") else base_url + "/"
        )
        settings = command_settings(store_path, no_seed)
        target = output if output is not None else settings.releases_dir / version
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise ParameterError(f"{target} exists and is not an empty folder", parameter="output")
        store = open_command_store(settings, reading=True)
        catalog = Catalog.from_folder(settings.queries_dir)
        converter = load_converter(settings.ontology_dir / "prefixes.json")
        facts = read_facts(store, catalog, f"{settings.base_iri}dataset")
        index = command_label_index(settings, store)
        curation = Curation(store, catalog)
        previous = ReleaseShelf(settings.releases_dir).releases()
        quads = list(store.all_quads())
        with progress_bar() as progress:
            summary = write_release(
                quads,
                facts,
                index,
                curation,
                converter,
                base_iri=settings.base_iri,
                version=version,
                output=target,
                date=date,
                service_url=service,
                previous=previous,
                progress=progress,
            )
        click.echo(
            f"wrote release {summary.version} ({summary.date}) to {summary.folder}: "
            f"{summary.files} files, {summary.bytes:,} bytes, {summary.quads} quads, "
            f"{summary.concepts} concepts",
            err=True,
        )
