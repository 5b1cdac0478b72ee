"""``mosaic resolve`` and ``mosaic align``: terms to concepts, and candidate mappings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mosaic.cli.context import (
    as_bad_argument,
    command_label_index,
    command_settings,
    open_command_store,
    progress_bar,
    reported,
    store_options,
)
from mosaic.cli.options import (
    check_id,
)
from mosaic.errors import (
    NotFoundError,
)
from mosaic.rdf.vocab import KINDS
from mosaic.sparql.catalog import Catalog
from mosaic.terms.align import DEFAULT_LIMIT as ALIGN_LIMIT
from mosaic.terms.align import DEFAULT_MIN_SCORE as ALIGN_MIN_SCORE
from mosaic.terms.align import DEFAULT_PER_CONCEPT as ALIGN_PER_CONCEPT
from mosaic.terms.align import MAX_LIMIT as ALIGN_MAX_LIMIT
from mosaic.terms.align import MAX_PER_CONCEPT as ALIGN_MAX_PER_CONCEPT
from mosaic.terms.resolve import DEFAULT_LIMIT as RESOLVE_DEFAULT_LIMIT
from mosaic.terms.resolve import MAX_LIMIT as RESOLVE_MAX_LIMIT

if TYPE_CHECKING:
    pass


@click.command()
@store_options
@click.argument("term")
@click.option(
    "--initiative",
    "initiative_id",
    default=None,
    callback=check_id("initiative id"),
    help="Only this initiative.",
)
@click.option("--kind", type=click.Choice(sorted(KINDS)), default=None, help="Only this kind.")
@click.option(
    "--limit",
    type=click.IntRange(1, RESOLVE_MAX_LIMIT),
    default=RESOLVE_DEFAULT_LIMIT,
    show_default=True,
    help="At most this many.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def resolve(
    store_path: Path | None,
    no_seed: bool,
    term: str,
    initiative_id: str | None,
    kind: str | None,
    limit: int,
    fmt: str,
) -> None:
    """Resolve TERM (a label, notation, CURIE or IRI) to the concepts of every initiative.

    Matches are exact, normalised (case, punctuation, plurals, acronyms), fuzzy (typos,
    prefixes) or semantic; they are ranked and grouped into senses (concepts linked by exact
    or close mappings).
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.terms.resolve import check_query, resolve_term

    with reported("<term>"):
        check_query(term, parameter="TERM")
        settings = command_settings(store_path, no_seed)
        index = command_label_index(settings, open_command_store(settings, reading=True))
        try:
            result = resolve_term(index, term, initiative=initiative_id, kind=kind, limit=limit)
        except NotFoundError as exc:
            raise as_bad_argument(exc, "initiative") from exc
        if fmt == "json":
            click.echo(result.model_dump_json(indent=2))
            return
        if not result.senses:
            click.echo(f"no concept matches {result.query!r}", err=True)
        for sense in result.senses:
            click.echo(f"sense {sense.id}: {sense.label} ({', '.join(sense.initiatives)})")
            for item in sense.concepts:
                via = (
                    ""
                    if item.matched_label == item.label
                    else f"  via {item.matched_property} {item.matched_label!r}"
                )
                click.echo(
                    f"  {item.score:.2f}  {item.match_type:<10}  {item.curie or item.iri}  "
                    f"{item.label}  [{item.initiative}, {item.kind}]{via}"
                )


@click.command()
@store_options
@click.argument("source", callback=check_id("initiative id"))
@click.argument("target", callback=check_id("initiative id"))
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=ALIGN_MIN_SCORE,
    show_default=True,
    help="Lowest confidence kept.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, ALIGN_MAX_LIMIT),
    default=ALIGN_LIMIT,
    show_default=True,
    help="At most this many rows, best first.",
)
@click.option(
    "--per-concept",
    type=click.IntRange(1, ALIGN_MAX_PER_CONCEPT),
    default=ALIGN_PER_CONCEPT,
    show_default=True,
    help="Candidates per source concept.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["sssom", "json"]),
    default="sssom",
    show_default=True,
    help="SSSOM TSV with its metadata block, or JSON.",
)
@click.option(
    "--include-no-match",
    is_flag=True,
    default=False,
    help="Also write a sssom:NoTermFound row for each source judged to have no counterpart.",
)
@click.option(
    "--quiet", "-q", is_flag=True, default=False, help="No progress bar (stderr) while it works."
)
def align(
    store_path: Path | None,
    no_seed: bool,
    source: str,
    target: str,
    min_score: float,
    limit: int,
    per_concept: int,
    fmt: str,
    include_no_match: bool,
    quiet: bool,
) -> None:
    """Compute candidate mappings from initiative SOURCE's concepts to TARGET's.

    The learned ranker proposes up to PER_CONCEPT candidates for each source concept that its
    "no match" model does not judge to be without counterpart, each with a confidence and its
    reasons; each row says whether the graph already holds the mapping (curated) or a negative
    one (rejected). Rows below the minimum score are not written. A progress bar shows on
    stderr when it is a terminal (never on stdout, which carries the result).
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.dataset.initiatives import read_initiative_summary
    from mosaic.terms import align as matcher
    from mosaic.terms.alignment_export import to_sssom_tsv

    with reported("<align>"):
        settings = command_settings(store_path, no_seed)
        store = open_command_store(settings, reading=True)
        catalog = Catalog.from_folder(settings.queries_dir)
        for parameter, initiative_id in (("source", source), ("target", target)):
            try:  # one registry query, before the label index is built
                read_initiative_summary(store, catalog, initiative_id)
            except NotFoundError as exc:
                raise as_bad_argument(exc, parameter) from exc
        with progress_bar(quiet=quiet) as progress:
            progress("building the label index", 0, 1)
            index = command_label_index(settings, store)
            try:
                alignment = matcher.align(
                    index,
                    source,
                    target,
                    min_score=min_score,
                    limit=limit,
                    per_concept=per_concept,
                    include_no_match=include_no_match,
                    progress=progress,
                )
            except NotFoundError as exc:
                parameter = "target" if exc.identifier == target and source != target else "source"
                raise as_bad_argument(exc, parameter) from exc
        if fmt == "json":
            click.echo(alignment.model_dump_json(indent=2))
        else:
            sys.stdout.write(to_sssom_tsv(index, alignment))
