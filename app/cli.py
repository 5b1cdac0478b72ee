"""The ``mosaic`` command line: thin commands over the library.

Exit codes: 0 success, 1 findings (validation), 2 bad input or arguments. Every
:class:`~app.errors.InputError` becomes one line per problem on stderr,
``file:line:column: message``, and exit code 2; so does an option out of range (checked by
click before any work) and a write to a store a running server holds
(:mod:`app.store_sharing`: reading commands work while the server runs).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
import pyoxigraph as ox
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from app.align import DEFAULT_LIMIT as ALIGN_LIMIT
from app.align import DEFAULT_MIN_SCORE as ALIGN_MIN_SCORE
from app.align import DEFAULT_PER_CONCEPT as ALIGN_PER_CONCEPT
from app.align import MAX_LIMIT as ALIGN_MAX_LIMIT
from app.align import MAX_PER_CONCEPT as ALIGN_MAX_PER_CONCEPT
from app.backends import open_configured_store
from app.backup import backup_store, restore_store
from app.catalog import Catalog
from app.cli_lint import lint as lint_command
from app.cli_options import (
    INPUT_FORMATS,
    MosaicGroup,
    check_id,
    field_range,
    report_options,
    tokens_file_option,
)
from app.cli_report import LoadOutput
from app.dataset import (
    ReadSources,
    SourceFile,
    ensure_seeded,
    load_into_initiative,
    load_mapping_set,
    read_sources,
    read_upstream,
    replace_initiative,
)
from app.errors import (
    InputError,
    LoadError,
    MosaicError,
    NotFoundError,
    ParameterError,
    RdfSyntaxError,
    ShapeViolationError,
    SparqlSyntaxError,
    StoreInUseError,
    UnsafeInputError,
)
from app.rdf_io import serialize_quads, syntax_for_name
from app.remote_store import REMOTE_BACKUP
from app.resolve import DEFAULT_LIMIT as RESOLVE_DEFAULT_LIMIT
from app.resolve import MAX_LIMIT as RESOLVE_MAX_LIMIT
from app.settings import Settings, get_settings
from app.store import GraphStore, validate_id
from app.store_sharing import exit_on_sigterm, in_use_error, open_held_store, refuse_if_held
from loaders import detect_format
from loaders.base import KINDS, RDF_TYPE, SKOS, TURTLE_PREFIXES
from loaders.sssom_tsv import mapping_set_id_from_name
from loaders.upstream import UPSTREAM_FORMATS, upstream_format

if TYPE_CHECKING:
    from app.label_index import LabelIndex
    from app.models import ValidationReport

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code of each error class (the CLI's edge of the error tree).
EXIT_CODES: dict[type[MosaicError], int] = {InputError: 2, StoreInUseError: 2, MosaicError: 1}

RESULT_FORMATS = ("json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld", "rdfxml")


def _error_lines(exc: MosaicError, default_source: str, *, verbose: bool = False) -> list[str]:
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
        from app.cli_report import report_lines

        lines = report_lines(exc.report, verbose=verbose, severities=("Violation", "Warning"))
        return [f"{exc.source}: refused: {exc.detail}", *lines]
    return [f"{default_source}:0:0: {exc.detail}"]


def _exit_code(exc: MosaicError) -> int:
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


@contextmanager
def _reported(
    default_source: str = "mosaic", *, verbose: bool = False, as_json: bool = False
) -> Iterator[None]:
    """Turn a MosaicError into its lines on stderr and its exit code.

    With ``as_json`` (``load --format json``) the error's findings also go to stdout as the
    command's one JSON document.
    """
    try:
        yield
    except MosaicError as exc:
        lines = _error_lines(exc, default_source, verbose=verbose)
        if as_json:
            from app.cli_report import error_document

            click.echo(error_document(exc, lines))
        for line in lines:
            click.echo(line, err=True)
        sys.exit(_exit_code(exc))


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
        help="Store folder (default: setting MOSAIC_STORE, else var/store in the checkout).",
    )(func)
    return func


def _settings(store_path: Path | None, no_seed: bool, **overrides: Any) -> Settings:
    """The settings with the command's options applied.

    :raises ParameterError: when a setting (from the environment or an option) is invalid.
    """
    seed = False if no_seed else None
    try:
        return get_settings().with_overrides(store_path=store_path, seed=seed, **overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise ParameterError(f"invalid setting: {problems}") from exc


class _RichProgress:
    """A rich progress bar on stderr fed by ``progress(step, done, total)`` callbacks."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task = progress.add_task("starting", total=None)

    def __call__(self, step: str, done: int, total: int) -> None:
        self._progress.update(self._task, description=step, completed=done, total=total)


@contextmanager
def _progress(*, quiet: bool = False) -> Iterator[_RichProgress]:
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


def _open(
    settings: Settings, *, announce: bool = False, reading: bool = False, todo: str = STOP_FIRST
) -> GraphStore:
    """Open the store, seeding it on first use; ``announce`` reports the seed on stderr.

    When another process holds the store (a running ``mosaic serve``), a ``reading`` command
    reads what that server publishes (:func:`app.store_sharing.open_held_store`), and any
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
    with _progress() as progress:
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


@click.group(cls=MosaicGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mosaic-kg")
def cli() -> None:
    """MOSAIC: the shared knowledge graph of AI-security standards."""


@cli.command()
@store_options
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=field_range("port"), default=None, help="Port (default 8000).")
@click.option(
    "--workers",
    type=field_range("workers"),
    default=None,
    help="Uvicorn worker processes (default 1); above 1, an Oxigraph server on 127.0.0.1 "
    "holds the store and every worker uses it (docs/deployment.md).",
)
@click.option(
    "--store-url",
    default=None,
    help="SPARQL 1.1 query endpoint of a remote store to use instead of the on-disk one "
    "(setting MOSAIC_STORE_URL).",
)
@click.option(
    "--query-timeout",
    type=field_range("query_timeout"),
    default=None,
    help="Seconds a /sparql query may run before its worker is killed (default 30).",
)
@click.option(
    "--query-workers",
    type=field_range("query_workers"),
    default=None,
    help="Query worker processes (default: cores).",
)
def serve(
    store_path: Path | None,
    no_seed: bool,
    host: str | None,
    port: int | None,
    workers: int | None,
    store_url: str | None,
    query_timeout: float | None,
    query_workers: int | None,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs) over the on-disk store, or a remote one.

    While it runs, reading commands (query, export, resolve, align, validate, backup) on the
    same store read a snapshot it publishes after every write; writing commands are refused.
    """
    import uvicorn

    from app.api import create_app
    from app.store_sharing import announcing, server_url, sharing
    from app.workers import oxigraph_server, run_workers, worker_settings

    todo = "stop it first, or serve another --store"

    with _reported():
        settings = _settings(
            store_path,
            no_seed,
            host=host,
            port=port,
            workers=workers,
            store_url=store_url,
            query_timeout=query_timeout,
            query_workers=query_workers,
        )
        logging.basicConfig(level=settings.log_level.upper())
        started = time.perf_counter()
        url = server_url(settings.host, settings.port)
        if settings.workers > 1:
            with contextlib.ExitStack() as stack:
                if settings.store_url is None:
                    store_path = settings.store_path
                    refuse_if_held(store_path, settings.base_iri, todo)
                    server = stack.enter_context(
                        oxigraph_server(store_path, query_timeout=settings.query_timeout)
                    )
                    settings = worker_settings(settings, server)
                    click.echo(f"Oxigraph server over {store_path} at {server.base}", err=True)
                    stack.enter_context(announcing(store_path, url, server.query_url))
                _open(settings, announce=True).close()
                click.echo(f"store ready in {time.perf_counter() - started:.2f} s", err=True)
                exit_on_sigterm()
                run_workers(settings)
            return
        store = _open(settings, announce=True, todo=todo)
        with contextlib.ExitStack() as stack:
            if settings.store_url is None:
                stack.enter_context(sharing(store, settings.store_path, url))
            click.echo(f"store ready in {time.perf_counter() - started:.2f} s", err=True)
            exit_on_sigterm()
            uvicorn.run(
                create_app(settings, store=store),
                host=settings.host,
                port=settings.port,
                log_level=settings.log_level,
            )


@cli.command()
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
    + ", ".join(sorted(UPSTREAM_FORMATS))
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
    with _reported(str(files[0]), verbose=verbose, as_json=output.as_json):
        sources = []
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ParameterError(f"cannot read {path}: {exc.strerror}") from exc
            sources.append(SourceFile(data, str(path), fmt or detect_format(path)))
        settings = _settings(store_path, no_seed)
        if all(s.format == "sssom" for s in sources) and initiative_id is None:
            store = _open(settings, todo="stop it, or record mappings with POST /mappings")
            for source in sources:
                set_id = mapping_set_id or mapping_set_id_from_name(source.name)
                summary, warnings = load_mapping_set(store, settings, set_id, source)
                output.add(summary, warnings)
            output.finish()
            return
        if initiative_id is None:
            raise ParameterError("--initiative is required to load a vocabulary")
        with _progress() as progress:
            checked = read_sources(settings, initiative_id, sources, progress)
            store = _open(settings, todo=_upload_instead(initiative_id))
            summary, warnings = load_into_initiative(
                store, settings, initiative_id, checked, progress
            )
        output.add(summary, warnings)
        output.finish()


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
    with _reported(str(files[0]), verbose=output.verbose, as_json=output.as_json):
        spec = upstream_format(upstream)
        if len(files) != 1:
            raise ParameterError("--from takes exactly one path (the upstream file or folder)")
        if not files[0].exists():
            raise ParameterError(f"cannot read {files[0]}: no such file or folder")
        target = initiative_id or spec.initiative_id
        validate_id(target)
        settings = _settings(store_path, no_seed)
        result = spec.converter()(str(files[0]))
        checked = read_upstream(settings, target, result)
        store = _open(settings, todo=_upload_instead(target))
        replaced = replace_initiative(store, settings, checked)
        output.add(replaced.summary, replaced.warnings)
        output.add(replaced.declared)
        output.finish(_upstream_counts(checked))


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


@cli.command()
@store_options
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS),
    default=None,
    help="Result format (default: json for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Parameter of a named query (repeatable).",
)
def query(
    store_path: Path | None,
    no_seed: bool,
    query: str,
    fmt: str | None,
    params: tuple[str, ...],
) -> None:
    """Run QUERY: SPARQL text, a .rq file, or the name of a query of queries/.

    Queries see the union of all named graphs as their default graph.
    """
    with _reported(query if query.endswith(".rq") else "<query>"):
        settings = _settings(store_path, no_seed)
        catalog = Catalog.from_folder(settings.queries_dir)
        values = dict(_split_param(p) for p in params)
        substitutions: dict[str, Any] = {}
        if query in catalog:
            named = catalog[query]
            text = named.sparql
            substitutions = named.bind(values)
        elif query.endswith(".rq"):
            try:
                text = Path(query).read_text(encoding="utf-8")
            except OSError as exc:
                raise ParameterError(f"cannot read {query}: {exc.strerror}") from exc
        else:
            text = query
        if values and not substitutions:
            raise ParameterError("--param is only for named queries")
        store = _open(settings, reading=True)
        result = store.run(text, substitutions)
        sys.stdout.buffer.write(_serialize_result(result, fmt))


def _split_param(raw: str) -> tuple[str, str]:
    name, sep, value = raw.partition("=")
    if not sep or not name:
        raise ParameterError(f"--param {raw!r}: expected NAME=VALUE", parameter="param")
    return name, value


_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def _serialize_result(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str | None
) -> bytes:
    if isinstance(result, ox.QueryTriples):
        graph_format = _GRAPH_FORMATS.get(fmt or "turtle")
        if graph_format is None:
            raise ParameterError(
                f"--format {fmt} is for SELECT and ASK results", parameter="format"
            )
        data = result.serialize(format=graph_format)
    else:
        results_format = _RESULT_FORMATS.get(fmt or "json")
        if results_format is None:
            raise ParameterError(
                f"--format {fmt} is for CONSTRUCT and DESCRIBE results", parameter="format"
            )
        data = result.serialize(format=results_format)
    return (data or b"") + (b"" if (data or b"").endswith(b"\n") else b"\n")


@cli.command()
@store_options
@click.option(
    "--initiative",
    "initiative_id",
    default=None,
    callback=check_id("initiative id"),
    help="Export one initiative's graph.",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    help="turtle, trig, ntriples, nquads, rdfxml or jsonld (default: the extension of -o; "
    "else trig for the whole store, turtle for one initiative).",
)
@click.option(
    "--mappings",
    is_flag=True,
    help="Export the curated mappings (with their review status) as SSSOM TSV instead.",
)
@click.option(
    "--mapping-set",
    "mapping_set",
    default=None,
    callback=check_id("mapping set id"),
    help="With --mappings: only this mapping set.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output; its extension (.nq, .nt, .ttl, "
    ".trig, .jsonld, .rdf; .sssom.tsv with --mappings) sets the format.",
)
def export(
    store_path: Path | None,
    no_seed: bool,
    initiative_id: str | None,
    fmt: str | None,
    mappings: bool,
    mapping_set: str | None,
    output: Path | None,
) -> None:
    """Export the whole store (all named graphs), one initiative's graph, or the mappings.

    The format follows the extension of -o; a --format that contradicts it is refused.
    """
    from app.export_target import export_format

    with _reported():
        chosen = export_format(
            output, fmt, mappings=mappings or mapping_set is not None, whole_store=not initiative_id
        )
        if mappings or mapping_set:
            _export_mappings(store_path, no_seed, initiative_id, fmt, mapping_set, output)
            return
        syntax = syntax_for_name(chosen)
        settings = _settings(store_path, no_seed)
        store = _open(settings, reading=True)
        if initiative_id is not None:
            from app.initiatives import initiative_graph

            graph = initiative_graph(
                store, Catalog.from_folder(settings.queries_dir), initiative_id
            )
            quads = store.graph_quads(graph)
        else:
            quads = list(store.all_quads())
        data = serialize_quads(quads, syntax, TURTLE_PREFIXES)
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)
            click.echo(f"wrote {len(quads)} triples to {output}", err=True)


def _export_mappings(
    store_path: Path | None,
    no_seed: bool,
    initiative_id: str | None,
    fmt: str | None,
    mapping_set: str | None,
    output: Path | None,
) -> None:
    """Write the curated mappings as SSSOM TSV (``mosaic export --mappings``)."""
    from app.curation import Curation
    from app.curation_models import MappingFilter
    from app.mapping_export import to_sssom_tsv

    if fmt not in (None, "sssom"):
        raise ParameterError("--mappings writes SSSOM TSV; drop --format", parameter="format")
    if mapping_set is not None:
        validate_id(mapping_set, "mapping set id")
    if initiative_id is not None:
        validate_id(initiative_id)
    settings = _settings(store_path, no_seed)
    store = _open(settings, reading=True)
    index = _label_index(settings, store)
    curation = Curation(store, Catalog.from_folder(settings.queries_dir))
    records = curation.records(
        index, MappingFilter(initiative=initiative_id, mapping_set=mapping_set)
    )
    text = to_sssom_tsv(index, records)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(records)} mappings to {output}", err=True)


def _label_index(settings: Settings, store: GraphStore) -> LabelIndex:
    """The label index of the opened store, persisted for the next call.

    Loaded from the file beside the store when the store has not changed since it was saved,
    else built (and saved).
    """
    from app.identifiers import load_converter
    from app.index_file import index_folder
    from app.index_holder import LabelIndexHolder

    converter = load_converter(settings.ontology_dir / "prefixes.json")
    catalog = Catalog.from_folder(settings.queries_dir)
    holder = LabelIndexHolder(store, catalog, converter, folder=index_folder(settings))
    return holder.current()


def _as_bad_argument(exc: NotFoundError, parameter: str) -> ParameterError:
    """An unknown initiative named on the command line is a bad argument (exit code 2)."""
    return ParameterError(f"unknown {exc.kind} {exc.identifier!r}", parameter=parameter)


@cli.command()
@store_options
@click.argument("term")
@click.option(
    "--initiative",
    "initiative_id",
    default=None,
    callback=check_id("initiative id"),
    help="Only this initiative.",
)
@click.option("--kind", type=click.Choice(sorted(KINDS)), default=None, help="Only this kind.")
@click.option(
    "--limit",
    type=click.IntRange(1, RESOLVE_MAX_LIMIT),
    default=RESOLVE_DEFAULT_LIMIT,
    show_default=True,
    help="At most this many.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def resolve(
    store_path: Path | None,
    no_seed: bool,
    term: str,
    initiative_id: str | None,
    kind: str | None,
    limit: int,
    fmt: str,
) -> None:
    """Resolve TERM (a label, notation, CURIE or IRI) to the concepts of every initiative.

    Matches are exact, normalised (case, punctuation, plurals, acronyms), fuzzy (typos,
    prefixes) or semantic; they are ranked and grouped into senses (concepts linked by exact
    or close mappings).
    """
    from app.resolve import check_query, resolve_term

    with _reported("<term>"):
        check_query(term, parameter="TERM")
        settings = _settings(store_path, no_seed)
        index = _label_index(settings, _open(settings, reading=True))
        try:
            result = resolve_term(index, term, initiative=initiative_id, kind=kind, limit=limit)
        except NotFoundError as exc:
            raise _as_bad_argument(exc, "initiative") from exc
        if fmt == "json":
            click.echo(result.model_dump_json(indent=2))
            return
        if not result.senses:
            click.echo(f"no concept matches {result.query!r}", err=True)
        for sense in result.senses:
            click.echo(f"sense {sense.id}: {sense.label} ({', '.join(sense.initiatives)})")
            for item in sense.concepts:
                via = (
                    ""
                    if item.matched_label == item.label
                    else f"  via {item.matched_property} {item.matched_label!r}"
                )
                click.echo(
                    f"  {item.score:.2f}  {item.match_type:<10}  {item.curie or item.iri}  "
                    f"{item.label}  [{item.initiative}, {item.kind}]{via}"
                )


@cli.command()
@store_options
@click.argument("source", callback=check_id("initiative id"))
@click.argument("target", callback=check_id("initiative id"))
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=ALIGN_MIN_SCORE,
    show_default=True,
    help="Lowest confidence kept.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, ALIGN_MAX_LIMIT),
    default=ALIGN_LIMIT,
    show_default=True,
    help="At most this many rows, best first.",
)
@click.option(
    "--per-concept",
    type=click.IntRange(1, ALIGN_MAX_PER_CONCEPT),
    default=ALIGN_PER_CONCEPT,
    show_default=True,
    help="Candidates per source concept.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["sssom", "json"]),
    default="sssom",
    show_default=True,
    help="SSSOM TSV with its metadata block, or JSON.",
)
@click.option(
    "--quiet", "-q", is_flag=True, default=False, help="No progress bar (stderr) while it works."
)
def align(
    store_path: Path | None,
    no_seed: bool,
    source: str,
    target: str,
    min_score: float,
    limit: int,
    per_concept: int,
    fmt: str,
    quiet: bool,
) -> None:
    """Compute candidate mappings from initiative SOURCE's concepts to TARGET's.

    Lexical, semantic and structural signals are combined into a confidence; each row says
    whether the graph already holds the mapping (curated) or a negative one (rejected).
    Rows below the minimum score are not written. A progress bar shows on stderr when it is a
    terminal (never on stdout, which carries the result).
    """
    from app import align as matcher
    from app.initiatives import read_initiative_summary

    with _reported("<align>"):
        settings = _settings(store_path, no_seed)
        store = _open(settings, reading=True)
        catalog = Catalog.from_folder(settings.queries_dir)
        for parameter, initiative_id in (("source", source), ("target", target)):
            try:  # one registry query, before the label index is built
                read_initiative_summary(store, catalog, initiative_id)
            except NotFoundError as exc:
                raise _as_bad_argument(exc, parameter) from exc
        with _progress(quiet=quiet) as progress:
            progress("building the label index", 0, 1)
            index = _label_index(settings, store)
            try:
                alignment = matcher.align(
                    index,
                    source,
                    target,
                    min_score=min_score,
                    limit=limit,
                    per_concept=per_concept,
                    progress=progress,
                )
            except NotFoundError as exc:
                parameter = "target" if exc.identifier == target and source != target else "source"
                raise _as_bad_argument(exc, parameter) from exc
        if fmt == "json":
            click.echo(alignment.model_dump_json(indent=2))
        else:
            sys.stdout.write(matcher.to_sssom_tsv(index, alignment))


VALIDATION_FORMATS = ("text", "json", "turtle")


@cli.command()
@store_options
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--initiative",
    "initiative_id",
    default=None,
    callback=check_id("initiative id"),
    help="Validate this initiative's graph, or FILES as its new content (in the store's context).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(VALIDATION_FORMATS),
    default="text",
    show_default=True,
    help="Report format: text, json ({conforms, results}) or turtle (sh:ValidationReport).",
)
@click.option(
    "--input-format",
    type=click.Choice(INPUT_FORMATS),
    default=None,
    help="Format of FILES when the extension does not tell.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    default=False,
    help="Text report: list every result (default: summarised per rule beyond a few).",
)
def validate(
    store_path: Path | None,
    no_seed: bool,
    files: tuple[Path, ...],
    initiative_id: str | None,
    fmt: str,
    input_format: str | None,
    verbose: bool,
) -> None:
    """Check FILES (or the store) against the SHACL rules of shapes/; nothing is written.

    Without FILES, the store is validated (or one initiative's graph with --initiative). FILES
    are validated on their own, or with --initiative as the new content of that initiative,
    checked against the rest of the store. SSSOM files are checked as mapping sets against the
    store. Exit code 0 when there is no Violation, 1 when there is, 2 for unreadable input.
    The text report lists a rule's results in full up to a few, then how many more
    (--verbose lists every one); json and turtle hold every result.
    """
    with _reported(str(files[0]) if files else "mosaic"):
        settings = _settings(store_path, no_seed)
        report = _validation_report(settings, files, initiative_id, input_format)
        _print_report(report, fmt, settings, verbose=verbose)
    sys.exit(0 if report.conforms else 1)


def _validation_report(
    settings: Settings,
    files: tuple[Path, ...],
    initiative_id: str | None,
    input_format: str | None,
) -> ValidationReport:
    """The report of ``mosaic validate``; the store, when opened, is closed on return."""
    from app.validation import validate_documents, validate_store

    sources = [_source_file(path, input_format) for path in files]
    needs_store = not files or initiative_id is not None
    needs_store = needs_store or any(s.format == "sssom" for s in sources)
    store = _open(settings, reading=True) if needs_store else None
    try:
        if store is not None and not files:
            return validate_store(store, settings, initiative_id)
        return validate_documents(settings, sources, store=store, initiative_id=initiative_id)
    finally:
        if store is not None:
            store.close()


def _source_file(path: Path, fmt: str | None) -> SourceFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParameterError(f"cannot read {path}: {exc.strerror}") from exc
    return SourceFile(data, str(path), fmt or detect_format(path))


def _print_report(
    report: ValidationReport, fmt: str, settings: Settings, *, verbose: bool = False
) -> None:
    from app.cli_report import report_lines
    from app.shacl import report_to_json, report_to_turtle
    from app.shapes import load_shapes

    if fmt == "json":
        click.echo(report_to_json(report))
    elif fmt == "turtle":
        shapes = load_shapes(settings.shapes_dir)
        sys.stdout.buffer.write(report_to_turtle(report, shapes))
    else:
        click.echo("\n".join(report_lines(report, verbose=verbose)))


@cli.group()
def token() -> None:
    """Manage the write tokens of the HTTP API (the tokens_file setting)."""


@token.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(("maintainer", "curator", "admin")),
    required=True,
    help="admin writes every initiative; maintainer and curator the ones listed.",
)
@click.option(
    "--initiative",
    "initiatives",
    multiple=True,
    callback=check_id("initiative id"),
    help="An initiative the token may write (repeatable).",
)
@click.option("--orcid", default=None, help="The ORCID iD of the token's holder.")
@tokens_file_option
def token_add(
    name: str,
    role: str,
    initiatives: tuple[str, ...],
    orcid: str | None,
    tokens_file: Path | None,
) -> None:
    """Create a write token for NAME and print it, once: only its hash is stored."""
    from app.auth import add_token

    with _reported():
        path = _tokens_file(tokens_file)
        secret = add_token(path, name, role, initiatives, orcid)
        click.echo(secret)
        click.echo(
            f"added a {role} token for {name} to {path}; it is shown only this once", err=True
        )


@cli.command("seed")
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store folder (default: setting MOSAIC_STORE, else var/store in the checkout).",
)
def seed_command(store_path: Path | None) -> None:
    """Add the bundled dataset to a store made with --no-seed (or filled without it).

    A new store is seeded by the first command that opens it; one made with --no-seed
    remembers that, and only this command seeds it. What the store holds stays; a store that
    already holds a bundled initiative's graph is refused (exit code 1).
    """
    from app.dataset import seed_on_request

    with _reported():
        settings = _settings(store_path, True)
        store = _open(settings)
        with _progress() as progress:
            summary = seed_on_request(store, settings, progress)
        where = settings.store_url or settings.store_path
        if summary is None:
            click.echo(f"{where} is already seeded; nothing to do")
        else:
            click.echo(f"seeded {where} with {summary.triples} triples in {summary.seconds:.2f} s")


@token.command("list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A table for people, or JSON for tools.",
)
@tokens_file_option
def token_list(fmt: str, tokens_file: Path | None) -> None:
    """List the write tokens: name, role, initiatives, created, last used (never a token)."""
    import dataclasses
    import json

    from app.auth import list_tokens

    with _reported():
        path = _tokens_file(tokens_file)
        listed = list_tokens(path)
        if fmt == "json":
            click.echo(json.dumps([dataclasses.asdict(t) for t in listed], indent=2))
            return
        if not listed:
            click.echo(f"no tokens in {path}", err=True)
            return
        rows = [("NAME", "ROLE", "INITIATIVES", "CREATED", "LAST USED")] + [
            (
                t.name,
                t.role,
                ",".join(t.initiatives) or ("(all)" if t.role == "admin" else "-"),
                t.created or "-",
                t.last_used or "never",
            )
            for t in listed
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            click.echo("  ".join(cells).rstrip())


@token.command("remove")
@click.argument("name")
@tokens_file_option
def token_remove(name: str, tokens_file: Path | None) -> None:
    """Revoke the tokens of NAME: a running server refuses them from its next request on."""
    from app.auth import remove_token

    with _reported():
        path = _tokens_file(tokens_file)
        removed = remove_token(path, name)
        click.echo(f"removed {removed} token{'s' if removed != 1 else ''} of {name} from {path}")


def _tokens_file(option: Path | None) -> Path:
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


@cli.command()
@store_options
@click.argument("target", type=click.Path(path_type=Path))
def backup(store_path: Path | None, no_seed: bool, target: Path) -> None:
    """Write a consistent copy of the store to TARGET (a new folder)."""
    with _reported(str(target)):
        settings = _settings(store_path, no_seed)
        _embedded_only(settings)
        store = _open(settings, reading=True)
        count = backup_store(store, target)
        click.echo(f"backed up {count} quads to {target}")


@cli.command()
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store folder to replace (default: setting MOSAIC_STORE).",
)
@click.argument("source", type=click.Path(path_type=Path))
def restore(store_path: Path | None, source: Path) -> None:
    """Replace the store with the backup at SOURCE (stop the server first)."""
    with _reported(str(source)):
        settings = _settings(store_path, True)
        _embedded_only(settings)
        try:
            count = restore_store(source, settings.store_path)
        except StoreInUseError as exc:
            raise in_use_error(exc.path, STOP_FIRST) from exc
        click.echo(f"restored {count} quads into {settings.store_path}")


def _embedded_only(settings: Settings) -> None:
    """Refuse backup and restore of a remote store: its server has its own tools.

    :raises ParameterError: when ``store_url`` is set.
    """
    if settings.store_url is not None:
        raise ParameterError(f"{settings.store_url}: {REMOTE_BACKUP}", parameter="store_url")


cli.add_command(lint_command)


def main() -> None:
    """Entry point of the ``mosaic`` console script."""
    cli(prog_name="mosaic")
