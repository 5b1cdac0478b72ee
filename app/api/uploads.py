"""Request bodies of uploads: the media type decides the reader, the size is capped.

Used by ``PUT /initiatives/{id}/graph``, ``POST /validate`` and the text routes
(``POST /terms/annotate``, ``POST /lint``). The body is read as a stream and
refused (413) as soon as it passes ``max_upload_bytes``, whatever ``Content-Length`` claimed; a
declared length above the limit is refused before anything is read.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from mosaic.errors import PayloadTooLargeError, UnsupportedMediaTypeError
from mosaic.rdf.io import RDF_SYNTAXES, syntax_for_media_type
from mosaic.terms.regions import MEDIA_TYPES, media_kind
from mosaic.terms.text_input import charset_of, decode_text

CSV_MEDIA_TYPE = "text/csv"

#: Media types an upload may have, for error messages and the OpenAPI description.
UPLOAD_MEDIA_TYPES = (*(s.media_type for s in RDF_SYNTAXES), CSV_MEDIA_TYPE)


def upload_format(content_type: str | None) -> str:
    """The loader format of a request's ``Content-Type`` (``csv`` or an RDF syntax name).

    :raises UnsupportedMediaTypeError: for any other media type, or none.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type == CSV_MEDIA_TYPE:
        return "csv"
    try:
        return syntax_for_media_type(media_type).name
    except UnsupportedMediaTypeError as exc:
        offered = ", ".join(UPLOAD_MEDIA_TYPES)
        raise UnsupportedMediaTypeError(
            f"unsupported media type {media_type or '(none)'!r}; send one of: {offered}"
        ) from exc


async def read_body(request: Request, limit: int) -> bytes:
    """The whole request body, at most ``limit`` bytes.

    :raises PayloadTooLargeError: when ``Content-Length`` or the body itself passes the limit.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(
            f"the body is {int(declared)} bytes; uploads are limited to {limit} bytes"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(f"the body passes the upload limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


#: The request body of the text routes (annotate, lint): raw text in one of these types. No
#: schema: any text is valid (bytes that do not decode are a documented 400).
TEXT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            media_type: {} for media_type in MEDIA_TYPES if media_type != "text/x-markdown"
        },
    }
}


async def read_text(request: Request, limit: int, content_type: str | None) -> tuple[str, str]:
    """The kind (``text``, ``markdown``, ``html``) and decoded text of a request body.

    :raises UnsupportedMediaTypeError: for another media type or an unknown charset.
    :raises PayloadTooLargeError: for a body past ``limit`` bytes.
    :raises LoadError: for bytes that are not text in the charset.
    """
    kind = media_kind(content_type)
    charset = charset_of(content_type)
    raw = await read_body(request, limit)
    return kind, decode_text(raw, request.url.path, charset)
