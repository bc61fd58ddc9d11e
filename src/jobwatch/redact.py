"""Keeps secrets out of everything jobwatch prints: header values, URL credentials, token params.

A `Redactor` learns secret values (header values after `${ENV}` expansion, URL passwords and credential
parameter values) and masks them, also in their percent-encoded, JSON and base64 forms; `redact_url` and
`redact_headers` handle the structural cases that need no prior knowledge. All work is linear in the text.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus, unquote, unquote_plus, urlsplit

from jobwatch.redact_names import is_credential_name

__all__ = [
    "HARMLESS_HEADERS",
    "MASK",
    "Redactor",
    "is_credential_name",
    "redact_headers",
    "redact_url",
    "url_secrets",
]

MASK = "***"

HARMLESS_HEADERS: frozenset[str] = frozenset(
    {"accept", "cache-control", "last-event-id", "user-agent", "content-type"}
)
"""Lower-cased header names whose values are never secret (shown as they are)."""

SHORT_SECRET = 4
"""Secrets shorter than this are masked only where they are a whole header value (see Redactor)."""
BASE64_MIN = 6
"""Shortest base64 fragment of a secret worth masking (shorter ones would hit unrelated text)."""

# The scheme is bounded so that a long run of scheme characters costs a constant per position.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]{0,31}://)[^\s/?#]+@")
# `?`, `&`, `;` (path parameters) or `#` (tokens in fragments), a name, `=`, the value to its end.
_PARAM = re.compile(r"([?&;#])([^=&#;?/\s'\"<>]+)=([^&#\s'\"<>]*)")
# "Name: value" (optionally quoted, as in a dict repr) where the value is the rest of the field.
_HEADER_PREFIX = (
    r"(?m)((?:^|(?<=[\s,;{(\[]))[\"']?[!#$%&'*+.^_`|~0-9A-Za-z-]+[\"']?:[ \t]*[\"']?)"
)
_HEADER_VALUE_END = r"(?=[\"']?[ \t]*(?:$|[,;})\]]))"
_AUTH_SCHEME = re.compile(r"(?i)^\s*(bearer|token|basic|digest)\s+(\S.*?)\s*$")
_PERCENT = re.compile(r"%[0-9A-F]{2}")
_URLSAFE = str.maketrans("+/", "-_")


def _mask_userinfo(text: str) -> str:
    return _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)


def _mask_param(match: re.Match[str]) -> str:
    if not match.group(3) or not is_credential_name(unquote_plus(match.group(2))):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}={MASK}"


def _mask_params(text: str) -> str:
    return _PARAM.sub(_mask_param, text)


def redact_url(url: str) -> str:
    """`url` with its userinfo (user:password@) and credential parameter values replaced by ***."""
    return _mask_params(_mask_userinfo(url))


def url_secrets(url: str) -> list[str]:
    """The secrets a configured URL carries, raw and percent-decoded: its password (or a lone user name,
    as in `https://TOKEN@host/`), `user:password` as Basic credentials, credential parameter values."""
    try:
        split = urlsplit(url)
        user, password = split.username, split.password
    except ValueError:
        return []
    found: list[str] = []
    if password:
        found += [password, unquote(password)]
        found.append(_b64(f"{unquote(user or '')}:{unquote(password)}".encode()))
    elif user:
        found += [user, unquote(user)]
    for part in (split.path, split.query, split.fragment):
        for match in _PARAM.finditer("&" + part.replace(";", "&;")):
            if match.group(3) and is_credential_name(unquote_plus(match.group(2))):
                found += [match.group(3), unquote_plus(match.group(3))]
    return found


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def encoded_forms(secret: str) -> set[str]:
    """`secret` as it may appear once encoded: percent-encoded (either hex case, `+` for space), JSON
    escaped, and base64 (standard or URL-safe), also the part fixed by it inside a longer base64 text."""
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    for encoded in (quote(secret, safe=""), quote(secret), quote_plus(secret), quote_plus(secret, safe="")):
        forms |= {encoded, _PERCENT.sub(lambda m: m.group(0).lower(), encoded)}
    raw = secret.encode("utf-8", "surrogatepass")
    for offset in range(3):
        encoded = _b64(bytes(offset) + raw)
        # Base64 digit i holds bits [6i, 6i+6): keep those lying wholly inside the secret's bytes.
        core = encoded[-(-8 * offset // 6) : 8 * (offset + len(raw)) // 6]
        if offset == 0:
            forms |= {encoded, encoded.rstrip("=")}
        if len(core) >= BASE64_MIN:
            forms.add(core)
    forms |= {form.translate(_URLSAFE) for form in forms if len(form) >= BASE64_MIN}
    return forms


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of `headers` with every value *** except harmless ones (Accept, User-Agent...)."""
    return {
        name: value if name.lower() in HARMLESS_HEADERS else MASK for name, value in headers.items()
    }


class Redactor:
    """Replaces every known secret in a text by ***, plus URL userinfo and credential parameter values.

    Secrets of 4+ characters are masked wherever they occur, in every form `encoded_forms` lists
    (overlaps merged, so no suffix leaks); shorter ones only where they are a whole header value
    (`Name: abc`) or the whole text, so that a 1-character token does not blank out every `a` of an error
    line. `Bearer X` (also Token, Basic, Digest) teaches X as well, and Basic also its decoded form.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._long: tuple[str, ...] = ()
        self._short: re.Pattern[str] | None = None
        self._short_set: frozenset[str] = frozenset()
        self.add(*secrets)

    @property
    def secrets(self) -> frozenset[str]:
        """Every secret learned (for tests and diagnostics; never print it)."""
        return frozenset(self._secrets)

    def add(self, *secrets: str) -> None:
        """Learn more secrets; empty strings are ignored. Recomputes only when something is new."""
        before = len(self._secrets)
        for secret in secrets:
            if not secret:
                continue
            self._secrets.add(secret)
            scheme = _AUTH_SCHEME.match(secret)
            if scheme:
                self._secrets.add(scheme.group(2))
                if scheme.group(1).lower() == "basic":
                    self._secrets |= _basic_parts(scheme.group(2))
        if len(self._secrets) != before:
            self._compile()

    def _compile(self) -> None:
        long_ = {form for s in self._secrets if len(s) >= SHORT_SECRET for form in encoded_forms(s)}
        self._long = tuple(sorted((f for f in long_ if len(f) >= SHORT_SECRET), key=lambda f: (-len(f), f)))
        short = sorted((s for s in self._secrets if len(s) < SHORT_SECRET), key=lambda s: (-len(s), s))
        alternatives = "|".join(re.escape(s) for s in short)
        self._short = (
            re.compile(f"{_HEADER_PREFIX}({alternatives}){_HEADER_VALUE_END}") if short else None
        )
        self._short_set = frozenset(short)

    def __call__(self, text: str) -> str:
        """`text` with secrets, URL userinfo and credential parameter values masked."""
        if text in self._short_set:
            return MASK
        if self._long:
            text = _mask_spans(text, self._long)
        if self._short is not None:
            text = self._short.sub(lambda m: m.group(1) + MASK, text)
        if "@" in text:
            text = _mask_userinfo(text)
        if "=" in text:
            text = _mask_params(text)
        return text


def _basic_parts(encoded: str) -> set[str]:
    """From Basic credentials, `user:password` and the password (empty when not base64)."""
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return set()
    return {part for part in (decoded, decoded.partition(":")[2]) if part}


def _mask_spans(text: str, needles: Iterable[str]) -> str:
    """Replace the union of all (possibly overlapping) occurrences of `needles` by one MASK each."""
    spans: list[tuple[int, int]] = []
    for needle in needles:
        start = text.find(needle)
        while start != -1:
            end = start + len(needle)
            following = text.find(needle, start + 1)
            while following != -1 and following <= end:
                end = following + len(needle)
                following = text.find(needle, following + 1)
            spans.append((start, end))
            start = following
    if not spans:
        return text
    spans.sort()
    merged = [list(spans[0])]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[str] = []
    pos = 0
    for start, end in merged:
        parts += (text[pos:start], MASK)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
