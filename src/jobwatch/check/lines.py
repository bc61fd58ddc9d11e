"""The raw lines of a recorded body, with the bytes that ended each: what the framing checks look at.

The parser hides line endings, comments and ignored fields; these checks need them as sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jobwatch.stream.events import SSEvent

BOM = "\ufeff".encode()
_BREAK = re.compile(rb"\r\n|\r|\n")
ENDING_NAMES = {b"\n": "LF", b"\r\n": "CRLF", b"\r": "CR"}
HEARTBEAT_WORDS = frozenset(
    {"ping", "pong", "heartbeat", "keepalive", "keep-alive", "keep_alive", "hb", "tick"}
)


@dataclass(frozen=True)
class Line:
    """One line: where it starts in the body, its bytes, and what ended it (b"" for an unended tail)."""

    offset: int
    text: bytes
    ending: bytes

    @property
    def field(self) -> bytes:
        return self.text.partition(b":")[0]

    @property
    def value(self) -> bytes:
        """The field value with one leading space removed, as WHATWG reads it."""
        value = self.text.partition(b":")[2]
        return value[1:] if value.startswith(b" ") else value


def split_lines(body: bytes) -> list[Line]:
    """Every line of `body` (one leading BOM stays in the first line's text, as it was sent)."""
    lines: list[Line] = []
    pos = 0
    for match in _BREAK.finditer(body):
        lines.append(Line(pos, body[pos : match.start()], match.group()))
        pos = match.end()
    if pos < len(body):
        lines.append(Line(pos, body[pos:], b""))
    return lines


def is_heartbeat(event: SSEvent) -> bool:
    """An event that looks like a keep-alive: a type or data such as `ping`, `heartbeat`, `keep-alive`."""
    data = event.data.strip().strip('"').lower()
    return event.type.strip().lower() in HEARTBEAT_WORDS or data in HEARTBEAT_WORDS
