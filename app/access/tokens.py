"""Write tokens: who may replace which initiative's graph.

Tokens live in a JSON file named by the ``tokens_file`` setting, written by
``mosaic token add``. The file holds no token, only its SHA-256 hash (a token is 256 random bits,
so a plain hash cannot be reversed or guessed), with the identity it stands for::

    {"tokens": [{"name": "Jane Doe", "orcid": "0000-0002-1825-0097", "role": "maintainer",
                 "initiatives": ["mitre-atlas"], "hash": "sha256:…", "created": "2026-…"}]}

Roles: ``admin`` may write every initiative; ``maintainer`` and ``curator`` only the initiatives
listed with their token (curators will also record mappings, see the mappings issue). No tokens
file, or no setting, means writes are disabled (HTTP 403). Tokens are accepted only in the
``Authorization: Bearer`` header, never in the URL, and compared in constant time.

``mosaic token list`` shows the records (never a token or its hash) and ``mosaic token remove``
deletes them. A running server notices at once: it checks the file's inode, size and
modification time on every authenticated request (one ``stat``) and re-reads it when they
change, so a removed token is refused by the next request, with no restart.

When a token was last used is kept apart, in ``<tokens file stem>-last-used.json`` beside it
(``{hash: time}``), so that recording it never rewrites the tokens file that
``mosaic token add`` and ``remove`` edit. To keep authenticated requests fast, a server writes
that file at most once a minute per token (:data:`LAST_USED_RESOLUTION`): the first request of
the minute pays one small atomic file write, later ones nothing; "last used" is therefore exact
to the minute.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from mosaic.errors import AuthenticationError, ForbiddenError, ParameterError, ReadOnlyError
from mosaic.rdf.identifiers import validate_id

log = logging.getLogger(__name__)

Role = Literal["maintainer", "curator", "admin"]
ROLES: tuple[Role, ...] = ("maintainer", "curator", "admin")
TOKEN_PREFIX = "mosaic_"  # noqa: S105 - a prefix, not a secret
_ORCID = re.compile(r"^(?:https://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
#: Query parameters that would carry a token in the URL; a request with one is refused.
URL_TOKEN_PARAMETERS = ("access_token", "token", "api_key", "apikey")
#: Seconds within which a token's "last used" time is not written again.
LAST_USED_RESOLUTION = 60.0


class TokenRecord(BaseModel):
    """One entry of the tokens file: a token's hash and the identity it stands for."""

    name: str = Field(min_length=1)
    orcid: str | None = None
    role: Role
    initiatives: list[str] = Field(default_factory=list)
    hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    created: str | None = None

    @field_validator("initiatives")
    @classmethod
    def _valid_ids(cls, value: list[str]) -> list[str]:
        for initiative in value:
            validate_id(initiative)
        return value


class TokenFile(BaseModel):
    """The tokens file."""

    tokens: list[TokenRecord] = Field(default_factory=list)


@dataclass(frozen=True)
class Identity:
    """Who a request's token stands for."""

    name: str
    role: Role
    initiatives: tuple[str, ...]
    orcid: str | None = None

    def may_write(self, initiative_id: str) -> bool:
        """Whether this identity may replace the graph of ``initiative_id``."""
        return self.role == "admin" or initiative_id in self.initiatives


def hash_token(token: str) -> str:
    """The stored form of a token: ``sha256:`` and the hex digest."""
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_orcid(value: str) -> str:
    """An ORCID iD as its bare ``0000-0000-0000-0000`` form.

    :raises ParameterError: when it is not an ORCID iD.
    """
    match = _ORCID.match(value.strip())
    if match is None:
        raise ParameterError(
            f"{value!r} is not an ORCID iD (0000-0000-0000-0000)", parameter="orcid"
        )
    return match.group(1)


def read_tokens(path: Path) -> TokenFile:
    """Read the tokens file (an absent file has no tokens).

    :raises ParameterError: when the file is not a valid tokens file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return TokenFile()
    try:
        return TokenFile.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise ParameterError(f"{path} is not a valid tokens file: {exc}") from exc


def add_token(
    path: Path,
    name: str,
    role: str,
    initiatives: Sequence[str],
    orcid: str | None = None,
) -> str:
    """Create a token for ``name``, store its hash in ``path``, and return the token.

    The token itself is not stored anywhere: show it once and forget it.

    :raises ParameterError: for an unknown role, a bad initiative id or ORCID, a role other than
        admin without initiatives, or an unreadable tokens file.
    """
    if role not in ROLES:
        raise ParameterError(f"unknown role {role!r} (known: {', '.join(ROLES)})", parameter="role")
    ids = [validate_id(i) for i in initiatives]
    if role != "admin" and not ids:
        raise ParameterError(
            f"a {role} token needs at least one --initiative", parameter="initiative"
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    tokens = read_tokens(path)
    tokens.tokens.append(
        TokenRecord(
            name=name,
            orcid=normalise_orcid(orcid) if orcid else None,
            role=role,
            initiatives=ids,
            hash=hash_token(token),
            created=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        )
    )
    _write_private(path, tokens.model_dump_json(indent=2) + "\n")
    return token


def last_used_path(path: Path) -> Path:
    """The file of last-use times beside the tokens file ``path``."""
    return path.with_name(f"{path.stem}-last-used.json")


def read_last_used(path: Path) -> dict[str, str]:
    """When each token (by hash) of the tokens file ``path`` was last used; unreadable is empty."""
    try:
        data = json.loads(last_used_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): str(value) for key, value in data.items()}


@dataclass(frozen=True)
class TokenListing:
    """What ``mosaic token list`` shows of a token: never the token or its hash."""

    name: str
    role: str
    initiatives: tuple[str, ...]
    orcid: str | None
    created: str | None
    last_used: str | None


def list_tokens(path: Path) -> list[TokenListing]:
    """The tokens of the tokens file, in the order they were added, with their last use.

    :raises ParameterError: when the file is not a valid tokens file.
    """
    used = read_last_used(path)
    return [
        TokenListing(
            record.name,
            record.role,
            tuple(record.initiatives),
            record.orcid,
            record.created,
            used.get(record.hash),
        )
        for record in read_tokens(path).tokens
    ]


def remove_token(path: Path, name: str) -> int:
    """Remove every token held by ``name``; return how many were removed.

    A running server refuses them from its next request on (it re-reads the changed file).

    :raises ParameterError: when no token has that name, or the file is not a tokens file.
    """
    tokens = read_tokens(path)
    kept = [record for record in tokens.tokens if record.name != name]
    removed = len(tokens.tokens) - len(kept)
    if not removed:
        known = ", ".join(sorted({record.name for record in tokens.tokens})) or "none"
        raise ParameterError(f"no token named {name!r} in {path} (known: {known})")
    gone = {record.hash for record in tokens.tokens} - {record.hash for record in kept}
    _write_private(path, TokenFile(tokens=kept).model_dump_json(indent=2) + "\n")
    used = read_last_used(path)
    if any(key in used for key in gone):
        remaining = {key: value for key, value in used.items() if key not in gone}
        _write_private(last_used_path(path), json.dumps(remaining, indent=2) + "\n")
    return removed


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` atomically with ``text``, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tokens-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        Path(temporary).chmod(0o600)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class TokenRegistry:
    """The tokens of the tokens file, re-read when the file changes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self._records: list[TokenRecord] = []
        self._recorded: dict[str, float] = {}
        self._recording = threading.Lock()

    def _records_now(self) -> list[TokenRecord] | None:
        """The current records, or ``None`` when writes are disabled (no file)."""
        if self.path is None:
            return None
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        # ``token add``/``remove`` replace the file (a new inode), so even two changes within
        # one tick of the clock that keep the size are seen.
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            try:
                self._records = read_tokens(self.path).tokens
            except ParameterError as exc:
                log.error("writes disabled: %s", exc.detail)
                return None
            self._stamp = stamp
        return self._records

    def authenticate(
        self, authorization: str | None, url_parameters: Sequence[str] = ()
    ) -> Identity:
        """The identity of a request's bearer token.

        :param authorization: the ``Authorization`` header.
        :param url_parameters: the names of the request's query parameters.
        :raises ReadOnlyError: when writes are disabled (no tokens file).
        :raises AuthenticationError: when the token is missing, malformed, sent in the URL or
            unknown.
        """
        records = self._records_now()
        if records is None:
            raise ReadOnlyError("writes are disabled on this server (no tokens file configured)")
        if any(name.lower() in URL_TOKEN_PARAMETERS for name in url_parameters):
            raise AuthenticationError(
                "tokens are accepted only in the Authorization header, never in the URL",
                error="invalid_request",
            )
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("send a write token as 'Authorization: Bearer <token>'")
        presented = hash_token(token.strip())
        found: TokenRecord | None = None
        for record in records:  # no early exit: every record is compared
            if secrets.compare_digest(record.hash, presented):
                found = record
        if found is None:
            raise AuthenticationError("the token is not valid", error="invalid_token")
        self._record_use(found.hash)
        return Identity(found.name, found.role, tuple(found.initiatives), found.orcid)

    def _record_use(self, token_hash: str) -> None:
        """Note that a token was used now; written at most once per minute per token.

        A failure to write is logged: it must not refuse a valid token.
        """
        if self.path is None:
            return
        now = time.time()
        with self._recording:
            if now - self._recorded.get(token_hash, 0.0) < LAST_USED_RESOLUTION:
                return
            self._recorded[token_hash] = now
            used = read_last_used(self.path)  # other processes' records are kept
            used[token_hash] = datetime.datetime.fromtimestamp(now, datetime.UTC).isoformat(
                timespec="seconds"
            )
            try:
                _write_private(last_used_path(self.path), json.dumps(used, indent=2) + "\n")
            except OSError:
                log.exception("cannot record when a token was last used")


def authorize(identity: Identity, initiative_id: str) -> None:
    """Check that ``identity`` may write ``initiative_id``.

    :raises ForbiddenError: when it may not.
    """
    if not identity.may_write(initiative_id):
        raise ForbiddenError(
            f"the token of {identity.name} ({identity.role}) may not write initiative "
            f"{initiative_id!r}"
        )
