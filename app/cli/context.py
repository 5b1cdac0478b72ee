"""What every ``mosaic`` command shares: settings, the store, progress, and errors as lines.

Every :class:`~mosaic.errors.InputError` becomes one line per problem on stderr,
``file:line:column: message``, and exit code 2 (the CLI's edge of the error tree); a write to
a store a running server holds is refused in one line (:mod:`mosaic.store.sharing`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from mosaic.dataset.seed import ensure_seeded
from mosaic.errors import (
    InputError,
    LoadError,
    ModelUnavailableError,
    MosaicError,
    NotFoundError,
    ParameterError,
    RdfSyntaxError,
    ShapeViolationError,
    SparqlSyntaxError,
    StoreInUseError,
    UnsafeInputError,
)
from mosaic.settings import Settings, get_settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.open import open_configured_store
from mosaic.store.protocol import GraphStore
from mosaic.store.sharing import in_use_error, open_held_store

if TYPE_CHECKING:
    from mosaic.terms.label_index import LabelIndex


F = TypeVar("F", bound=Callable[..., Any])


#: Exit code of each error class (the CLI's edge of the error tree).
EXIT_CODES: dict[type[MosaicError], int] = {
    InputError: 2,
    StoreInUseError: 2,
    ModelUnavailableError: 2,
    MosaicError: 1,
}


def error_lines(exc: MosaicError, default_source: str, *, verbose: bool = False) -> list[str]:
    """The one-line-per-problem rendering of an error: ``file:line:column: message``.

    A refusal by the SHACL gate lists its findings summarised per rule unless ``verbose``.
    """
    if isinstance(exc, StoreInUseError):
        return [exc.detail]
    if isinstance(exc, LoadError):
        return [str(issue) for issue in exc.issues]
    if isinstance(exc, RdfSyntaxError):
        return [f"{exc.source}:{exc.line or 0}:{exc.column or 0}: {exc.detail}"]
    if isinstance(exc, SparqlSyntaxError):
        return [f"{default_source}:{exc.line or 0}:{exc.column or 0}: {exc.detail}"]
    if isinstance(exc, UnsafeInputError):
        return [f"{exc.source}:{exc.line or 0}:0: {exc.detail}"]
    if isinstance(exc, ShapeViolationError):
        # Imported when the command runs: `mosaic --help` and other commands start faster.
        from mosaic.cli.report import report_lines

        lines = report_lines(
            exc.report,
            verbose=verbose,
            severities=("Violation", "Warning"),
            locations=exc.locations,
        )
        return [f"{exc.source}: refused: {exc.detail}", *lines]
    return [f"{default_source}:0:0: {exc.detail}"]


def exit_code(exc: MosaicError) -> int:
    """The exit code of an error: that of its nearest class in :data:`EXIT_CODES`."""
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


@contextmanager
def reported(
    default_source: str = "mosaic", *, verbose: bool = False, as_json: bool = False
) -> Iterator[None]:
    """Turn a MosaicError into its lines on stderr and its exit code.

    With ``as_json`` (``load --format json``) the error's findings also go to stdout as the
    command's one JSON document.
    """
    try:
        yield
    except MosaicError as exc:
        lines = error_lines(exc, default_source, verbose=verbose)
        if as_json:
            # Imported when the command runs: `mosaic --help` and other commands start faster.
            from mosaic.cli.report import error_document

            click.echo(error_document(exc, lines))
        for line in lines:
            click.echo(line, err=True)
        sys.exit(exit_code(exc))


def store_options(func: F) -> F:
    """``--store`` and ``--no-seed``, shared by every command that opens the store."""
    func = click.option(
        "--no-seed",
        is_flag=True,
        default=False,
        help="Make a new store without the bundled dataset; the store remembers it, and "
        "only `mosaic seed` adds the bundle later.",
    )(func)
    func = click.option(
        "--store",
        "store_path",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Store folder (default: setting MOSAIC_STORE, else var/store in the current folder).",
    )(func)
    return func


def command_settings(store_path: Path | None, no_seed: bool, **overrides: Any) -> Settings:
    """The settings with the command's options applied.

    :raises ParameterError: when a setting (from the environment or an option) is invalid.
    """
    seed = False if no_seed else None
    try:
        settings = get_settings().with_overrides(store_path=store_path, seed=seed, **overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise ParameterError(f"invalid setting: {problems}") from exc
    # Imported here: `mosaic --help` does not load LightGBM.
    from mosaic.terms.model import use_model_dir

    use_model_dir(settings.aligner_model_dir)
    return settings


class _RichProgress:
    """A rich progress bar on stderr fed by ``progress(step, done, total)`` callbacks."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task = progress.add_task("starting", total=None)

    def __call__(self, step: str, done: int, total: int) -> None:
        self._progress.update(self._task, description=step, completed=done, total=total)


@contextmanager
def progress_bar(*, quiet: bool = False) -> Iterator[_RichProgress]:
    """A progress bar on stderr (never stdout, which may carry the command's output).

    Off when stderr is not a terminal, and with ``quiet``.
    """
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    console = Console(stderr=True)
    disable = quiet or not sys.stderr.isatty()
    with Progress(*columns, transient=True, console=console, disable=disable) as bar:
        yield _RichProgress(bar)


#: What a refused write tells the user to do when a server holds the store.
STOP_FIRST = "stop it first"


def open_command_store(
    settings: Settings, *, announce: bool = False, reading: bool = False, todo: str = STOP_FIRST
) -> GraphStore:
    """Open the store, seeding it on first use; ``announce`` reports the seed on stderr.

    When another process holds the store (a running ``mosaic serve``), a ``reading`` command
    reads what that server publishes (:func:`mosaic.store.sharing.open_held_store`), and any
    other is refused with one line that ends with ``todo``.

    :raises StoreInUseError: for a write to a store another process holds.
    """
    try:
        store = open_configured_store(settings)
    except StoreInUseError as exc:
        if not reading:
            raise in_use_error(exc.path, todo) from exc
        return _closed_with_command(open_held_store(settings))
    _closed_with_command(store)
    with progress_bar() as progress:
        summary = ensure_seeded(store, settings, progress)
    if summary is not None and (announce or sys.stderr.isatty()):
        click.echo(
            f"seeded {settings.store_url or settings.store_path} with {summary.triples} triples "
            f"in {summary.seconds:.2f} s",
            err=True,
        )
    return store


def _closed_with_command(store: GraphStore) -> GraphStore:
    """Close ``store`` when the running command ends (a reader's private snapshot copy goes)."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(store.close)
    return store


def command_label_index(settings: Settings, store: GraphStore) -> LabelIndex:
    """The label index of the opened store, persisted for the next call.

    Loaded from the file beside the store when the store has not changed since it was saved,
    else built (and saved).
    """
    # Imported when the command runs: `mosaic --help` and other commands start faster.
    from mosaic.rdf.identifiers import load_converter
    from mosaic.terms.index_file import index_folder
    from mosaic.terms.index_holder import LabelIndexHolder

    converter = load_converter(settings.ontology_dir / "prefixes.json")
    catalog = Catalog.from_folder(settings.queries_dir)
    holder = LabelIndexHolder(store, catalog, converter, folder=index_folder(settings))
    return holder.current()


def as_bad_argument(exc: NotFoundError, parameter: str) -> ParameterError:
    """An unknown initiative named on the command line is a bad argument (exit code 2)."""
    return ParameterError(f"unknown {exc.kind} {exc.identifier!r}", parameter=parameter)


def resolve_tokens_file(option: Path | None) -> Path:
    """The tokens file: ``--tokens-file``, else the setting.

    :raises ParameterError: when neither names one.
    """
    path = option or get_settings().tokens_file
    if path is None:
        raise ParameterError(
            "no tokens file: set MOSAIC_TOKENS_FILE or pass --tokens-file",
            parameter="tokens-file",
        )
    return path
