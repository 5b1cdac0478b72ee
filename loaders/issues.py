"""The one issue collector of the upstream converters: bad records and harmless oddities.

Every converter reads files and finds two kinds of problem: an *issue* (the record, or the
whole file, cannot be used; a bundle with issues is not written) and a *warning* (the record
is converted, minus the bad part). Both are :class:`mosaic.errors.LoadIssue` with the file and
line, so the CLI and the build command report them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mosaic.errors import LoadIssue


@dataclass(kw_only=True)
class IssueCollector:
    """Collects the issues and warnings of one conversion.

    A converter's reading context derives from it (its own fields come first, these are
    keyword-only), or passes a :class:`~mosaic.rdf.source.LoadResult`'s lists to fill it.

    >>> collector = IssueCollector()
    >>> collector.issue("risks.yaml", 3, "duplicate id R1")
    >>> collector.warn(Path("a.md"), None, "no description")
    >>> [str(i) for i in collector.issues], len(collector.warnings)
    (['risks.yaml:3:0: duplicate id R1'], 1)
    """

    issues: list[LoadIssue] = field(default_factory=list)
    warnings: list[LoadIssue] = field(default_factory=list)

    def issue(self, source: Path | str, line: int | None, message: str) -> None:
        """Record a bad record: it (or the whole file) is left out of the result."""
        self.issues.append(LoadIssue(str(source), line, None, message, stage="convert"))

    def warn(self, source: Path | str, line: int | None, message: str) -> None:
        """Record a harmless oddity: the record is converted anyway."""
        self.warnings.append(LoadIssue(str(source), line, None, message, stage="convert"))
