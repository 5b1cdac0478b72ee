"""Options shared by the ``mosaic`` commands, and the group that keeps usage errors to one line.

Every option is checked by click before a command does any work: ranges are click's
``IntRange``/``FloatRange`` (shown in ``--help``; a server setting's range is read from the
setting itself, so the option and the setting agree), ids are checked by a callback, and
formats are choices. A usage error is one line, ``mosaic <command>: <problem>``, exit code 2,
as the interface contract asks of a bad argument (click's own display is a usage block).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mosaic.errors import ParameterError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.io import RDF_SYNTAXES
from mosaic.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


class _OneLineUsageError(click.UsageError):
    """A usage error shown as one line (the contract), not click's usage block."""

    def show(self, file: Any = None) -> None:  # noqa: ARG002 - click's signature
        """Print ``mosaic <command>: <problem>`` on stderr."""
        path = self.ctx.command_path.split(" ")[1:] if self.ctx is not None else []
        click.echo(f"{' '.join(['mosaic', *path])}: {self.format_message()}", err=True)


class MosaicGroup(click.Group):
    """The command group: every usage error (unknown option, value out of range) is one line."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Parse the group's own options; a usage error becomes one line."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _one_line(exc) from exc

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; a usage error in its options becomes one line."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line(exc) from exc


def _one_line(exc: click.UsageError) -> click.UsageError:
    if isinstance(exc, _OneLineUsageError):
        return exc
    return _OneLineUsageError(exc.format_message(), exc.ctx)


def check_id(what: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback that refuses a malformed id (or ids) before any work."""

    def check(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            if item is not None:
                try:
                    validate_id(item, what)
                except ParameterError as exc:
                    raise click.BadParameter(exc.detail) from exc
        return value

    return check


def field_range(name: str) -> click.IntRange | click.FloatRange:
    """The range of a numeric setting as a click type, so options and settings agree."""
    import annotated_types as at

    field = Settings.model_fields[name]
    low: float | None = None
    high: float | None = None
    low_open = False
    for rule in field.metadata:
        if isinstance(rule, at.Ge):
            low = float(rule.ge)  # type: ignore[arg-type]
        elif isinstance(rule, at.Gt):
            low, low_open = float(rule.gt), True  # type: ignore[arg-type]
        elif isinstance(rule, at.Le):
            high = float(rule.le)  # type: ignore[arg-type]
    if field.annotation is int:
        return click.IntRange(
            None if low is None else int(low), None if high is None else int(high)
        )
    return click.FloatRange(low, high, min_open=low_open)


#: Input formats of ``load --input-format`` and ``validate --input-format``.
INPUT_FORMATS = ("csv", "sssom", *(s.name for s in RDF_SYNTAXES))


def _report_format(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """``--format`` names the report format; point a user who meant the input format there."""
    if value in INPUT_FORMATS:
        raise click.BadParameter(
            f"{value!r} is an input format: use --input-format {value} "
            "(--format is the report format: text or json)"
        )
    if value not in ("text", "json"):
        raise click.BadParameter(f"{value!r} is not one of 'text', 'json'")
    return value


def report_options(func: F) -> F:
    """``--format text|json`` and ``--verbose``, for commands that report findings."""
    func = click.option(
        "--verbose",
        "-v",
        is_flag=True,
        default=False,
        help="List every finding (default: summarised per rule beyond a few).",
    )(func)
    func = click.option(
        "--format",
        "report",
        default="text",
        show_default=True,
        metavar="[text|json]",
        callback=_report_format,
        help="Report format: text for people, json (one document with every finding) for tools.",
    )(func)
    return func


def tokens_file_option(func: F) -> F:
    """``--tokens-file``, shared by the token commands."""
    return click.option(
        "--tokens-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Tokens file (default: setting MOSAIC_TOKENS_FILE).",
    )(func)
