"""The embedded (on-disk pyoxigraph) store: atomic graph replacement, queries and counts.

:class:`EmbeddedGraphStore` implements :class:`mosaic.store.protocol.GraphStore`. Every
read goes through its ``select``, ``ask``, ``run`` or ``graph_quads``, so that query execution
could move into killable worker processes without touching the routes.

Replacing a graph is all or nothing: an empty graph is filled by one transactional
``Store.extend``, a non-empty one is changed by one SPARQL update that deletes what goes and
inserts what comes, so concurrent readers see the old or the new graph and a failure or a kill
changes nothing (docs/performance.md says what this rests on, and why pyoxigraph's faster
``bulk_extend`` is not used: it crashed a test process with a segmentation fault).

Every write also replaces the *write stamp*, one triple in the graph ``{base}graph/system``
holding a fresh random value, in the same transaction as the data (as the remote store does, so
a store folder served by the Oxigraph server and opened embedded later keeps one stamp). What is
derived from the graph and kept across processes (the persisted label index) is keyed by it:
equal stamps mean equal content. The system graph is bookkeeping: it is left out of the
store's graph list, counts and exports.
"""

from __future__ import annotations

import itertools
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from mosaic.errors import SparqlSyntaxError, StoreError, StoreInUseError
from mosaic.rdf.io import sparql_error_position
from mosaic.rdf.terms import Row, Term, term_text
from mosaic.rdf.updates import bound, delete_data, graph_block, insert_data
from mosaic.store.graphs import WRITE_STAMP, GraphNames, ReplaceSummary
from mosaic.store.protocol import has_blank, solution_rows

log = logging.getLogger(__name__)

#: The type of a re-entrant lock (``threading.RLock`` is a factory function).
_RLOCK = type(threading.RLock())


class _ClosedStore:
    """Stands in for the pyoxigraph store after :meth:`EmbeddedGraphStore.close`: any use fails."""

    def __getattr__(self, name: str) -> object:
        raise StoreError("the store is closed")


class EmbeddedGraphStore:
    """An opened pyoxigraph store with MOSAIC's graph layout (a :class:`GraphStore`).

    Writes are serialised by a lock: RocksDB allows one writing process, and inside it one
    writer at a time keeps "read the old graph, compute the change, apply it" consistent. The
    lock is re-entrant so that a listener may take a snapshot of exactly the state its write
    left (:mod:`mosaic.store.sharing` publishes one for command-line readers).

    ``on_close`` runs after the store is let go: a reader's private copy of a snapshot
    removes its folder there (composition, where a subclass used to override ``close``).
    """

    def __init__(
        self,
        store: ox.Store,
        names: GraphNames,
        path: Path | None = None,
        *,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self.names = names
        self.path = path
        self._on_close = on_close
        self._write_lock = threading.RLock()
        self._listeners: list[Callable[[], None]] = []
        self._system = names.system
        self._default: list[ox.NamedNode] | None = self._current_graphs()

    def writing(self) -> AbstractContextManager[object]:
        """Hold the store's write lock across a check and the write that depends on it.

        The upload gate validates a graph against the store as it is, then replaces it; both
        must be one critical section, or two loads of related graphs could each pass the gate
        against the old state and land together. Re-entrant, so the write inside may take it
        again.
        """
        return self._write_lock

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every successful write (the executor refreshes snapshots)."""
        self._listeners.append(callback)

    def close(self) -> None:
        """Let go of the pyoxigraph store, so RocksDB closes it and frees its lock.

        RocksDB closes when the pyoxigraph object is freed; this wrapper may outlive the
        command that used it (a traceback or a cache can hold it), so it drops its reference
        here and any later use fails as a closed store; then ``on_close`` runs (once).
        """
        self._store = cast("ox.Store", _ClosedStore())
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close()

    def _changed(self) -> None:
        self._default = self._current_graphs()
        for callback in self._listeners:
            callback()

    # --- the write stamp -------------------------------------------------------------------

    def _stamp_quads(self) -> list[ox.Quad]:
        return list(self._store.quads_for_pattern(self._system, WRITE_STAMP, None, self._system))

    def _new_stamp(self) -> ox.Quad:
        return ox.Quad(self._system, WRITE_STAMP, ox.Literal(uuid.uuid4().hex), self._system)

    def _stamp_operations(self) -> list[str]:
        """The update operations that replace the write stamp (appended to a write's update)."""
        stamp = ox.Literal(uuid.uuid4().hex)
        values: dict[str, ox.NamedNode | ox.Literal] = {
            "g": self._system,
            "p": WRITE_STAMP,
            "stamp": stamp,
        }
        return [bound("store-write-stamp-replace", values)]

    def _extend_stamped(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads and a new write stamp in one ``extend``, the old stamp removed first.

        Should the process stop between the two steps, the store has no stamp, which matches
        nothing persisted: the safe side.
        """
        for quad in self._stamp_quads():
            self._store.remove(quad)
        self._store.extend(itertools.chain(quads, [self._new_stamp()]))

    def _fill_stamped(self, quads: list[ox.Quad]) -> None:
        """Write the quads of graphs that are empty now, and a new write stamp, all or nothing.

        One transactional ``Store.extend``. pyoxigraph's ``bulk_extend`` (a RocksDB ingestion of
        sorted files, about four times faster) was used here until it killed a CI test process
        with a segmentation fault inside the call: a native crash takes the whole server down,
        which no speed-up is worth (docs/performance.md).
        """
        self._extend_stamped(quads)

    def change_stamp(self) -> str | None:
        """The write stamp: a value that changes with every write, kept in the store itself.

        ``None`` for a store written before stamps existed (see :meth:`ensure_change_stamp`).
        """
        values = sorted(term_text(q.object) for q in self._stamp_quads())
        return " ".join(values) or None

    def ensure_change_stamp(self) -> str | None:
        """The write stamp, writing a first one into a store that has none.

        The data does not change, so the listeners are not called. ``None`` when the store
        cannot be written (opened read-only).
        """
        stamp = self.change_stamp()
        if stamp is not None:
            return stamp
        with self._write_lock:
            try:
                if not self._stamp_quads():
                    self._store.add(self._new_stamp())
                    self._store.flush()
            except (OSError, RuntimeError) as exc:
                log.info("cannot write a first write stamp: %s", exc)
                return None
        return self.change_stamp()

    # --- reading -------------------------------------------------------------------------

    def default_graphs(self) -> list[ox.NamedNode] | None:
        """The named graphs MOSAIC's own queries see: ``None`` for every one of them.

        Archived editions (``{base}graph/{id}/edition/{version}``) are left out of the default
        graph and of ``GRAPH ?g``, so a concept is not counted, labelled or validated once per
        edition held; clients read them by name through ``/sparql`` (the query pool keeps every
        named graph). Computed at opening and after each write, when the list of graphs can change.
        """
        return self._default

    def _current_graphs(self) -> list[ox.NamedNode] | None:
        """Every named graph but the archived editions (with the system graph); ``None`` if all.

        Computed when the store is opened and after each write, never while answering a query.
        """
        store = getattr(self, "_store", None)  # a remote store keeps none: its own list
        if not isinstance(store, ox.Store):
            return None
        graphs = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
        if not any(self.names.is_archived_edition(g) for g in graphs):
            return None
        return [g for g in graphs if not self.names.is_archived_edition(g)]

    def _query(
        self, sparql: str, substitutions: Mapping[str, Term] | None
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        subs: dict[ox.Variable, Term] = {
            ox.Variable(name): value for name, value in (substitutions or {}).items()
        }
        current = self.default_graphs()
        try:
            if current is not None:
                default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [*current]
                default.append(ox.DefaultGraph())
                named: list[ox.NamedNode | ox.BlankNode] = [*current]
                return self._store.query(
                    sparql, default_graph=default, named_graphs=named, substitutions=subs or None
                )
            return self._store.query(
                sparql, use_default_graph_as_union=True, substitutions=subs or None
            )
        except SyntaxError as exc:
            message = exc.msg or str(exc)
            line, column = sparql_error_position(message)
            raise SparqlSyntaxError(message, line=line, column=column) from exc
        except (OSError, RuntimeError) as exc:
            log.exception("query failed")
            raise StoreError("the store failed while answering the query") from exc

    def select(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> list[Row]:
        """Run a SELECT query over the union of the named graphs; rows as ``{var: term}``.

        :raises SparqlSyntaxError: when the query does not parse.
        :raises StoreError: when evaluation fails.
        """
        result = self._query(sparql, substitutions)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        try:
            return solution_rows(result)
        except (OSError, RuntimeError) as exc:
            log.exception("query evaluation failed")
            raise StoreError("the store failed while answering the query") from exc

    def ask(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> bool:
        """Run an ASK query.

        :raises SparqlSyntaxError: when the query does not parse.
        """
        result = self._query(sparql, substitutions)
        if not isinstance(result, ox.QueryBoolean):
            raise TypeError("ask() needs an ASK query")
        return bool(result)

    def run(
        self, sparql: str, substitutions: Mapping[str, Term] | None = None
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run any query and return pyoxigraph's result object (used to serialise results).

        :raises SparqlSyntaxError: when the query does not parse.
        :raises StoreError: when evaluation fails.
        """
        return self._query(sparql, substitutions)

    def graph_quads(self, graph: ox.NamedNode) -> list[ox.Quad]:
        """Every quad of one named graph."""
        return list(self._store.quads_for_pattern(None, None, None, graph))

    def subject_quads(self, subject: ox.NamedNode) -> list[ox.Quad]:
        """Every quad, in any graph, whose subject is ``subject``."""
        return list(self._store.quads_for_pattern(subject, None, None, None))

    def all_quads(self) -> Iterator[ox.Quad]:
        """Every quad of the store (the system graph left out)."""
        return (q for q in self._store if q.graph_name != self._system)

    def has_quad(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        obj: Term | None,
        graph: ox.NamedNode,
    ) -> bool:
        """Whether a quad matching the pattern (``None`` is a wildcard) is in ``graph``."""
        return any(True for _ in self._store.quads_for_pattern(subject, predicate, obj, graph))

    def has_graph(self, graph: ox.NamedNode) -> bool:
        """Whether the named graph exists in the store."""
        return bool(self._store.contains_named_graph(graph))

    def named_graphs(self) -> list[ox.NamedNode]:
        """The named graphs of the store, sorted."""
        graphs = [
            g
            for g in self._store.named_graphs()
            if isinstance(g, ox.NamedNode) and g != self._system
        ]
        return sorted(graphs, key=lambda g: g.value)

    def __len__(self) -> int:
        """Number of quads in the store (the system graph left out)."""
        system = sum(1 for _ in self._store.quads_for_pattern(None, None, None, self._system))
        return len(self._store) - system

    # --- writing -------------------------------------------------------------------------

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> ReplaceSummary:
        """Make ``graph`` hold exactly ``triples``, atomically, and flush before returning.

        :param graph: the named graph to replace (built by :class:`GraphNames`).
        :param triples: the new content.
        :returns: how many triples were added and removed.
        :raises StoreError: when the store fails; the graph is then as it was.
        """
        return self.replace_graphs({graph: triples})[0]

    def replace_graphs(
        self, contents: Mapping[ox.NamedNode, Iterable[ox.Triple]]
    ) -> list[ReplaceSummary]:
        """Replace several graphs in one transaction: all of them change, or none does.

        Used where graphs belong together, such as an initiative's vocabulary and the mapping
        set of the crosswalks it declares. Empty graphs are filled with one ``Store.extend``;
        otherwise one SPARQL update holds the changes of every graph.

        :param contents: the new content of each graph.
        :returns: one summary per graph, in the order given.
        :raises StoreError: when the store fails; every graph is then as it was.
        """
        new = {graph: set(triples) for graph, triples in contents.items()}
        names = ", ".join(graph.value for graph in new)
        with self._write_lock:
            old = {
                graph: {q.triple for q in self._store.quads_for_pattern(None, None, None, graph)}
                for graph in new
            }
            try:
                if not any(old.values()):
                    self._fill_stamped(
                        [
                            ox.Quad(t.subject, t.predicate, t.object, graph)
                            for graph, triples in new.items()
                            for t in triples
                        ]
                    )
                    counts = {graph: (len(triples), 0) for graph, triples in new.items()}
                else:
                    operations: list[str] = []
                    counts = {}
                    for graph, triples in new.items():
                        ops, added, removed = self._difference(graph, old[graph], triples)
                        operations += ops
                        counts[graph] = (added, removed)
                    if operations:
                        operations += self._stamp_operations()
                        self._store.update(" ;\n".join(operations))
                self._store.flush()
            except (OSError, RuntimeError) as exc:
                log.exception("replacing %s failed", names)
                raise StoreError(f"the store failed while replacing {names}") from exc
            self._changed()
        return [
            ReplaceSummary(graph.value, *counts[graph], len(triples))
            for graph, triples in new.items()
        ]

    @staticmethod
    def _difference(
        graph: ox.NamedNode, old: set[ox.Triple], new: set[ox.Triple]
    ) -> tuple[list[str], int, int]:
        """The SPARQL update operations that turn ``old`` into ``new``, and the counts.

        Triples with blank nodes cannot be named in ``DELETE DATA``; they are removed by
        pattern and re-inserted, since two documents' blank nodes are never the same nodes.
        """
        to_remove = {t for t in old - new if not has_blank(t)}
        blank_old = any(has_blank(t) for t in old)
        to_add = {t for t in new - old if not has_blank(t)} | {t for t in new if has_blank(t)}
        operations: list[str] = []
        if blank_old:
            operations.append(bound("store-delete-blank-triples", {"g": graph}))
        if to_remove:
            operations.append(delete_data([graph_block(graph, to_remove)]))
        if to_add:
            operations.append(insert_data([graph_block(graph, to_add)]))
        removed = len(to_remove) + sum(1 for t in old if has_blank(t))
        return operations, len(to_add), removed

    def add_all(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction (used to seed an empty store) and flush.

        :raises StoreError: when the store fails; nothing is then written.
        """
        with self._write_lock:
            try:
                self._extend_stamped(quads)
                self._store.flush()
            except (OSError, RuntimeError) as exc:
                log.exception("adding quads failed")
                raise StoreError("the store failed while adding data") from exc
            self._changed()

    def update(self, sparql_update: str) -> None:
        """Run one SPARQL update written by us (never a client's), as one transaction.

        :raises StoreError: when the store fails.
        """
        with self._write_lock:
            try:
                operations = [sparql_update.rstrip().removesuffix(";")]
                self._store.update(" ;\n".join(operations + self._stamp_operations()))
                self._store.flush()
            except (OSError, RuntimeError) as exc:
                log.exception("update failed")
                raise StoreError("the store failed while writing") from exc
            self._changed()

    def backup(self, target: Path) -> None:
        """Write a consistent copy of the store to ``target`` (which must not exist).

        :raises StoreError: when the store is in memory or the copy fails.
        """
        with self._write_lock:
            try:
                self._store.backup(str(target))
            except (OSError, RuntimeError) as exc:
                raise StoreError(f"cannot snapshot the store: {exc}") from exc


def open_store(path: Path | None, base_iri: str, *, read_only: bool = False) -> EmbeddedGraphStore:
    """Open (creating if needed) the on-disk store at ``path``; ``None`` gives an in-memory one.

    :raises StoreInUseError: when another process holds the store (RocksDB's lock).
    :raises StoreError: when the store cannot be opened otherwise (corrupt, unreadable).
    """
    names = GraphNames(base_iri)
    try:
        if path is None:
            return EmbeddedGraphStore(ox.Store(), names)
        if read_only:
            return EmbeddedGraphStore(ox.Store.read_only(str(path)), names, path)
        path.mkdir(parents=True, exist_ok=True)
        return EmbeddedGraphStore(ox.Store(str(path)), names, path)
    except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged store as RuntimeError
        if path is not None and isinstance(exc, OSError) and is_lock_error(exc):
            raise StoreInUseError(
                f"the store at {path} is in use by another process", path=path
            ) from exc
        raise StoreError(f"cannot open the store at {path}: {exc}") from exc


def is_lock_error(exc: OSError) -> bool:
    """Whether RocksDB refused to open a store because another process holds its lock.

    RocksDB says so in the message only (``IO error: While lock file: <dir>/LOCK: Resource
    temporarily unavailable``, or ``lock hold by current process`` for a second open in one
    process).
    """
    message = str(exc)
    return "/LOCK" in message or "lock hold by" in message
