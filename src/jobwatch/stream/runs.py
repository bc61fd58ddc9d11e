"""The parser's bulk fast path: a run of plain events (`id: I`, optional `event: T`, one `data: D` line, blank
line) is split by one regex pass in C instead of a Python step per line; everything else takes the full path.

For such a block the full path's result is fixed: id buffer and own id are I (no NUL in it), the type is T or
"message", the data is D. A lone data line is within the size bound whenever the text holds no U+FFFD (see
SSEParser._parse), which the caller checks, so no byte count is needed either.
"""

from __future__ import annotations

import re

from jobwatch.stream.events import SSEvent

BULK_MIN = 512
"""Texts shorter than this (characters) skip the fast path: for a few events its setup costs more."""

_BLOCK = r"id: ([^\n\0]++)\n(?:event: (.*+)\n)?+data: (.*+)\n\n"
_RUN = re.compile(f"(?:{_BLOCK})++")
_ONE = re.compile(_BLOCK)
_new = tuple.__new__


def plain_run(text: str, pos: int) -> tuple[list[SSEvent], int]:
    """The events of the plain blocks starting at `pos` (a line start, no event in progress), back to back,
    and where they end; ([], pos) when the text there is not a plain block."""
    run = _RUN.match(text, pos)
    if run is None:
        return [], pos
    end = run.end()
    found = _ONE.findall(text, pos, end)
    return [_new(SSEvent, (kind or "message", data, id_, id_)) for id_, kind, data in found], end
