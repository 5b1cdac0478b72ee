"""``mosaic scorecard ID``: an initiative's quality figures, as ``GET /initiatives/{id}/scorecard``.

Thin over :class:`mosaic.analysis.scorecard.Scorecards`, built here over the command's store.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mosaic.cli.context import (
    as_bad_argument,
    command_label_index,
    command_settings,
    open_command_store,
    reported,
    store_options,
)
from mosaic.cli.options import check_id
from mosaic.errors import NotFoundError
from mosaic.settings import Settings

if TYPE_CHECKING:
    from mosaic.analysis.scorecard_models import Scorecard


@click.command("scorecard")
@store_options
@click.argument("initiative_id", callback=check_id("initiative id"))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="text (a summary) or json (the API's document).",
)
def scorecard(store_path: Path | None, no_seed: bool, initiative_id: str, fmt: str) -> None:
    """The quality figures of INITIATIVE_ID, as GET /initiatives/{id}/scorecard gives them.

    SHACL findings by rule, concepts without a definition or a source, how much of each other
    initiative it maps to (and how those mappings stand), the conflicts naming its concepts,
    and the edition figures. An unknown initiative exits 2.
    """
    with reported("mosaic"):
        settings = command_settings(store_path, no_seed)
        card = _scorecard(settings, initiative_id)
    if fmt == "json":
        click.echo(card.model_dump_json(indent=2))
    else:
        click.echo("\n".join(scorecard_lines(card)))


def _scorecard(settings: Settings, initiative_id: str) -> Scorecard:
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.analysis.coverage import Analysis
    from mosaic.analysis.scorecard import Scorecards
    from mosaic.curation.workflow import Curation
    from mosaic.dataset.edition_views import previous_archive
    from mosaic.sparql.catalog import Catalog
    from mosaic.validation.rules import load_shapes

    store = open_command_store(settings, reading=True)
    try:
        catalog = Catalog.from_folder(settings.queries_dir)
        index = command_label_index(settings, store)
        scorecards = Scorecards(
            store,
            catalog,
            load_shapes(settings.shapes_dir),
            Analysis(store, catalog),
            Curation(store, catalog),
            lambda: index,
            partial(previous_archive, store),
        )
        try:
            return scorecards.get(initiative_id)
        except NotFoundError as exc:
            raise as_bad_argument(exc, "initiative_id") from exc
    finally:
        store.close()


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{round(share * 100)}%"


def scorecard_lines(card: Scorecard) -> list[str]:
    """The text form: a summary, then findings by rule, mappings per initiative, conflicts."""
    findings, docs = card.findings, card.documentation
    previous = card.previous_edition
    lines = [
        f"scorecard of {card.initiative}: {card.concepts} concepts, "
        f"{card.mapped_concepts} mapped to another initiative ({_pct(card.mapped_share)})",
        f"SHACL: {findings.violations} violations, {findings.warnings} warnings, "
        f"{findings.infos} notes",
    ]
    lines += [
        f"  {r.count:>5} {r.severity:<9} {r.rule} ({r.constraint or r.shape})"
        for r in findings.by_rule
    ]
    lines.append(
        f"documentation: {docs.without_definition} without a definition, "
        f"{docs.without_source} without a source"
    )
    mapped = [row for row in card.coverage if row.mappings]
    lines.append("maps to:" if mapped else "maps to: no other initiative yet")
    for row in mapped:
        split = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in row.split if v)
        lines.append(
            f"  {row.initiative}: {row.reached} of {row.concepts} concepts ({_pct(row.share)}); "
            f"{row.mappings} mappings: {split}"
        )
    unmapped = [row.initiative for row in card.coverage if not row.mappings]
    if unmapped:
        lines.append(f"  no mapping yet to: {', '.join(unmapped)}")
    kinds = ", ".join(f"{k} {n}" for k, n in card.conflicts.by_kind.items())
    lines.append(f"conflicts: {card.conflicts.total}" + (f" ({kinds})" if kinds else ""))
    rereview = card.needs_rereview
    lines.append(
        f"needs re-review: {rereview.count}" + (f" ({rereview.note})" if rereview.note else "")
    )
    if previous is not None:
        checked = (
            f"{previous.violations} violations, "
            if previous.violations is not None
            else "not validated (archived), "
        )
        conflicts = "" if previous.conflicts is None else f", {previous.conflicts} conflicts"
        lines.append(
            f"previous edition {previous.edition} ({previous.how}): {previous.concepts} "
            f"concepts, {checked}{previous.without_definition} without a definition, "
            f"{_pct(previous.mapped_share)} mapped{conflicts}"
        )
    else:
        lines.append(f"previous edition: none ({card.previous_edition_note})")
    return lines
