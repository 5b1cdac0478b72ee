"""Backing up and restoring the on-disk store.

A backup is pyoxigraph's consistent copy of the store (``Store.backup``), openable as a store.
A restore checks that the backup opens, copies it beside the store, then swaps folders by
renaming, so that a failed restore leaves the store as it was.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pyoxigraph as ox

from mosaic.errors import ParameterError, StoreError, StoreInUseError
from mosaic.store.embedded import is_lock_error
from mosaic.store.protocol import GraphStore


def backup_store(store: GraphStore, target: Path) -> int:
    """Write a consistent copy of ``store`` to ``target``; return the number of quads copied.

    :raises ParameterError: when ``target`` already exists.
    :raises StoreError: when the copy fails.
    """
    if target.exists():
        raise ParameterError(f"{target} already exists; choose a new folder for the backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    store.backup(target)
    return len(store)


def restore_store(source: Path, store_path: Path) -> int:
    """Replace the store folder with a copy of the backup at ``source``.

    The store must not be open (stop the server first: RocksDB's lock refuses a second writer).

    :returns: the number of quads in the restored store.
    :raises ParameterError: when ``source`` is not a readable store.
    :raises StoreInUseError: when another process holds the store.
    :raises StoreError: when the swap fails.
    """
    try:
        count = len(ox.Store.read_only(str(source)))
    except (OSError, RuntimeError) as exc:  # a damaged backup is a RocksDB RuntimeError
        raise ParameterError(f"{source} is not a MOSAIC store backup: {exc}") from exc
    if store_path.exists():
        try:
            ox.Store(str(store_path))  # take and release the lock: refuse while a server runs
        except OSError as exc:
            if is_lock_error(exc):
                raise StoreInUseError(
                    f"the store at {store_path} is in use; stop the server first", path=store_path
                ) from exc
            raise StoreError(f"cannot open the store at {store_path}: {exc}") from exc
        except RuntimeError:
            # Damaged ("Corruption"): what a restore is for. RocksDB takes its lock before it
            # reads anything, so a store a server holds fails above, as in use, not here.
            pass
    staging = store_path.with_name(f"{store_path.name}.restore-{uuid.uuid4().hex[:8]}")
    retired = store_path.with_name(f"{store_path.name}.old-{uuid.uuid4().hex[:8]}")
    shutil.copytree(source, staging)
    try:
        if store_path.exists():
            store_path.rename(retired)
        staging.rename(store_path)
    except OSError as exc:
        if retired.exists() and not store_path.exists():
            retired.rename(store_path)
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"restoring into {store_path} failed: {exc}") from exc
    shutil.rmtree(retired, ignore_errors=True)
    return count
