"""``mosaic backup`` and ``mosaic restore``: a consistent copy of the embedded store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from mosaic.cli.context import (
    STOP_FIRST,
    command_settings,
    open_command_store,
    reported,
    store_options,
)
from mosaic.errors import (
    ParameterError,
    StoreInUseError,
)
from mosaic.settings import Settings
from mosaic.store.backup import backup_store, restore_store
from mosaic.store.endpoints import REMOTE_BACKUP
from mosaic.store.sharing import in_use_error

if TYPE_CHECKING:
    pass


@click.command()
@store_options
@click.argument("target", type=click.Path(path_type=Path))
def backup(store_path: Path | None, no_seed: bool, target: Path) -> None:
    """Write a consistent copy of the store to TARGET (a new folder)."""
    with reported(str(target)):
        settings = command_settings(store_path, no_seed)
        _embedded_only(settings)
        store = open_command_store(settings, reading=True)
        count = backup_store(store, target)
        click.echo(f"backed up {count} quads to {target}")


@click.command()
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store folder to replace (default: setting MOSAIC_STORE).",
)
@click.argument("source", type=click.Path(path_type=Path))
def restore(store_path: Path | None, source: Path) -> None:
    """Replace the store with the backup at SOURCE (stop the server first)."""
    with reported(str(source)):
        settings = command_settings(store_path, True)
        _embedded_only(settings)
        try:
            count = restore_store(source, settings.store_path)
        except StoreInUseError as exc:
            raise in_use_error(exc.path, STOP_FIRST) from exc
        click.echo(f"restored {count} quads into {settings.store_path}")


def _embedded_only(settings: Settings) -> None:
    """Refuse backup and restore of a remote store: its server has its own tools.

    :raises ParameterError: when ``store_url`` is set.
    """
    if settings.store_url is not None:
        raise ParameterError(f"{settings.store_url}: {REMOTE_BACKUP}", parameter="store_url")
