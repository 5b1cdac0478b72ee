"""Speed-ups of the shared fixtures: work derived from immutable files, done once per process.

Most of a test's setup used to be the same work over and over: creating a RocksDB store and
seeding it with the test bundle (parse, check, write), and reading the named-query catalog (58
YAML headers, slow under coverage's tracer) for every app. Both depend only on files of the
checkout that no test changes, so each test process (one per xdist worker) does it once:

- :func:`seeded_copy` seeds one *template* store per bundle and gives every test a copy of its
  closed folder: an independent store, on disk where the test's settings say, holding what a
  fresh seed would write (its write stamp and creation time are those of the template's seed).
- :func:`cache_catalogs` makes ``Catalog.from_folder`` of the checkout's own ``queries/``
  folder return one shared catalog (it is immutable: a mapping of frozen queries). Any other
  folder (the catalog tests' temporary ones) is read from disk as before.
"""

from __future__ import annotations

import gc
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from mosaic.dataset.seed import ensure_seeded, is_seeded
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import open_store
from tests.paths import PROJECT_ROOT

#: Template stores by what seeding reads: (ontology folder, data folder, base IRI).
_templates: dict[tuple[Path, Path, str], Path] = {}


def _in_checkout(folder: Path) -> bool:
    """Whether ``folder`` is part of the checkout (files no test writes), not a temporary one."""
    return folder.resolve().is_relative_to(PROJECT_ROOT)


def seeded_copy(settings: Settings, templates_root: Path) -> bool:
    """Put a copy of a seeded template store at ``settings.store_path``, if one applies.

    Applies when the store folder does not exist yet, seeding is on and the ontology and data
    folders belong to the checkout; the template is made on first use under ``templates_root``.
    :returns: whether a copy was made (else the caller opens and seeds as usual).
    """
    target = settings.store_path
    if target.exists() or not settings.seed:
        return False
    if not (_in_checkout(settings.ontology_dir) and _in_checkout(settings.data_dir)):
        return False
    key = (settings.ontology_dir.resolve(), settings.data_dir.resolve(), settings.base_iri)
    template = _templates.get(key)
    if template is None:
        template = templates_root / f"template-{len(_templates)}"
        made = open_store(template, settings.base_iri)
        try:
            ensure_seeded(made, settings)
            assert is_seeded(made, settings)
        finally:
            made.close()
        del made  # RocksDB writes and closes its files when the pyoxigraph store is freed
        gc.collect()  # and nothing may hold it while its folder is copied
        _templates[key] = template
    target.parent.mkdir(parents=True, exist_ok=True)
    # A plain copy (not RocksDB's checkpoint, which hard-links): nothing is shared.
    shutil.copytree(template, target)
    return True


#: The project's queries: the checkout's folder, and the package's (the editable install's
#: tree of links to the same files), which the settings name by default.
_CATALOG_FOLDERS = {
    (PROJECT_ROOT / "queries").resolve(),
    Path(str(resources.files("mosaic.queries"))).resolve(),
}
_read_from_folder: Any = Catalog.from_folder.__func__  # type: ignore[attr-defined]
_catalogs: dict[Path, Catalog] = {}


def _from_folder(cls: type[Catalog], folder: Path) -> Catalog:
    resolved = Path(folder).resolve()
    if cls is not Catalog or resolved not in _CATALOG_FOLDERS:
        result: Catalog = _read_from_folder(cls, folder)
        return result
    if resolved not in _catalogs:
        _catalogs[resolved] = _read_from_folder(cls, folder)
    return _catalogs[resolved]


def cache_catalogs() -> None:
    """Make ``Catalog.from_folder`` of the checkout's ``queries/`` read the files once."""
    Catalog.from_folder = classmethod(_from_folder)  # type: ignore[method-assign,assignment]
