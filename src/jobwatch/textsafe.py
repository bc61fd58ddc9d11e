"""Make untrusted text safe for a terminal: control, C1 and bidi characters become visible, inert escapes.

Shared by the dashboard and `jobwatch tail`, so one rule decides what reaches the terminal raw.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"

_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
_SEPARATORS = [0x2028, 0x2029, 0xFEFF]

_TABLE: dict[int, str] = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]}
_TABLE.update({c: f"\\u{c:04x}" for c in [*_BIDI, *_SEPARATORS]})

_ESCAPE_TAIL = re.compile(r"\\(x[0-9a-f]{0,1}|u[0-9a-f]{0,3}|)$")


def sanitize(text: str, max_len: int | None = None) -> str:
    """Return `text` with C0/C1/DEL and bidi controls shown as `\\xNN` / `\\uNNNN` escapes, printable
    Unicode kept, and, when `max_len` is given, cut to at most `max_len` characters ending in "…"."""
    if max_len is not None and len(text) > max_len:
        text = text[: max_len + 1]  # escaping only lengthens; no need to look further
    if not text.isprintable():
        text = text.translate(_TABLE)
    if max_len is None or len(text) <= max_len:
        return text
    if max_len <= 0:
        return ""
    cut = text[: max_len - 1]
    # Never leave half an escape behind ("\x1" would read as a different character).
    tail = _ESCAPE_TAIL.search(cut[-6:])
    if tail and _is_cut_escape(text, len(cut) - len(tail.group(0))):
        cut = cut[: len(cut) - len(tail.group(0))]
    return cut + ELLIPSIS


def _is_cut_escape(text: str, start: int) -> bool:
    """Whether an escape produced by `sanitize` starts at `start` in `text`."""
    chunk = text[start : start + 6]
    return bool(re.match(r"\\x[0-9a-f]{2}|\\u[0-9a-f]{4}", chunk))
