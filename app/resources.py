"""Where MOSAIC's data files are: read as package data with :mod:`importlib.resources`.

The ontology, the shapes, the named queries, the bundled dataset and the page assets ship
inside the ``mosaic`` package (``mosaic.ontology``, ``mosaic.shapes``, ``mosaic.queries``,
``mosaic.bundle``, ``mosaic.web``), so an installed wheel finds them wherever it is installed
and a checkout (installed editable) finds its own files. The defaults of
:mod:`mosaic.settings` and the page templates come from here; no other module works out a data
path from ``__file__``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

ONTOLOGY = "mosaic.ontology"
SHAPES = "mosaic.shapes"
QUERIES = "mosaic.queries"
BUNDLE = "mosaic.bundle"
WEB = "mosaic.web"


def package_folder(package: str) -> Path:
    """The folder of a package's files on disk.

    :raises RuntimeError: when the package is not installed as plain files (a zipped import).
    """
    folder = files(package)
    if not isinstance(folder, Path):
        raise RuntimeError(f"{package} is not installed as files on disk: {folder!r}")
    return folder


def ontology_dir() -> Path:
    """``ontology/``: the ontology, the registry of initiatives and the prefix map."""
    return package_folder(ONTOLOGY)


def shapes_dir() -> Path:
    """``shapes/``: the SHACL rules."""
    return package_folder(SHAPES)


def queries_dir() -> Path:
    """``queries/``: the named queries (``internal/`` holds the app's own)."""
    return package_folder(QUERIES)


def bundle_dir() -> Path:
    """``loaders/data/``: the bundled dataset, one folder per initiative plus ``mappings/``."""
    return package_folder(BUNDLE)


def web_dir() -> Path:
    """The package of the pages, with its ``templates/`` and ``static/`` folders."""
    return package_folder(WEB)


def aligner_models_dir() -> Path:
    """``app/terms/trained/``: the learned aligner's shipped ranker and "no match" model."""
    return package_folder("mosaic.terms") / "trained"
