"""The label index persisted beside the store, so that a start or a CLI call need not rebuild it.

Building the index reads every concept and embeds every label: 0.5 s for the bundle, several
seconds for 16k concepts. The built index is saved in one ``.npz`` file (numpy's zip of
arrays, read with ``allow_pickle=False``):

- ``key``: JSON of what the index was built from (see :func:`index_key`);
- ``label_vectors``, ``label_owner``, ``text_vectors``: the embedding matrices as they are;
- ``tables``: the concepts and the label dictionaries as plain tuples, lists, dicts and sets,
  pickled. The unpickler refuses every class and callable, so a doctored file cannot run
  anything; a file that fails to load is ignored and the index rebuilt. (Plain tuples also
  load several times faster than pickled dataclasses.)

The key holds the store's write stamp (:meth:`GraphStore.change_stamp`, replaced in the same
transaction as every write), the format version, the embedder's name, the base IRI, and
digests of the code and queries that build the index and of the CURIE prefixes. A file whose
key differs from the store's current one is never loaded. Writes go to a temporary file in the
same folder, flushed, then renamed over the old file: a reader sees the old file or the new one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import logging
import os
import pickle
import uuid
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import curies
import numpy as np

from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.terms import index_builder, label_index, text
from mosaic.terms.embedding import CachedEmbedder
from mosaic.terms.held import HeldMapping
from mosaic.terms.index_builder import label_texts
from mosaic.terms.label_index import (
    IndexedConcept,
    InitiativeInfo,
    LabelEntry,
    LabelIndex,
)

log = logging.getLogger(__name__)

#: Bump when the saved layout changes (the code digest covers changes to how it is built).
INDEX_FORMAT = 2
FILE_NAME = "label-index.npz"
#: The queries the index is built from (their text is part of the key).
INDEX_QUERIES = ("initiatives", "label-index", "mapping-index")
_ARRAYS = ("label_vectors", "label_owner", "text_vectors")
#: The LabelIndex fields kept in ``tables`` (the embedder and converter come from the process).
_TABLES = (
    "concepts",
    "initiatives",
    "base_iri",
    "by_iri",
    "exact",
    "normalised",
    "word_sets",
    "fuzzy_keys",
    "fuzzy_postings",
    "word_postings",
    "vocabulary",
    "sense_of",
    "senses",
    "mappings",
    "acronyms",
    "built_seconds",
)
_CONCEPT_FIELDS = tuple(f.name for f in dataclasses.fields(IndexedConcept))
_LABELS = _CONCEPT_FIELDS.index("labels")
_MAPPING_FIELDS = tuple(f.name for f in dataclasses.fields(HeldMapping))
_INITIATIVE_FIELDS = tuple(f.name for f in dataclasses.fields(InitiativeInfo))


def index_folder(settings: Settings) -> Path | None:
    """Where the label index is persisted, or ``None`` for nowhere.

    ``cache_dir`` when set; else beside the embedded store's folder (``<store>-cache``); a
    remote store (``store_url``) has no local folder, so it persists only with ``cache_dir``.
    """
    if not settings.persist_index:
        return None
    if settings.cache_dir is not None:
        return settings.cache_dir
    if settings.store_url is not None:
        return None
    return settings.store_path.with_name(settings.store_path.name + "-cache")


@cache
def _code_digest() -> str:
    """A digest of the modules that build and save the index: a changed rule is a new key."""
    digest = hashlib.sha256()
    for module_file in (text.__file__, label_index.__file__, index_builder.__file__, __file__):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()[:16]


def index_key(
    stamp: str, embedder_name: str, base_iri: str, catalog: Catalog, converter: curies.Converter
) -> dict[str, Any]:
    """What a persisted index must have been built from to serve the store now."""
    digest = hashlib.sha256()
    for name in INDEX_QUERIES:
        digest.update(catalog[name].sparql.encode())
    prefixes = json.dumps(sorted(converter.bimap.items())).encode()
    return {
        "format": INDEX_FORMAT,
        "stamp": stamp,
        "embedder": embedder_name,
        "base_iri": base_iri,
        "code": _code_digest(),
        "queries": digest.hexdigest()[:16],
        "prefixes": hashlib.sha256(prefixes).hexdigest()[:16],
    }


class _PlainUnpickler(pickle.Unpickler):
    """Loads builtin values only: any class or callable named in the data is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing {module}.{name} in a persisted index")


def _plain_tables(index: LabelIndex) -> dict[str, Any]:
    """The index's tables with every record as a tuple of its fields (in field order)."""
    tables = {name: getattr(index, name) for name in _TABLES}
    concepts = []
    for concept in index.concepts:
        values = [getattr(concept, name) for name in _CONCEPT_FIELDS]
        values[_LABELS] = tuple((e.text, e.property, e.language) for e in concept.labels)
        concepts.append(tuple(values))
    tables["concepts"] = concepts
    tables["initiatives"] = {
        key: tuple(getattr(info, name) for name in _INITIATIVE_FIELDS)
        for key, info in index.initiatives.items()
    }
    tables["mappings"] = [
        (tuple(pair), [tuple(getattr(m, name) for name in _MAPPING_FIELDS) for m in held])
        for pair, held in index.mappings.items()
    ]
    return tables


def _records(tables: dict[str, Any]) -> dict[str, Any]:
    """The tables with the records made again from their tuples (the reverse of the above)."""
    concepts = []
    for values in tables["concepts"]:
        fields = list(values)
        fields[_LABELS] = tuple(LabelEntry(*entry) for entry in fields[_LABELS])
        concepts.append(IndexedConcept(*fields))
    return {
        **tables,
        "concepts": concepts,
        "initiatives": {key: InitiativeInfo(*v) for key, v in tables["initiatives"].items()},
        "mappings": {
            frozenset(pair): [HeldMapping(*values) for values in held]
            for pair, held in tables["mappings"]
        },
    }


def _bytes_array(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.uint8)


def save_index(index: LabelIndex, key: dict[str, Any], folder: Path) -> Path | None:
    """Write ``index`` under ``key`` to ``folder``, atomically; ``None`` when it cannot.

    A cache that cannot be written (read-only folder, full disk) is logged and skipped: the
    index in memory is what serves.
    """
    target = folder / FILE_NAME
    temporary = folder / f".{FILE_NAME}.{uuid.uuid4().hex[:8]}.tmp"
    tables = _plain_tables(index)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as handle:
            np.savez(
                handle,
                key=_bytes_array(json.dumps(key, sort_keys=True).encode()),
                tables=_bytes_array(pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL)),
                **{name: getattr(index, name) for name in _ARRAYS},
            )
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
    except OSError as exc:
        log.warning("cannot persist the label index in %s: %s", folder, exc)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return None
    log.debug("label index persisted: %s (%d bytes)", target, target.stat().st_size)
    return target


def read_key(path: Path) -> dict[str, Any] | None:
    """The key a persisted index was saved under, or ``None`` when unreadable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            loaded: dict[str, Any] = json.loads(data["key"].tobytes())
            return loaded
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
        return None


def load_index(
    folder: Path,
    key: dict[str, Any],
    embedder: CachedEmbedder,
    converter: curies.Converter,
    *,
    remember: bool = False,
) -> LabelIndex | None:
    """The persisted index when its key equals ``key``; ``None`` when absent, stale or broken.

    :param remember: hand the vectors to the embedder's memo too, so that the next rebuild
        (after a write) embeds only the texts that are new, as it would after a build.
    """
    path = folder / FILE_NAME
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            found = json.loads(data["key"].tobytes())
            if found != key:
                log.info("the persisted label index is of another store state; rebuilding")
                return None
            arrays = {name: data[name] for name in _ARRAYS}
            tables = _PlainUnpickler(io.BytesIO(data["tables"].tobytes())).load()
        if not isinstance(tables, dict) or set(tables) != set(_TABLES):
            raise ValueError("unexpected content")
        tables = _records(tables)
    except (
        OSError,
        ValueError,
        TypeError,
        KeyError,
        zipfile.BadZipFile,
        EOFError,
        pickle.PickleError,
    ) as exc:
        log.warning("ignoring the unreadable persisted label index %s: %s", path, exc)
        return None
    index = LabelIndex(
        concepts=tables.pop("concepts"),
        initiatives=tables.pop("initiatives"),
        embedder=embedder,
        base_iri=tables.pop("base_iri"),
        converter=converter,
        **tables,
        **arrays,
    )
    if remember:
        _remember_vectors(index, embedder)
    return index


def _remember_vectors(index: LabelIndex, embedder: CachedEmbedder) -> None:
    """Give the embedder's memo the loaded vectors of every label and concept text."""
    texts, _owners = label_texts(index.concepts)
    if len(texts) == len(index.label_vectors):
        embedder.remember(texts, index.label_vectors)
    embedder.remember([c.text for c in index.concepts], index.text_vectors)
