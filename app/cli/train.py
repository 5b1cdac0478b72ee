"""``mosaic train``: retrain the learned aligner and print its leave-one-initiative-out figures.

Training reads the reviewed mappings of a fresh in-memory store seeded with the bundle (the
curated exact/close/broad/narrow mappings as positives, reviewed rejections as hard negatives;
:mod:`mosaic.terms.train`), so the files it writes are byte for byte the shipped ones
(``app/terms/trained/``) unless the bundle, the features or the settings change.
"""

from __future__ import annotations

from pathlib import Path

import click

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
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=MODELS_DIR,
    show_default=False,
    help="Folder of the model files (default: the shipped ones, app/terms/trained/).",
)
def train_command(output: Path) -> None:
    """Retrain the aligner on the bundle's reviewed mappings; print its figures."""
    run = train(seeded_index())
    ranker, no_match = save_model(run.model, output)
    click.echo(f"trained in {run.seconds:.1f} s; wrote {ranker} and {no_match}\n")
    click.echo(
        f"Leave one source initiative out ({len(run.folds)} initiatives: "
        f"{', '.join(run.folds)}):\n\n{run.figures()}"
    )
