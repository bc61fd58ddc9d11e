"""Keeps secrets out of everything jobwatch prints: header values, URL credentials, token params.

A `Redactor` learns secret values (header values after `${ENV}` expansion) and masks them in text;
`redact_url` and `redact_headers` handle the structural cases that need no prior knowledge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MASK = "***"

HARMLESS_HEADERS: frozenset[str] = frozenset(
    {"accept", "cache-control", "last-event-id", "user-agent", "content-type"}
)
"""Lower-cased header names whose values are never secret (shown as they are)."""

TOKEN_PARAMS: tuple[str, ...] = (
    "access_token",
    "api_key",
    "password",
    "signature",
    "secret",
    "token",
    "key",
    "sig",
)
"""Query parameters whose values are masked wherever they appear."""

SHORT_SECRET = 4
"""Secrets shorter than this are masked only where they are a whole header value (see Redactor)."""

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s/?#]+@")
_QUERY = re.compile(r"(?i)([?&;](?:" + "|".join(TOKEN_PARAMS) + r")=)[^&#\s'\"<>]*")
# "Name: value" (optionally quoted, as in a dict repr) where the value is the rest of the field.
_HEADER_PREFIX = (
    r"(?m)((?:^|(?<=[\s,;{(\[]))[\"']?[!#$%&'*+.^_`|~0-9A-Za-z-]+[\"']?:[ \t]*[\"']?)"
)
_HEADER_VALUE_END = r"(?=[\"']?[ \t]*(?:$|[,;})\]]))"
_AUTH_SCHEME = re.compile(r"(?i)^\s*(?:bearer|token|basic|digest)\s+(\S.*?)\s*$")


def _mask_userinfo(text: str) -> str:
    return _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)


def _mask_params(text: str) -> str:
    return _QUERY.sub(lambda m: m.group(1) + MASK, text)


def redact_url(url: str) -> str:
    """`url` with its userinfo (user:password@) and token-like query values replaced by ***."""
    return _mask_params(_mask_userinfo(url))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of `headers` with every value *** except harmless ones (Accept, User-Agent...)."""
    return {
        name: value if name.lower() in HARMLESS_HEADERS else MASK for name, value in headers.items()
    }


class Redactor:
    """Replaces every known secret in a text by ***, plus URL userinfo and token query values.

    Secrets of 4+ characters are masked wherever they occur (overlaps merged, so no suffix leaks);
    shorter ones only where they are a whole header value (`Name: abc`) or the whole text, so that a
    1-character token does not blank out every `a` of an error line. `Bearer X` (also Token, Basic,
    Digest) teaches X as well.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._long: re.Pattern[str] | None = None
        self._short: re.Pattern[str] | None = None
        self._short_set: frozenset[str] = frozenset()
        self.add(*secrets)

    @property
    def secrets(self) -> frozenset[str]:
        """Everything this redactor masks (for tests and diagnostics; never print it)."""
        return frozenset(self._secrets)

    def add(self, *secrets: str) -> None:
        """Learn more secrets; empty strings are ignored. Recompiles only when something is new."""
        before = len(self._secrets)
        for secret in secrets:
            if not secret:
                continue
            self._secrets.add(secret)
            scheme = _AUTH_SCHEME.match(secret)
            if scheme:
                self._secrets.add(scheme.group(1))
        if len(self._secrets) != before:
            self._compile()

    def _compile(self) -> None:
        ordered = sorted(self._secrets, key=lambda s: (-len(s), s))
        long_ = "|".join(re.escape(s) for s in ordered if len(s) >= SHORT_SECRET)
        short = "|".join(re.escape(s) for s in ordered if len(s) < SHORT_SECRET)
        # A lookahead matches at every start position, so overlapping secrets are all found.
        self._long = re.compile(f"(?=({long_}))") if long_ else None
        self._short = re.compile(f"{_HEADER_PREFIX}({short}){_HEADER_VALUE_END}") if short else None
        self._short_set = frozenset(s for s in ordered if len(s) < SHORT_SECRET)

    def __call__(self, text: str) -> str:
        """`text` with secrets, URL userinfo and token query values masked."""
        if text in self._short_set:
            return MASK
        if self._long is not None:
            text = _mask_spans(text, self._long)
        if self._short is not None:
            text = self._short.sub(lambda m: m.group(1) + MASK, text)
        if "@" in text:
            text = _mask_userinfo(text)
        if "=" in text:
            text = _mask_params(text)
        return text


def _mask_spans(text: str, pattern: re.Pattern[str]) -> str:
    """Replace the union of all (possibly overlapping) matches of `pattern` by one MASK each."""
    spans: list[list[int]] = []
    for match in pattern.finditer(text):
        start = match.start()
        end = start + len(match.group(1))
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        parts += (text[pos:start], MASK)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
