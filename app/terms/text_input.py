"""Bytes to text for the annotator and the linter: the charset named, else UTF-8.

A body that does not decode is refused with the line and column of the first bad byte, as a
load error is (HTTP 400 ``invalid-input``, CLI exit code 2 and ``file:line:column: message``).
"""

from __future__ import annotations

import codecs

from mosaic.errors import LoadError, LoadIssue, UnsupportedMediaTypeError


def charset_of(content_type: str | None) -> str:
    """The charset parameter of a ``Content-Type`` (UTF-8 when absent).

    :raises UnsupportedMediaTypeError: for a charset Python does not know.
    """
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"') or "utf-8"
            try:
                return codecs.lookup(charset).name
            except LookupError as exc:
                raise UnsupportedMediaTypeError(f"unknown charset {charset!r}") from exc
    return "utf-8"


def decode_text(raw: bytes, source: str, charset: str = "utf-8") -> str:
    """The text of ``raw`` (a UTF-8 byte order mark is dropped).

    :raises LoadError: when the bytes are not valid in ``charset``; the issue has the line and
        column (in characters) of the first bad byte.
    """
    try:
        text = raw.decode(charset)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode(charset, errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        message = f"not valid {charset} text (byte 0x{raw[exc.start]:02x})"
        raise LoadError([LoadIssue(source, line, column, message)]) from exc
    return text.removeprefix("\ufeff")
