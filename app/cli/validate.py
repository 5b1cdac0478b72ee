"""``mosaic validate``: the SHACL report of files or of the store; nothing is written."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mosaic.cli.context import (
    command_settings,
    open_command_store,
    reported,
    store_options,
)
from mosaic.cli.options import (
    INPUT_FORMATS,
    check_id,
)
from mosaic.dataset.load import (
    SourceFile,
)
from mosaic.dataset.sources import detect_format
from mosaic.errors import (
    ParameterError,
    SourceLocation,
)
from mosaic.rdf.vocab import concept_namespace
from mosaic.settings import Settings

if TYPE_CHECKING:
    from mosaic.validation.models import ValidationReport


VALIDATION_FORMATS = ("text", "json", "turtle")


@click.command()
@store_options
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--initiative",
    "initiative_id",
    default=None,
    callback=check_id("initiative id"),
    help="Validate this initiative's graph, or FILES as its new content (in the store's context).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(VALIDATION_FORMATS),
    default="text",
    show_default=True,
    help="Report format: text, json ({conforms, results}) or turtle (sh:ValidationReport).",
)
@click.option(
    "--input-format",
    type=click.Choice(INPUT_FORMATS),
    default=None,
    help="Format of FILES when the extension does not tell.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    default=False,
    help="Text report: list every result (default: summarised per rule beyond a few).",
)
def validate(
    store_path: Path | None,
    no_seed: bool,
    files: tuple[Path, ...],
    initiative_id: str | None,
    fmt: str,
    input_format: str | None,
    verbose: bool,
) -> None:
    """Check FILES (or the store) against the SHACL rules of shapes/; nothing is written.

    Without FILES, the store is validated (or one initiative's graph with --initiative). FILES
    are validated on their own, or with --initiative as the new content of that initiative,
    checked against the rest of the store. SSSOM files are checked as mapping sets against the
    store. Exit code 0 when there is no Violation, 1 when there is, 2 for unreadable input.
    The text report lists a rule's results in full up to a few, then how many more
    (--verbose lists every one); json and turtle hold every result.
    """
    with reported(str(files[0]) if files else "mosaic"):
        settings = command_settings(store_path, no_seed)
        report, locations = _validation_report(settings, files, initiative_id, input_format)
        _print_report(report, fmt, settings, verbose=verbose, locations=locations)
    sys.exit(0 if report.conforms else 1)


def _validation_report(
    settings: Settings,
    files: tuple[Path, ...],
    initiative_id: str | None,
    input_format: str | None,
) -> tuple[ValidationReport, dict[str, SourceLocation]]:
    """The report of ``mosaic validate``, and where FILES describe its focus nodes.

    The store, when opened, is closed on return.
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.dataset.checks import document_base, validate_documents, validate_store
    from mosaic.dataset.load import finding_locations

    sources = [_source_file(path, input_format) for path in files]
    needs_store = not files or initiative_id is not None
    needs_store = needs_store or any(s.format == "sssom" for s in sources)
    store = open_command_store(settings, reading=True) if needs_store else None
    try:
        if store is not None and not files:
            return validate_store(store, settings, initiative_id), {}
        report = validate_documents(settings, sources, store=store, initiative_id=initiative_id)
        base = (
            concept_namespace(initiative_id, settings.base_iri).iri
            if initiative_id is not None
            else document_base(settings)
        )
        return report, finding_locations(report, sources, base)
    finally:
        if store is not None:
            store.close()


def _source_file(path: Path, fmt: str | None) -> SourceFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParameterError(f"cannot read {path}: {exc.strerror}") from exc
    return SourceFile(data, str(path), fmt or detect_format(path))


def _print_report(
    report: ValidationReport,
    fmt: str,
    settings: Settings,
    *,
    verbose: bool = False,
    locations: dict[str, SourceLocation] | None = None,
) -> None:
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.cli.report import report_lines
    from mosaic.validation.report import report_to_json, report_to_turtle
    from mosaic.validation.rules import load_shapes

    if fmt == "json":
        click.echo(report_to_json(report))
    elif fmt == "turtle":
        shapes = load_shapes(settings.shapes_dir)
        sys.stdout.buffer.write(report_to_turtle(report, shapes))
    else:
        click.echo("\n".join(report_lines(report, verbose=verbose, locations=locations)))
