"""``mosaic load`` and ``mosaic seed``: files, an upstream's own files, or the bundle, stored."""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mosaic.cli.context import (
    command_settings,
    open_command_store,
    progress_bar,
    reported,
    store_options,
)
from mosaic.cli.options import (
    INPUT_FORMATS,
    check_id,
    report_options,
)
from mosaic.cli.report import LoadOutput
from mosaic.curation.sssom import mapping_set_id_from_name
from mosaic.dataset.converters import converter_names, find_converter
from mosaic.dataset.editions import LoadOrigin, sha256_of_path
from mosaic.dataset.load import (
    GraphReplacement,
    ReadSources,
    SourceFile,
    load_mapping_set,
    read_sources,
    read_upstream,
    replace_initiative,
)
from mosaic.dataset.sources import detect_format
from mosaic.errors import (
    ParameterError,
)
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.vocab import RDF_TYPE, SKOS

if TYPE_CHECKING:
    pass


@click.command()
@store_options
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--initiative",
    "initiative_id",
    default=None,
    callback=check_id("initiative id"),
    help="Initiative id to load into.",
)
@click.option(
    "--mapping-set",
    "mapping_set_id",
    default=None,
    callback=check_id("mapping set id"),
    help="Mapping set id for an SSSOM file (default: the file name).",
)
@click.option(
    "--input-format",
    "fmt",
    type=click.Choice(INPUT_FORMATS),
    default=None,
    help="Format of FILES when the extension does not tell.",
)
@report_options
@click.option(
    "--from",
    "upstream",
    default=None,
    metavar="UPSTREAM",
    help="Convert an initiative's own published files (a folder or file): "
    + ", ".join(converter_names())
    + ".",
)
def load(
    store_path: Path | None,
    no_seed: bool,
    files: tuple[Path, ...],
    initiative_id: str | None,
    mapping_set_id: str | None,
    fmt: str | None,
    report: str,
    verbose: bool,
    upstream: str | None,
) -> None:
    """Replace an initiative's graph with FILES (or a mapping set with an SSSOM file).

    All files are read and checked first; on any problem nothing is written, every problem is
    printed as file:line:column: message, and the exit code is 2. With --from, FILES is the
    path of an initiative's own published files, converted to SKOS with their own definitions.
    Warnings are summarised per rule (--verbose lists every one); --format json prints one
    JSON document with every finding. While a server holds the store, the load is refused.
    """
    output = LoadOutput(report, verbose)
    if upstream is not None:
        _load_upstream(store_path, no_seed, files, initiative_id, upstream, output)
        return
    with reported(str(files[0]), verbose=verbose, as_json=output.as_json):
        sources = []
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ParameterError(f"cannot read {path}: {exc.strerror}") from exc
            sources.append(SourceFile(data, str(path), fmt or detect_format(path)))
        settings = command_settings(store_path, no_seed)
        if all(s.format == "sssom" for s in sources) and initiative_id is None:
            store = open_command_store(
                settings, todo="stop it, or record mappings with POST /mappings"
            )
            for source in sources:
                set_id = mapping_set_id or mapping_set_id_from_name(source.name)
                summary, warnings = load_mapping_set(store, settings, set_id, source)
                output.add(summary, warnings)
            output.finish()
            return
        if initiative_id is None:
            raise ParameterError("--initiative is required to load a vocabulary")
        with progress_bar() as progress:
            checked = read_sources(settings, initiative_id, sources, progress)
            checked.origin = load_origin(files, "mosaic load")
            store = open_command_store(settings, todo=_upload_instead(initiative_id))
            replaced = replace_initiative(store, settings, checked, progress)
        output.add(replaced.summary, replaced.warnings)
        output.finish(*edition_lines(replaced))


def load_origin(files: tuple[Path, ...], via: str) -> LoadOrigin:
    """Who loads what from the command line: the user, the files and their sha256."""
    digests = [sha256_of_path(path) for path in files]
    digest = (
        digests[0] if len(digests) == 1 else hashlib.sha256("".join(digests).encode()).hexdigest()
    )
    return LoadOrigin(getpass.getuser(), " ".join(str(p.resolve()) for p in files), digest, via)


def edition_lines(replaced: GraphReplacement) -> list[str]:
    """What a new edition did: the edition kept, the changes, the mappings flagged."""
    plan = replaced.edition
    if plan is None or not plan.is_new_edition:
        return []
    counts = ", ".join(f"{n} {kind}" for kind, n in plan.counts.items())
    archive = next(g.value for g in plan.graphs if "/edition/" in g.value)
    return [
        f"new edition {plan.edition} (was {plan.previous}, kept in <{archive}>): {counts}",
        f"{plan.flagged} mappings flagged for re-review (see /ui/review and `mosaic diff`)",
    ]


def _upload_instead(initiative_id: str) -> str:
    """What to do instead of loading into a store a running server holds."""
    return f"stop it, or upload with PUT /initiatives/{initiative_id}/graph"


def _load_upstream(
    store_path: Path | None,
    no_seed: bool,
    files: tuple[Path, ...],
    initiative_id: str | None,
    upstream: str,
    output: LoadOutput,
) -> None:
    with reported(str(files[0]), verbose=output.verbose, as_json=output.as_json):
        spec = find_converter(upstream)
        if len(files) != 1:
            raise ParameterError("--from takes exactly one path (the upstream file or folder)")
        if not files[0].exists():
            raise ParameterError(f"cannot read {files[0]}: no such file or folder")
        target = initiative_id or spec.initiative_id
        validate_id(target)
        settings = command_settings(store_path, no_seed)
        result = spec.convert(str(files[0]))
        checked = read_upstream(settings, target, result)
        checked.origin = load_origin(files, f"mosaic load --from {upstream}")
        store = open_command_store(settings, todo=_upload_instead(target))
        replaced = replace_initiative(store, settings, checked)
        output.add(replaced.summary, replaced.warnings)
        output.add(replaced.declared)
        output.finish(_upstream_counts(checked), *edition_lines(replaced))


def _upstream_counts(read: ReadSources) -> str:
    """One line of what an upstream conversion holds: concepts, declared mappings, skips."""
    concepts = {
        t.subject for t in read.triples if t.predicate == RDF_TYPE and t.object == SKOS["Concept"]
    }
    line = f"{read.initiative_id}: {len(concepts)} concepts"
    declared = read.declared
    if declared is not None:
        line += f", {declared.mappings} declared mappings"
        if declared.skipped:
            reasons = "; ".join(f"{reason}: {n}" for reason, n in declared.skipped.items())
            line += f" ({declared.skipped_total} cross-references skipped: {reasons})"
    return line


@click.command("seed")
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store folder (default: setting MOSAIC_STORE, else var/store in the current folder).",
)
def seed_command(store_path: Path | None) -> None:
    """Add the bundled dataset to a store made with --no-seed (or filled without it).

    A new store is seeded by the first command that opens it; one made with --no-seed
    remembers that, and only this command seeds it. What the store holds stays; a store that
    already holds a bundled initiative's graph is refused (exit code 1).
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.dataset.seed import seed_on_request

    with reported():
        settings = command_settings(store_path, True)
        store = open_command_store(settings)
        with progress_bar() as progress:
            summary = seed_on_request(store, settings, progress)
        where = settings.store_url or settings.store_path
        if summary is None:
            click.echo(f"{where} is already seeded; nothing to do")
        else:
            click.echo(f"seeded {where} with {summary.triples} triples in {summary.seconds:.2f} s")
