"""Make untrusted text safe for a terminal: control, bidi and invisible characters become inert escapes.

Shared by the dashboard and `jobwatch tail`, so one rule decides what reaches the terminal raw. Besides
C0/C1/DEL, every Unicode format character (zero-width spaces and joiners, word joiner, BOM, bidi
controls, tag characters), line/paragraph separators, lone surrogates and the invisible Hangul fillers
are escaped, so that two job names never look identical while being different.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"

_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_FILLERS = "\u115f\u1160\u3164\uffa0"
"""Hangul fillers: letters (so `str.isprintable` accepts them) that every terminal draws as blank."""
_CACHE_LIMIT = 4096
_ESCAPE_TAIL = re.compile(r"\\(x[0-9a-f]{0,1}|u[0-9a-f]{0,3}|U[0-9a-f]{0,7}|)$")
_WHOLE_ESCAPE = re.compile(r"\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|\\U[0-9a-f]{8}")


def _escape(code: int) -> str:
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


class _Escapes(dict[int, str]):
    """`str.translate` table filled on first sight of each character (bounded, so hostile text that
    cycles through all of Unicode cannot grow it without limit)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        hidden = unicodedata.category(char) in _ESCAPED_CATEGORIES or char in _FILLERS
        shown = _escape(code) if hidden else char
        if len(self) < _CACHE_LIMIT:
            self[code] = shown
        return shown


_TABLE = _Escapes({c: _escape(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]})


def sanitize(text: str, max_len: int | None = None) -> str:
    """Return `text` with control, format and invisible characters shown as `\\xNN` / `\\uNNNN` /
    `\\UNNNNNNNN` escapes, other Unicode kept, and, when `max_len` is given, cut to at most `max_len`
    characters ending in "…"."""
    if max_len is not None and len(text) > max_len:
        text = text[: max_len + 1]  # escaping only lengthens; no need to look further
    if not text.isprintable() or (not text.isascii() and _has_filler(text)):
        text = text.translate(_TABLE)
    if max_len is None or len(text) <= max_len:
        return text
    if max_len <= 0:
        return ""
    cut = text[: max_len - 1]
    # Never leave half an escape behind ("\x1" would read as a different character).
    tail = _ESCAPE_TAIL.search(cut[-10:])
    if tail and _is_cut_escape(text, len(cut) - len(tail.group(0))):
        cut = cut[: len(cut) - len(tail.group(0))]
    return cut + ELLIPSIS


def _has_filler(text: str) -> bool:
    return "\u3164" in text or "\u115f" in text or "\u1160" in text or "\uffa0" in text


def _is_cut_escape(text: str, start: int) -> bool:
    """Whether an escape produced by `sanitize` starts at `start` in `text`."""
    return bool(_WHOLE_ESCAPE.match(text, start))
