"""The ``mosaic`` command line: thin commands over the library.

Exit codes: 0 success, 1 findings (validation), 2 bad input or arguments. Every
:class:`~mosaic.errors.InputError` becomes one line per problem on stderr,
``file:line:column: message``, and exit code 2; so does an option out of range (checked by
click before any work) and a write to a store a running server holds
(:mod:`mosaic.store.sharing`: reading commands work while the server runs).

One module per command group; this one only assembles the ``mosaic`` group.
"""

from __future__ import annotations

import click

from mosaic.cli.backup import backup, restore
from mosaic.cli.diff import diff
from mosaic.cli.export import export
from mosaic.cli.guidance import guidance
from mosaic.cli.lint import lint
from mosaic.cli.load import load, seed_command
from mosaic.cli.mcp import mcp_command
from mosaic.cli.options import MosaicGroup
from mosaic.cli.query import query
from mosaic.cli.release import release
from mosaic.cli.scorecard import scorecard
from mosaic.cli.server import serve
from mosaic.cli.terms import align, resolve
from mosaic.cli.tokens import token
from mosaic.cli.train import train_command
from mosaic.cli.validate import validate


@click.group(cls=MosaicGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mosaic-kg")
def cli() -> None:
    """MOSAIC: the shared knowledge graph of AI-security standards."""


for _command in (
    serve,
    load,
    query,
    export,
    resolve,
    align,
    train_command,
    validate,
    token,
    seed_command,
    backup,
    restore,
    release,
    mcp_command,
    lint,
    guidance,
    scorecard,
    diff,
):
    cli.add_command(_command)


def main() -> None:
    """Entry point of the ``mosaic`` console script."""
    cli(prog_name="mosaic")
