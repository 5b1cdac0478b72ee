"""The prose of a body: the parts a term may be found in, with their offsets into the body.

Every offset the annotator and the linter report is a position in the body *as sent*, counted
in Unicode code points (Python string indices; a client in JavaScript converts from UTF-16).
So a region keeps, besides its text, where each of its characters came from:

- **plain text**: everything except URLs;
- **Markdown** (read with markdown-it-py, the CommonMark parser): fenced and indented code
  blocks, inline code, link destinations, autolinks, bare URLs, reference definitions, HTML
  tags and comments and a YAML front matter are left out; an HTML block is read as HTML;
- **HTML** (read with the standard library's tolerant parser): only text nodes, each its own
  region (a term never spans two elements); the contents of ``script``, ``style``, ``code``,
  ``pre``, ``textarea`` and the like are left out, and character references are decoded
  (``prompt&nbsp;injection`` is a term), their characters pointing back at the reference.

The links of the body (Markdown destinations, autolinks, bare URLs, HTML ``href``) are kept
too: the linter asks whether a draft links a concept's source.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from mosaic.errors import UnsupportedMediaTypeError

#: Media types of a body, by the short name used in options and answers.
MEDIA_TYPES: dict[str, str] = {
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/html": "html",
    "application/xhtml+xml": "html",
}
KINDS = ("text", "markdown", "html")

_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>()\[\]{}\"'`]*[^\s<>()\[\]{}\"'`.,;:!?]")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>")
_LINK_DESTINATION = re.compile(
    r"\]\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:[ \t].*)?$", re.MULTILINE)
_INLINE_HTML = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>", re.DOTALL)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HREF = re.compile(r"\s*(\S+)\s*")

#: HTML elements whose content is not prose.
SKIPPED_ELEMENTS = frozenset(
    {
        "script", "style", "noscript", "template", "textarea", "select", "option", "code",
        "pre", "kbd", "samp", "var", "svg", "math", "head", "title", "iframe", "object",
    }
)  # fmt: skip


def media_kind(content_type: str | None) -> str:
    """The kind of body (``text``, ``markdown``, ``html``) a ``Content-Type`` names.

    :raises UnsupportedMediaTypeError: for any other media type, or none.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in MEDIA_TYPES:
        return MEDIA_TYPES[media_type]
    raise UnsupportedMediaTypeError(
        f"unsupported media type {media_type or '(none)'!r}; send one of: " + ", ".join(MEDIA_TYPES)
    )


def kind_of_path(name: str) -> str:
    """The kind of a file by its extension: Markdown, HTML, else plain text."""
    lowered = name.lower()
    if lowered.endswith((".md", ".markdown", ".mdown", ".mkd")):
        return "markdown"
    if lowered.endswith((".html", ".htm", ".xhtml")):
        return "html"
    return "text"


@dataclass(frozen=True, slots=True)
class Region:
    """A stretch of prose: its text and, per character, its offset in the body.

    ``origins`` is ``None`` when the text is the body's own characters from ``start`` on;
    otherwise it has one offset per character plus the end offset of the last one.
    """

    start: int
    text: str
    origins: tuple[int, ...] | None = None

    def offset(self, position: int) -> int:
        """The body offset of ``position`` in this region's text (``len(text)``: its end)."""
        return self.start + position if self.origins is None else self.origins[position]


@dataclass(frozen=True, slots=True)
class Link:
    """A link target found in the body, and where."""

    target: str
    start: int
    end: int


@dataclass
class Document:
    """A body cut into prose regions, with its links and a line table for positions."""

    body: str
    kind: str
    regions: list[Region]
    links: list[Link] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Index the line starts (LF, CRLF and CR each end a line)."""
        starts = [0]
        for match in re.finditer(r"\r\n|\r|\n", self.body):
            starts.append(match.end())
        self._line_starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column (in code points) of a body offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] if line < len(self._line_starts) else len(self.body)
        return self.body[start:end].rstrip("\r\n")


def read_document(body: str, kind: str) -> Document:
    """Cut ``body`` into prose regions according to its kind (``text``, ``markdown``, ``html``)."""
    if kind == "html":
        regions, links = _html_regions(body, 0)
    elif kind == "markdown":
        regions, links = _markdown_regions(body)
    else:
        links = [Link(m.group(), m.start(), m.end()) for m in _URL.finditer(body)]
        regions = _between(body, 0, len(body), [(link.start, link.end) for link in links])
    return Document(body=body, kind=kind, regions=regions, links=links)


def _between(body: str, start: int, end: int, skipped: Iterable[tuple[int, int]]) -> list[Region]:
    """Regions of ``body[start:end]`` outside the ``skipped`` intervals."""
    regions = []
    position = start
    for skip_start, skip_end in sorted(skipped):
        if skip_end <= position:
            continue
        if skip_start > position:
            regions.append(Region(position, body[position : min(skip_start, end)]))
        position = max(position, skip_end)
        if position >= end:
            break
    if position < end:
        regions.append(Region(position, body[position:end]))
    return [r for r in regions if r.text.strip()]


# --- Markdown ----------------------------------------------------------------------------------

_PARSER = MarkdownIt("commonmark").enable("table")


def _markdown_regions(body: str) -> tuple[list[Region], list[Link]]:
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", body)]

    def at(line: int) -> int:
        return line_starts[line] if line < len(line_starts) else len(body)

    skipped: list[tuple[int, int]] = []
    links: list[Link] = []
    html_blocks: list[tuple[int, int]] = []
    front = _FRONT_MATTER.match(body)
    text_start = front.end() if front else 0
    for token in _PARSER.parse(body[text_start:]):
        if token.map is None or token.type not in ("fence", "code_block", "html_block"):
            continue
        first = body.count("\n", 0, text_start)
        block = (at(token.map[0] + first), at(token.map[1] + first))
        (html_blocks if token.type == "html_block" else skipped).append(block)
    if front:
        skipped.append((0, text_start))
    blocks = sorted(skipped + html_blocks)
    # Inline constructs, found in what is left (a code span's backticks are searched outside
    # code blocks only, so a fence never opens a span).
    for start, end in _gaps(blocks, len(body)):
        part = body[start:end]
        for pattern, group in (
            (_CODE_SPAN, 0),
            (_INLINE_HTML, 0),
            (_AUTOLINK, 0),
            (_LINK_DESTINATION, 1),
            (_REFERENCE, 1),
            (_URL, 0),
        ):
            for match in pattern.finditer(part):
                if any(s <= start + match.start() < e for s, e in skipped):
                    continue
                skipped.append((start + match.start(), start + match.end()))
                if pattern is not _CODE_SPAN and pattern is not _INLINE_HTML:
                    target = match.group(group).strip("<>")
                    if target:
                        links.append(
                            Link(target, start + match.start(group), start + match.end(group))
                        )
                elif pattern is _INLINE_HTML:
                    links.extend(_hrefs(match.group(), start + match.start()))
    regions: list[Region] = []
    for start, end in _gaps(sorted(skipped + html_blocks), len(body)):
        regions.extend(_between(body, start, end, []))
    for start, end in html_blocks:
        block_regions, block_links = _html_regions(body[start:end], start)
        regions.extend(block_regions)
        links.extend(block_links)
    regions.sort(key=lambda r: r.start)
    links.sort(key=lambda link: link.start)
    return regions, links


def _gaps(intervals: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The stretches of ``[0, length)`` that no interval covers."""
    gaps = []
    position = 0
    for start, end in sorted(intervals):
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < length:
        gaps.append((position, length))
    return gaps


def _hrefs(tag: str, base: int) -> list[Link]:
    found = []
    for match in re.finditer(r"""\bhref\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", tag, re.IGNORECASE):
        value = match.group(1).strip("\"'")
        if value:
            found.append(Link(html.unescape(value), base + match.start(1), base + match.end(1)))
    return found


# --- HTML --------------------------------------------------------------------------------------


class _TextNodes(HTMLParser):
    """Collects text nodes (with entity references decoded) outside skipped elements."""

    def __init__(self, body: str, base: int) -> None:
        super().__init__(convert_charrefs=False)
        self.body = body
        self.base = base
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", body)]
        self.skipping: dict[str, int] = {}
        self.pieces: list[tuple[str, list[int]]] = []
        self.regions: list[Region] = []
        self.links: list[Link] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _flush(self) -> None:
        if not self.pieces:
            return
        text = "".join(piece for piece, _ in self.pieces)
        origins: list[int] = []
        for _, offsets in self.pieces:
            origins.extend(offsets[:-1])
        origins.append(self.pieces[-1][1][-1])
        self.pieces = []
        if text.strip():
            identity = origins == list(range(origins[0], origins[0] + len(text) + 1))
            self.regions.append(Region(origins[0], text, None if identity else tuple(origins)))

    def _add(self, text: str, start: int, raw_length: int) -> None:
        if any(self.skipping.values()):
            return
        if len(text) == raw_length:
            offsets = list(range(start, start + raw_length + 1))
        else:  # a decoded reference: every character points at the reference
            offsets = [start] * len(text) + [start + raw_length]
        if self.pieces and self.pieces[-1][1][-1] != offsets[0]:
            self._flush()
        self.pieces.append((text, offsets))

    def handle_starttag(self, tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        if tag in SKIPPED_ELEMENTS:
            self.skipping[tag] = self.skipping.get(tag, 0) + 1
        if tag == "a":
            start = self._offset()
            end = self.body.find(">", start - self.base) + self.base
            self.links.extend(_hrefs(self.body[start - self.base : end - self.base + 1], start))

    def handle_startendtag(self, _tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        self._flush()

    def handle_endtag(self, tag: str) -> None:
        self._flush()
        if self.skipping.get(tag):
            self.skipping[tag] -= 1

    def handle_data(self, data: str) -> None:
        start = self._offset() + self.base
        self._add(data, start, len(data))

    def _reference(self, raw_start: int) -> None:
        local = raw_start - self.base
        match = re.match(r"&#?[A-Za-z0-9]+;?", self.body[local:])
        raw = match.group() if match else "&"
        self._add(html.unescape(raw), raw_start, len(raw))

    def handle_entityref(self, _name: str) -> None:
        self._reference(self._offset() + self.base)

    def handle_charref(self, _name: str) -> None:
        self._reference(self._offset() + self.base)

    def handle_comment(self, _data: str) -> None:
        self._flush()

    def handle_decl(self, _decl: str) -> None:
        self._flush()

    def handle_pi(self, _data: str) -> None:
        self._flush()

    def unknown_decl(self, _data: str) -> None:
        self._flush()


def _html_regions(body: str, base: int) -> tuple[list[Region], list[Link]]:
    parser = _TextNodes(body, base)
    parser.feed(body)
    parser.close()
    parser._flush()
    regions: list[Region] = []
    links = list(parser.links)
    for region in parser.regions:
        urls = list(_URL.finditer(region.text))
        if not urls:
            regions.append(region)
            continue
        links.extend(
            Link(u.group(), region.offset(u.start()), region.offset(u.end())) for u in urls
        )
        position = 0
        for url in [*urls, None]:
            stop = len(region.text) if url is None else url.start()
            if region.text[position:stop].strip():
                regions.append(_slice(region, position, stop))
            if url is not None:
                position = url.end()
    return regions, links


def _slice(region: Region, start: int, end: int) -> Region:
    if region.origins is None:
        return Region(region.start + start, region.text[start:end])
    origins = region.origins[start : end + 1]
    return Region(origins[0], region.text[start:end], tuple(origins))
