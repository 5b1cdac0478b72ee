"""``mosaic lint FILE...``: the terminology check of drafts, for people and for CI.

Exit codes: 0 when no finding reaches ``--fail-on``, 1 when one does, 2 for bad input (a file
that does not exist or is not text: one ``file:line:column: message`` line per problem, every
file checked first) or a bad option. The report goes to stdout (or ``--output``) as text lines
``file:line:column: severity rule message``, one JSON document, or SARIF 2.1.0; a one-line
summary goes to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

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
from mosaic.errors import LoadError, LoadIssue, NotFoundError
from mosaic.terms.lint_models import SEVERITIES
from mosaic.terms.regions import KINDS, kind_of_path

STDIN = "-"


def _stdin_bytes() -> bytes:
    return sys.stdin.buffer.read()


def _read_drafts(files: tuple[str, ...], input_format: str | None) -> list[tuple[str, str, str]]:
    """Each file's name, kind and text.

    :raises LoadError: listing every file that is missing, unreadable or not UTF-8 text.
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.terms.text_input import decode_text

    drafts = []
    issues: list[LoadIssue] = []
    for name in files:
        try:
            raw = _stdin_bytes() if name == STDIN else Path(name).read_bytes()
        except OSError as exc:
            issues.append(LoadIssue(name, None, None, exc.strerror or str(exc)))
            continue
        try:
            text = decode_text(raw, name)
        except LoadError as exc:
            issues.extend(exc.issues)
            continue
        drafts.append((name, input_format or kind_of_path(name), text))
    if issues:
        raise LoadError(issues)
    return drafts


@click.command("lint")
@store_options
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="text: file:line:column: severity rule message; json: one document; sarif: SARIF 2.1.0.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="error",
    show_default=True,
    help="Exit with 1 when a finding of this severity or a more serious one is present.",
)
@click.option(
    "--initiative",
    "initiative_id",
    default=None,
    callback=check_id("initiative id"),
    help="The initiative the draft follows: its senses settle ambiguous terms and lead lists.",
)
@click.option(
    "--input-format",
    type=click.Choice(KINDS),
    default=None,
    help="Read every FILE as this (default: .md Markdown, .html HTML, else plain text).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file instead of stdout.",
)
def lint(
    store_path: Path | None,
    no_seed: bool,
    files: tuple[str, ...],
    fmt: str,
    fail_on: str,
    initiative_id: str | None,
    input_format: str | None,
    output: Path | None,
) -> None:
    """Check the terminology of drafts (FILE ... Markdown, HTML or text; - reads stdin).

    Reports ambiguous terms, definitions unlike the initiatives', alternative, outdated or
    deprecated names, concepts used but never cited, and identifiers that do not exist
    (AML.T9999, LLM11:2025). Exit code 1 when a finding at or above --fail-on is present.
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.sparql.catalog import Catalog
    from mosaic.terms.lint import fails, lint_report, lint_text, text_lines
    from mosaic.terms.lint_context import lint_context
    from mosaic.terms.sarif import sarif_json

    with reported("<lint>"):
        drafts = _read_drafts(files, input_format)
        settings = command_settings(store_path, no_seed)
        store = open_command_store(settings, reading=True)
        index = command_label_index(settings, store)
        try:
            context = lint_context(
                index, store, Catalog.from_folder(settings.queries_dir), initiative_id
            )
        except NotFoundError as exc:
            raise as_bad_argument(exc, "initiative") from exc
        linted = [lint_text(context, text, kind, name) for name, kind, text in drafts]
        report = lint_report(context, linted)
    if fmt == "sarif":
        body = sarif_json(report)
    elif fmt == "json":
        body = report.model_dump_json(indent=2) + "\n"
    else:
        lines = text_lines(report)
        body = "".join(f"{line}\n" for line in lines)
    if output is not None:
        output.write_text(body, encoding="utf-8")
    else:
        click.echo(body, nl=False)
    counts = ", ".join(
        f"{n} {severity}{'s' if n != 1 else ''}" for severity, n in report.counts.items()
    )
    click.echo(f"{counts} in {len(linted)} file{'s' if len(linted) != 1 else ''}", err=True)
    if fails(report, fail_on):  # type: ignore[arg-type]
        raise SystemExit(1)
