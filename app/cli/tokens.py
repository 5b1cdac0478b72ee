"""``mosaic token``: the write tokens of the HTTP API (add, list, remove)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from mosaic.cli.context import (
    reported,
    resolve_tokens_file,
)
from mosaic.cli.options import (
    check_id,
    tokens_file_option,
)

if TYPE_CHECKING:
    pass


@click.group()
def token() -> None:
    """Manage the write tokens of the HTTP API (the tokens_file setting)."""


@token.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(("maintainer", "curator", "admin")),
    required=True,
    help="admin writes every initiative; maintainer and curator the ones listed.",
)
@click.option(
    "--initiative",
    "initiatives",
    multiple=True,
    callback=check_id("initiative id"),
    help="An initiative the token may write (repeatable).",
)
@click.option("--orcid", default=None, help="The ORCID iD of the token's holder.")
@tokens_file_option
def token_add(
    name: str,
    role: str,
    initiatives: tuple[str, ...],
    orcid: str | None,
    tokens_file: Path | None,
) -> None:
    """Create a write token for NAME and print it, once: only its hash is stored."""
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.access.tokens import add_token

    with reported():
        path = resolve_tokens_file(tokens_file)
        secret = add_token(path, name, role, initiatives, orcid)
        click.echo(secret)
        click.echo(
            f"added a {role} token for {name} to {path}; it is shown only this once", err=True
        )


@token.command("list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A table for people, or JSON for tools.",
)
@tokens_file_option
def token_list(fmt: str, tokens_file: Path | None) -> None:
    """List the write tokens: name, role, initiatives, created, last used (never a token)."""
    import dataclasses
    import json

    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.access.tokens import list_tokens

    with reported():
        path = resolve_tokens_file(tokens_file)
        listed = list_tokens(path)
        if fmt == "json":
            click.echo(json.dumps([dataclasses.asdict(t) for t in listed], indent=2))
            return
        if not listed:
            click.echo(f"no tokens in {path}", err=True)
            return
        rows = [("NAME", "ROLE", "INITIATIVES", "CREATED", "LAST USED")] + [
            (
                t.name,
                t.role,
                ",".join(t.initiatives) or ("(all)" if t.role == "admin" else "-"),
                t.created or "-",
                t.last_used or "never",
            )
            for t in listed
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            click.echo("  ".join(cells).rstrip())


@token.command("remove")
@click.argument("name")
@tokens_file_option
def token_remove(name: str, tokens_file: Path | None) -> None:
    """Revoke the tokens of NAME: a running server refuses them from its next request on."""
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.access.tokens import remove_token

    with reported():
        path = resolve_tokens_file(tokens_file)
        removed = remove_token(path, name)
        click.echo(f"removed {removed} token{'s' if removed != 1 else ''} of {name} from {path}")
