"""``mosaic train``: retrain the learned aligner and print its leave-one-initiative-out figures.

By default training reads the reviewed mappings of a fresh in-memory store seeded with the
bundle (the curated exact/close/broad/narrow mappings as positives, reviewed rejections as hard
negatives; :mod:`mosaic.terms.train`), so the files it writes are byte for byte the shipped ones
(``app/terms/trained/``) unless the bundle, the features or the settings change.

With ``--from-store`` it reads the configured store instead: every mapping a maintainer
accepted or rejected there (review queue, ``POST /mappings``, loaded SSSOM) is training data.
That model goes to a folder of its own (``--output``, required), which the setting
``aligner_model_dir`` then puts in use; the shipped files are never overwritten by a live store.
"""

from __future__ import annotations

from pathlib import Path

import click

from mosaic.cli.context import (
    command_label_index,
    command_settings,
    open_command_store,
    reported,
    store_options,
)
from mosaic.dataset.seed import ensure_seeded
from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import open_store
from mosaic.terms.index_holder import LabelIndexHolder
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.model import MODELS_DIR, save_model
from mosaic.terms.train import train


def seeded_index() -> LabelIndex:
    """The label index of a fresh in-memory store seeded with the bundle."""
    settings = Settings(_env_file=None)
    store = open_store(None, settings.base_iri)
    ensure_seeded(store, settings)
    return LabelIndexHolder(
        store,
        Catalog.from_folder(settings.queries_dir),
        load_converter(settings.ontology_dir / "prefixes.json"),
    ).current()


@click.command("train")
@store_options
@click.option(
    "--from-store",
    is_flag=True,
    default=False,
    help="Learn from the configured store's reviewed mappings (--store / MOSAIC_STORE) "
    "rather than the bundle's; needs --output.",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the model files (default: the shipped ones, app/terms/trained/).",
)
def train_command(
    store_path: Path | None, no_seed: bool, from_store: bool, output: Path | None
) -> None:
    """Retrain the aligner on reviewed mappings (the bundle's, or a store's); print its figures."""
    if from_store and output is None:
        raise click.UsageError(
            "--from-store needs --output DIR (then set MOSAIC_ALIGNER_MODEL_DIR=DIR to use it); "
            "the shipped model is only ever retrained from the bundle"
        )
    with reported("mosaic train"):
        if from_store:
            settings = command_settings(store_path, no_seed)
            index = command_label_index(settings, open_command_store(settings, reading=True))
        else:
            index = seeded_index()
        try:
            run = train(index)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
    ranker, no_match, kinds = save_model(run.model, output or MODELS_DIR)
    click.echo(f"trained in {run.seconds:.1f} s; wrote {ranker}, {no_match} and {kinds}\n")
    click.echo(
        f"Leave one source initiative out ({len(run.folds)} initiatives: "
        f"{', '.join(run.folds)}):\n\n{run.figures()}"
    )
