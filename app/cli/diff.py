"""``mosaic diff``: what changed between two editions of an initiative held by the store."""

from __future__ import annotations

from pathlib import Path

import click

from mosaic.cli.context import command_settings, open_command_store, reported, store_options
from mosaic.cli.options import check_id
from mosaic.errors import NotFoundError, ParameterError


@click.command("diff")
@store_options
@click.argument("initiative_id", callback=check_id("initiative id"))
@click.option("--from", "from_", default=None, help="The older edition (default: the previous).")
@click.option("--to", "to", default=None, help="The newer edition (default: the current).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="One line per change (text), or the JSON of GET /initiatives/{id}/changes.",
)
def diff(
    store_path: Path | None,
    no_seed: bool,
    initiative_id: str,
    from_: str | None,
    to: str | None,
    fmt: str,
) -> None:
    """List what changed in INITIATIVE_ID between two editions the store holds.

    Each load of a new edition keeps the old one (graph {base}graph/{id}/edition/{version});
    this compares two of them, or an archived one with the current graph: concepts added,
    removed, renumbered, renamed, with a changed definition (and the similarity of the two
    texts) or moved in the hierarchy. An edition the store does not hold exits with code 2.
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.dataset.edition_views import changes_between

    with reported(initiative_id):
        settings = command_settings(store_path, no_seed)
        store = open_command_store(settings, reading=True)
        try:
            changes = changes_between(store, initiative_id, from_, to)
        except NotFoundError as exc:
            parameter = "initiative" if exc.kind == "initiative" else ("to" if to else "from")
            raise ParameterError(exc.detail, parameter=parameter) from exc
        if fmt == "json":
            click.echo(changes.model_dump_json(by_alias=True, indent=2))
            return
        counts = ", ".join(f"{n} {kind}" for kind, n in changes.counts.items())
        click.echo(f"{initiative_id} {changes.from_edition} -> {changes.to_edition}: {counts}")
        for c in changes.changes:
            line = f"{c.kind:<19} {c.notation or c.concept}"
            if c.label:
                line += f" ({c.label})"
            if c.successor:
                line += f" -> {c.successor}"
            if c.kind == "definition-changed":
                line += f" similarity {c.similarity}"
            elif c.before is not None or c.after is not None:
                line += f": {c.before} -> {c.after}"
            click.echo(line)
