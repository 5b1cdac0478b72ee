"""Sharing the on-disk store between a running server and the command line.

RocksDB lets one process open a store folder for writing, so while ``mosaic serve`` holds
``var/store`` no other process can open it the usual way. Opening the live folder read-only is
possible but unsafe while the server writes (it once failed with a RocksDB "Corruption" error on
these machines). So the server shares the store this way:

- **Run file.** Beside the store, ``<store>-server.json`` names the server: its pid, its URL,
  and where readers find the data. It is replaced atomically, removed when ``serve`` exits, and
  ignored when its pid is no longer alive (a server killed with SIGKILL leaves it behind).
- **Published snapshot.** The server writes a snapshot of the store (``Store.backup``: a RocksDB
  checkpoint, hard links, milliseconds) under ``<store>-published/gen-N`` when it starts and
  after every write, inside the write's lock so the snapshot is exactly what the write left,
  then names it in the run file. The previous generation is kept one round more; older ones
  are removed.
- **Readers** (``query``, ``export``, ``resolve``, ``align``, ``validate``, ``backup``) first try
  the usual open: RocksDB's lock, not the run file, says whether the store is held. When it is
  held by a live server, the reader hard-links the files of the snapshot the run file names
  into a folder of its own (so the server may remove its snapshot at any moment) and opens that
  read-only: a consistent store as of the server's last write, never the writer's live folder.
  With ``serve --workers N`` the Oxigraph server holds the folder; the run file names its query
  endpoint and readers use it as a remote store. When the holder is not a server (another
  ``mosaic load``, say) there is no snapshot: the reader opens the live folder read-only and
  retries for a few seconds on failure.
- **Writers** (``load``, ``restore``, ``seed``, a second ``serve``) are refused with one line
  that names the server and says what to do instead (exit code 2): RocksDB allows no second
  writer, and writing behind the server's back would leave its caches stale.

Why not read through the server's HTTP API: ``/sparql`` caps rows, bytes and time and is rate
limited, and exporting or validating the whole store, or building the label index, have no
route that returns what the commands print. A snapshot gives the commands the same store
object as without a server, at the cost of one checkpoint per write.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from mosaic.errors import StoreError, StoreInUseError
from mosaic.settings import Settings
from mosaic.store.embedded import EmbeddedGraphStore, open_store
from mosaic.store.graphs import GraphNames
from mosaic.store.open import open_remote_store
from mosaic.store.protocol import GraphStore

log = logging.getLogger(__name__)

#: How often a reader retries a vanished snapshot (it re-reads the run file each time).
READ_ATTEMPTS = 5
RETRY_SECONDS = 0.2
#: How long a reader keeps retrying a read-only open of a live folder, and the first pause.
#: A holder that has just opened the folder may replay its log and compact for a moment, removing
#: the files a read-only open lists; a few quick retries in a row can all land inside that moment
#: (it happened in CI), so the pauses double up to a deadline instead of counting attempts.
LIVE_READ_SECONDS = 5.0
LIVE_FIRST_PAUSE = 0.05


def run_file_path(store_path: Path) -> Path:
    """The run file of the server holding ``store_path``: beside the store, never inside it."""
    return store_path.with_name(store_path.name + "-server.json")


def published_root(store_path: Path) -> Path:
    """Where the server publishes its snapshots, and readers make their private copies."""
    return store_path.with_name(store_path.name + "-published")


@dataclass(frozen=True)
class ServerRun:
    """What the run file says about the server holding a store."""

    pid: int
    url: str
    store: str
    snapshot: str | None = None
    store_url: str | None = None
    started: str = ""

    def describe(self) -> str:
        """``pid N, http://...``: how messages name the server."""
        return f"pid {self.pid}, {self.url}"


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (signal 0 checks without sending anything)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def read_run_file(store_path: Path) -> ServerRun | None:
    """The live server holding ``store_path``, or ``None`` (no run file, unreadable, pid dead)."""
    try:
        data = json.loads(run_file_path(store_path).read_text(encoding="utf-8"))
        run = ServerRun(**data)
    except (OSError, ValueError, TypeError):
        return None
    return run if pid_alive(run.pid) else None


def _write_run_file(store_path: Path, run: ServerRun) -> None:
    """Replace the run file atomically, so a reader never sees half of it."""
    path = run_file_path(store_path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(asdict(run), file)
    Path(temporary).replace(path)


def _remove_run_file(store_path: Path) -> None:
    """Remove the run file if it is this process's (a newer server may have replaced it)."""
    path = run_file_path(store_path)
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()


def _display(path: Path) -> str:
    """The store path as the user probably typed it: relative to the working folder if inside."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def in_use_error(store_path: Path, todo: str) -> StoreInUseError:
    """The one-line refusal of a write to a store another process holds.

    :param store_path: the store folder.
    :param todo: what to do instead when a server holds it, e.g. ``stop it, or upload with
        PUT /initiatives/x/graph``.
    """
    run = read_run_file(store_path)
    if run is not None:
        detail = f"{_display(store_path)} is in use by a running MOSAIC server ({run.describe()})"
        return StoreInUseError(f"{detail}: {todo}", path=store_path)
    return StoreInUseError(
        f"{_display(store_path)} is in use by another process (RocksDB's lock): wait for it "
        "to finish, or stop it",
        path=store_path,
    )


def server_url(host: str, port: int) -> str:
    """The URL a local client reaches ``serve`` at (a wildcard address means this machine)."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - naming the wildcard, not binding to it
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


class SnapshotPublisher:
    """The server side: a snapshot after every write, named in the run file."""

    def __init__(self, store: GraphStore, store_path: Path, url: str) -> None:
        self._store = store
        self._store_path = store_path
        self._root = published_root(store_path)
        self._url = url
        self._generation = 0
        self._lock = threading.Lock()
        self._started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")

    def start(self) -> None:
        """Publish the first snapshot and the run file; publish again after every write."""
        self._root.mkdir(parents=True, exist_ok=True)
        for old in self._root.glob("gen-*"):
            shutil.rmtree(old, ignore_errors=True)
        self.publish()
        self._store.add_listener(self.publish)

    def publish(self) -> None:
        """Snapshot the store as it is now and point the run file at it.

        Called by the store inside its write lock, after the write, so the snapshot holds that
        write and nothing later. A failure is logged, not raised: the write has succeeded, and
        readers keep the previous snapshot.
        """
        with self._lock:
            self._generation += 1
            target = self._root / f"gen-{self._generation}"
            try:
                self._store.backup(target)
                _write_run_file(
                    self._store_path,
                    ServerRun(
                        pid=os.getpid(),
                        url=self._url,
                        store=str(self._store_path),
                        snapshot=str(target),
                        started=self._started,
                    ),
                )
            except (StoreError, OSError):
                log.exception("publishing a snapshot for command-line readers failed")
                return
            for old in self._root.glob("gen-*"):
                if old.name not in (target.name, f"gen-{self._generation - 1}"):
                    shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        """Remove the run file and the snapshots (the server no longer holds the store)."""
        with self._lock:
            _remove_run_file(self._store_path)
            for old in self._root.glob("gen-*"):
                shutil.rmtree(old, ignore_errors=True)
            with contextlib.suppress(OSError):  # kept while a reader's copy is in it
                self._root.rmdir()


@contextmanager
def sharing(store: GraphStore, store_path: Path, url: str) -> Iterator[SnapshotPublisher]:
    """Share a served embedded store with command-line readers until the block ends."""
    publisher = SnapshotPublisher(store, store_path, url)
    publisher.start()
    try:
        yield publisher
    finally:
        publisher.close()


@contextmanager
def announcing(store_path: Path, url: str, store_url: str) -> Iterator[None]:
    """Name the Oxigraph server that holds the store (``serve --workers N``) until the block ends.

    Readers query it as a remote store; there is no snapshot to publish.
    """
    started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    _write_run_file(
        store_path,
        ServerRun(
            pid=os.getpid(), url=url, store=str(store_path), store_url=store_url, started=started
        ),
    )
    try:
        yield
    finally:
        _remove_run_file(store_path)


def exit_on_sigterm() -> None:
    """Make SIGTERM an exit that runs the cleanups (run file, published snapshots).

    uvicorn shuts down gracefully on SIGTERM, then restores the handler it found and raises the
    signal again; with Python's default handler the process would die there, skipping every
    ``finally``. This handler turns it into ``SystemExit(143)``, the exit status of SIGTERM.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


def refuse_if_held(store_path: Path, base_iri: str, todo: str) -> None:
    """Refuse, in one line, a store folder that another process holds (open it and let go).

    :raises StoreInUseError: when RocksDB's lock is taken.
    """
    try:
        probe = open_store(store_path, base_iri)
    except StoreInUseError as exc:
        raise in_use_error(exc.path, todo) from exc
    del probe  # the last reference: RocksDB closes the folder and releases its lock


# --- the reader side ------------------------------------------------------------------------


def _private_copy(store: ox.Store, names: GraphNames, folder: Path) -> GraphStore:
    """A read-only store over a reader's own hard-linked copy of a published snapshot.

    Closing it removes the copy (its files are links: the snapshot's data stays).
    """
    return EmbeddedGraphStore(
        store, names, folder, on_close=lambda: shutil.rmtree(folder, ignore_errors=True)
    )


def _link_copy(snapshot: Path, target: Path) -> None:
    """Hard-link every file of ``snapshot`` into ``target`` (copy where links fail).

    A checkpoint's files never change once written, so links are as good as copies.

    :raises FileNotFoundError: when the snapshot disappears meanwhile.
    """
    for entry in snapshot.iterdir():
        destination = target / entry.name
        try:
            os.link(entry, destination)
        except FileNotFoundError:
            raise
        except OSError:
            shutil.copy2(entry, destination)


def _remove_stale_copies(root: Path) -> None:
    """Remove the private copies of readers that died before cleaning up."""
    for folder in root.glob("reader-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _open_snapshot(settings: Settings, run: ServerRun) -> GraphStore | None:
    """A private read-only copy of the snapshot the run file names; ``None`` when none is left."""
    root = published_root(settings.store_path)
    _remove_stale_copies(root)
    current: ServerRun | None = run
    for _ in range(READ_ATTEMPTS):
        if current is None or current.snapshot is None:
            return None
        folder = Path(tempfile.mkdtemp(dir=root, prefix=f"reader-{os.getpid()}-"))
        atexit.register(shutil.rmtree, folder, True)
        try:
            _link_copy(Path(current.snapshot), folder)
            return _private_copy(
                ox.Store.read_only(str(folder)), GraphNames(settings.base_iri), folder
            )
        except (OSError, RuntimeError):
            # The server published a newer snapshot and removed this one: read the run file
            # again. Removed before the listing, its remaining files link fine and RocksDB then
            # reports the missing ones as "Corruption", a RuntimeError.
            shutil.rmtree(folder, ignore_errors=True)
            time.sleep(RETRY_SECONDS)
            current = read_run_file(settings.store_path)
    return None


def _open_live_read_only(settings: Settings) -> GraphStore:
    """The last resort: the live folder, read-only, retried (a writer may be mid-write).

    RocksDB reports a read-only open that races the holder's rewrite of its MANIFEST as
    "Corruption" (a ``RuntimeError`` from pyoxigraph, not an ``OSError``): the files it named a
    moment ago are gone. The holder's next state is whole again, so that is retried too.

    :raises StoreError: when every attempt fails.
    """
    last: OSError | RuntimeError | None = None
    deadline = time.monotonic() + LIVE_READ_SECONDS
    pause = LIVE_FIRST_PAUSE
    while True:
        try:
            store = ox.Store.read_only(str(settings.store_path))
        except (OSError, RuntimeError) as exc:
            last = exc
            if time.monotonic() + pause > deadline:
                break
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
            continue
        return EmbeddedGraphStore(store, GraphNames(settings.base_iri), settings.store_path)
    raise StoreError(f"cannot read the store at {settings.store_path}: {last}") from last


def open_held_store(settings: Settings) -> GraphStore:
    """Open, for reading only, a store that another process holds.

    Through the server's published snapshot, or the Oxigraph server of ``serve --workers N``,
    or else the live folder read-only (see the module docstring).

    :raises StoreError: when none of these can be read.
    """
    run = read_run_file(settings.store_path)
    if run is not None and run.store_url is not None:
        return open_remote_store(run.store_url, settings.base_iri, refresh=0)
    if run is not None:
        store = _open_snapshot(settings, run)
        if store is not None:
            return store
    return _open_live_read_only(settings)
