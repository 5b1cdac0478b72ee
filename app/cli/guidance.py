"""``mosaic guidance TERM``: a threat's controls across initiatives, on the command line.

With ``--control``, the reverse: the threats a control addresses. The same answer as
``GET /guidance`` (:mod:`mosaic.guidance`), as text, JSON or CSV. A term that is ambiguous or
unknown is a bad argument: one line, exit code 2, with the senses to choose from in the line.
"""

from __future__ import annotations

from pathlib import Path

import click

from mosaic.cli.context import (
    command_label_index,
    command_settings,
    open_command_store,
    reported,
    store_options,
)
from mosaic.errors import AmbiguousTermError, NotFoundError, ParameterError
from mosaic.guidance.answer import ask
from mosaic.guidance.facts import read_facts
from mosaic.guidance.models import GuidanceAnswer
from mosaic.guidance.table import to_csv
from mosaic.sparql.catalog import Catalog


def _text(answer: GuidanceAnswer) -> list[str]:
    """The answer as lines of text: the sense, then each row and its members, then incidents."""
    other = "control" if answer.direction == "threat" else "threat"
    names = ", ".join(c.curie or c.iri for c in answer.concepts)
    lines = [
        f"{answer.direction} {answer.sense}: {answer.label} ({names})",
        f"{answer.totals.rows} {other} senses from {answer.totals.initiatives} initiatives, "
        f"{answer.totals.incidents} incidents",
    ]
    for row in answer.rows:
        lines.append(f"- {row.label} [{', '.join(row.initiatives)}]")
        for member in row.members:
            said = sorted({f"{p.kind} by {p.by}" for p in member.provenance})
            lines.append(
                f"    {member.initiative}: {member.curie or member.iri} {member.label} "
                f"({member.reached}; {'; '.join(said)})"
            )
        if row.gaps:
            lines.append(f"    gap in: {', '.join(row.gaps)}")
        if row.verified_by:
            lines.append(f"    verified by: {', '.join(r.curie or r.iri for r in row.verified_by)}")
        if row.obligations:
            lines.append(f"    obligations: {', '.join(r.curie or r.iri for r in row.obligations)}")
    for incident in answer.incidents:
        lines.append(f"incident {incident.date or '?'} {incident.label} <{incident.source}>")
    return lines


@click.command()
@store_options
@click.argument("term")
@click.option(
    "--control",
    "as_control",
    is_flag=True,
    default=False,
    help="TERM names a control: list the threats it addresses.",
)
@click.option(
    "--no-related",
    is_flag=True,
    default=False,
    help="Leave out the controls of threats linked only by relatedMatch.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def guidance(
    store_path: Path | None,
    no_seed: bool,
    term: str,
    as_control: bool,
    no_related: bool,
    fmt: str,
) -> None:
    """Every initiative's controls against the threat TERM, and who says so.

    TERM is a label, notation, CURIE or IRI, resolved as `mosaic resolve` does. The answer
    groups the controls by sense (the same control named by several initiatives is one row),
    says how each was reached (declared by its initiative, through a curated crosswalk...),
    and lists the requirements that verify it, the obligations it helps meet and the
    incidents where the threat happened.
    """
    with reported("<term>"):
        settings = command_settings(store_path, no_seed)
        store = open_command_store(settings, reading=True)
        index = command_label_index(settings, store)
        facts = read_facts(store, Catalog.from_folder(settings.queries_dir))
        asked = {"control": term} if as_control else {"threat": term}
        try:
            answer = ask(index, facts, related=not no_related, **asked)
        except AmbiguousTermError as exc:
            choices = "; ".join(f"{s['id']} ({s['label']})" for s in exc.senses)
            raise ParameterError(f"{exc.detail}: {choices}", parameter="TERM") from exc
        except NotFoundError as exc:
            kind = "control" if as_control else "threat"
            raise ParameterError(f"no {kind} matches {term!r}", parameter="TERM") from exc
        if fmt == "json":
            click.echo(answer.model_dump_json(indent=2))
        elif fmt == "csv":
            click.echo(to_csv(answer), nl=False)
        else:
            for line in _text(answer):
                click.echo(line)
