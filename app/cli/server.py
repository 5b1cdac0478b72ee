"""``mosaic serve``: the HTTP API over the on-disk store, or a remote one."""

from __future__ import annotations

import contextlib
import logging
import time
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
    field_range,
)
from mosaic.store.sharing import exit_on_sigterm, refuse_if_held

if TYPE_CHECKING:
    pass


@click.command()
@store_options
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=field_range("port"), default=None, help="Port (default 8000).")
@click.option(
    "--workers",
    type=field_range("workers"),
    default=None,
    help="Uvicorn worker processes (default 1); above 1, an Oxigraph server on 127.0.0.1 "
    "holds the store and every worker uses it (docs/deployment.md).",
)
@click.option(
    "--store-url",
    default=None,
    help="SPARQL 1.1 query endpoint of a remote store to use instead of the on-disk one "
    "(setting MOSAIC_STORE_URL).",
)
@click.option(
    "--query-timeout",
    type=field_range("query_timeout"),
    default=None,
    help="Seconds a /sparql query may run before its worker is killed (default 30).",
)
@click.option(
    "--query-workers",
    type=field_range("query_workers"),
    default=None,
    help="Query worker processes (default: cores).",
)
def serve(
    store_path: Path | None,
    no_seed: bool,
    host: str | None,
    port: int | None,
    workers: int | None,
    store_url: str | None,
    query_timeout: float | None,
    query_workers: int | None,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs) over the on-disk store, or a remote one.

    While it runs, reading commands (query, export, resolve, align, validate, backup) on the
    same store read a snapshot it publishes after every write; writing commands are refused.
    """
    import uvicorn

    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.api import create_app
    from mosaic.serve import oxigraph_server, run_workers, worker_settings
    from mosaic.store.sharing import announcing, server_url, sharing

    todo = "stop it first, or serve another --store"

    with reported():
        settings = command_settings(
            store_path,
            no_seed,
            host=host,
            port=port,
            workers=workers,
            store_url=store_url,
            query_timeout=query_timeout,
            query_workers=query_workers,
        )
        logging.basicConfig(level=settings.log_level.upper())
        started = time.perf_counter()
        url = server_url(settings.host, settings.port)
        if settings.workers > 1:
            with contextlib.ExitStack() as stack:
                if settings.store_url is None:
                    store_path = settings.store_path
                    refuse_if_held(store_path, settings.base_iri, todo)
                    server = stack.enter_context(
                        oxigraph_server(store_path, query_timeout=settings.query_timeout)
                    )
                    settings = worker_settings(settings, server)
                    click.echo(f"Oxigraph server over {store_path} at {server.base}", err=True)
                    stack.enter_context(announcing(store_path, url, server.query_url))
                open_command_store(settings, announce=True).close()
                click.echo(f"store ready in {time.perf_counter() - started:.2f} s", err=True)
                exit_on_sigterm()
                run_workers(settings)
            return
        store = open_command_store(settings, announce=True, todo=todo)
        with contextlib.ExitStack() as stack:
            if settings.store_url is None:
                stack.enter_context(sharing(store, settings.store_path, url))
            click.echo(f"store ready in {time.perf_counter() - started:.2f} s", err=True)
            exit_on_sigterm()
            uvicorn.run(
                create_app(settings, store=store),
                host=settings.host,
                port=settings.port,
                log_level=settings.log_level,
            )
