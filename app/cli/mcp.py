"""``mosaic mcp``: the Model Context Protocol server over stdio, for AI assistants."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from mosaic.cli.context import command_settings, reported, store_options


@click.command("mcp")
@store_options
def mcp_command(store_path: Path | None, no_seed: bool) -> None:
    """Serve MOSAIC's tools to an AI assistant over stdio (Model Context Protocol).

    Read-only: resolve a term, show a concept, compare definitions, list candidate alignments,
    run a named query or a SPARQL query (screened, budgeted and capped as /sparql). An MCP
    client starts this command and talks to it on stdin and stdout; logs go to stderr. It
    reads the store as it is when it starts, holding no lock: `mosaic serve` and `mosaic
    load` work beside it (restart it to see their changes).
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.mcp.server import run_stdio

    with reported():
        settings = command_settings(store_path, no_seed)
        logging.basicConfig(level=logging.WARNING)
        run_stdio(settings)
