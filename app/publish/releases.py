"""The releases a server lists and serves, and in which release a concept last changed.

A release is a folder ``{releases_dir}/{version}/`` written by ``mosaic release`` with a
``manifest.json`` (version, date, every file with its SHA-256, and a digest per concept). The
server reads the manifests (again when one changes on disk), lists them by date, and serves
only the files a manifest lists: a path is looked up in the manifest, never joined blindly to
the folder, so ``..``, absolute paths, encoded separators and symbolic links that leave the
folder all get a 404.

A concept's digest is the SHA-256 of its statements (every quad with it as subject, in every
graph, as sorted N-Quads lines; blank nodes written as ``_:b``, since their labels are not
stable across stores). Comparing a concept's digest across the releases tells in which release
it last changed; comparing it with the store's tells whether it changed since.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mosaic.errors import NotFoundError, ParameterError
from mosaic.publish.description import ReleaseFile, ReleaseRef

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
#: A release version: a folder name and a URL segment (``1.0``, ``2026.12``, ``1.0.0-rc.1``).
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$")
VERSION_RULE = "letters, digits, '.', '_', '+' and '-', starting with a letter or digit"


def check_version(version: str) -> str:
    """Return ``version`` when it can name a release folder and a URL segment.

    :raises ParameterError: otherwise (``..``, a slash, spaces, 65 characters or more).
    """
    if not VERSION_PATTERN.fullmatch(version) or ".." in version:
        raise ParameterError(
            f"invalid release version {version!r}: {VERSION_RULE}", parameter="version"
        )
    return version


def _quad_line(quad: ox.Quad) -> str:
    def text(term: object) -> str:
        return "_:b" if isinstance(term, ox.BlankNode) else str(term)

    return (
        f"{text(quad.subject)} {text(quad.predicate)} {text(quad.object)} {text(quad.graph_name)} ."
    )


def concept_digest(quads: Iterable[ox.Quad]) -> str:
    """The SHA-256 of a concept's statements (see the module), hex."""
    lines = sorted({_quad_line(q) for q in quads})
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def concept_digests(quads: Iterable[ox.Quad], concepts: Iterable[str]) -> dict[str, str]:
    """The digest of each of ``concepts`` from all the store's ``quads``, sorted by IRI."""
    wanted = set(concepts)
    grouped: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value in wanted:
            grouped[quad.subject.value].append(quad)
    return {iri: concept_digest(grouped[iri]) for iri in sorted(wanted)}


@dataclass(frozen=True)
class ManifestFile:
    """One file of a release as its manifest lists it."""

    path: str
    sha256: str
    bytes: int
    media_type: str
    graph: str | None = None


@dataclass(frozen=True)
class Release:
    """A release found in the releases folder."""

    version: str
    date: str
    title: str
    folder: Path
    files: tuple[ManifestFile, ...]
    concepts: dict[str, str] = field(default_factory=dict)

    def ref(self) -> ReleaseRef:
        """The release as the dataset description lists it."""
        return ReleaseRef(
            self.version,
            self.date,
            tuple(ReleaseFile(f.path, f.media_type, f.graph) for f in self.files),
        )

    def file(self, path: str) -> Path:
        """The file at ``path`` (as the manifest lists it) inside the release folder.

        :raises NotFoundError: when the manifest does not list it, or it is not a regular
            file inside the folder once symbolic links are followed.
        """
        listed = {f.path for f in self.files} | {MANIFEST, CHECKSUMS}
        if path not in listed:
            raise NotFoundError("release file", f"{self.version}/{path}")
        folder = self.folder.resolve()
        target = (folder / path).resolve()
        if not target.is_relative_to(folder) or not target.is_file():
            raise NotFoundError("release file", f"{self.version}/{path}")
        return target


def read_manifest(folder: Path) -> Release:
    """The release in ``folder`` from its manifest.

    :raises ValueError: when the manifest is missing, not JSON, or lacks a field.
    """
    data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    files = tuple(
        ManifestFile(
            path=str(item["path"]),
            sha256=str(item["sha256"]),
            bytes=int(item["bytes"]),
            media_type=str(item["media_type"]),
            graph=item.get("graph"),
        )
        for item in data["files"]
    )
    return Release(
        version=check_version(str(data["version"])),
        date=str(data["date"]),
        title=str(data.get("title", "")),
        folder=folder,
        files=files,
        concepts={str(k): str(v) for k, v in dict(data.get("concepts", {})).items()},
    )


class ReleaseShelf:
    """The releases of one folder, read again when a manifest appears, changes or goes."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._seen: dict[Path, tuple[int, int, Release | None]] = {}

    def releases(self) -> list[Release]:
        """Every readable release, oldest first (by date, then version)."""
        if self.folder is None or not self.folder.is_dir():
            return []
        found: list[Release] = []
        with self._lock:
            current: dict[Path, tuple[int, int, Release | None]] = {}
            for child in sorted(self.folder.iterdir()):
                manifest = child / MANIFEST
                if not VERSION_PATTERN.fullmatch(child.name) or not manifest.is_file():
                    continue
                stat = manifest.stat()
                key = (stat.st_mtime_ns, stat.st_size)
                cached = self._seen.get(child)
                if cached is not None and cached[:2] == key:
                    release = cached[2]
                else:
                    try:
                        release = read_manifest(child)
                    except (OSError, ValueError, KeyError, TypeError, ParameterError) as exc:
                        log.warning("skipping release %s: unreadable manifest (%s)", child, exc)
                        release = None
                    if release is not None and release.version != child.name:
                        log.warning(
                            "skipping release %s: its manifest says %s", child, release.version
                        )
                        release = None
                current[child] = (*key, release)
                if release is not None:
                    found.append(release)
            self._seen = current
        return sorted(found, key=lambda r: (r.date, r.version))

    def get(self, version: str) -> Release:
        """One release by version.

        :raises NotFoundError: when there is none (or the version is malformed).
        """
        for release in self.releases():
            if release.version == version:
                return release
        raise NotFoundError("release", version)


@dataclass(frozen=True)
class ConceptHistory:
    """What the releases say about one concept."""

    #: The release in which its statements last changed (or first appeared), if any.
    last_changed: Release | None
    #: The newest release that holds it.
    latest: Release | None
    #: Whether the store's statements differ from the newest release that holds it.
    changed_since: bool


def concept_history(releases: list[Release], iri: str, current: str | None) -> ConceptHistory:
    """In which of ``releases`` (oldest first) the concept last changed, and whether it has since.

    :param current: the concept's digest in the store now (``None``: not known).
    """
    last_changed: Release | None = None
    latest: Release | None = None
    previous: str | None = None
    for release in releases:
        digest = release.concepts.get(iri)
        if digest is not None and digest != previous:
            last_changed = release
        if digest is not None:
            latest = release
        previous = digest
    changed_since = latest is not None and current is not None and current != latest.concepts[iri]
    return ConceptHistory(last_changed, latest, changed_since)
