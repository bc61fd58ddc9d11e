"""Incremental `text/event-stream` parser, WHATWG HTML §9.2.6 to the letter for events within a size bound.

Replaces httpx-sse's decoder, which is not conformant: it dispatches blocks without data (phantom events for
`id:`/`retry:`-only blocks), decodes with the response charset instead of always UTF-8 (so a BOM or a
`charset=` parameter changes the result), accepts `retry:` values such as `+1`, ` 1` or `1_0` through `int()`,
and holds a trailing CR until the next chunk, delaying the dispatch of CR-terminated events.

An event with a line longer than the bound, or more data bytes than the bound, is skipped where it stands:
its bytes are dropped as they arrive, its `id:` and `retry:` fields still apply, and `skipped` reports it.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import ClassVar

from jobwatch.stream.events import SSEvent
from jobwatch.stream.runs import BULK_MIN, plain_run
from jobwatch.stream.sizes import binary_size, decimal_size

RETRY_CEILING_MS = 600_000
"""A server's `retry:` above 10 minutes is taken as 10 minutes, like a `Retry-After`."""

_BOM = "\ufeff"
_OVERLONG = "\udfff"  # starts the line standing for a dropped one (UTF-8 decoding yields no lone surrogate)
_new = tuple.__new__  # builds an SSEvent without NamedTuple's Python-level __new__


def _utf8_len(text: str) -> int:
    return len(text.encode())


def skip_notice(own_id: str | None, size: int, limit: int) -> str:
    """What the user reads about a skipped event: `event 7 skipped: 2.0 MB over the 1 MiB limit`."""
    shown = "without an id" if not own_id else own_id if len(own_id) <= 60 else own_id[:60] + "…"
    return f"event {shown} skipped: {decimal_size(size)} over the {binary_size(limit)} limit"


class SSEParser:
    """Feed it bytes as they arrive; it returns the events dispatched by those bytes.

    One parser serves one connection. `last_event_id` is the committed last event ID string (dispatch step 1
    commits it even for blocks without data); `retry` is the latest valid `retry:` value, or None.
    """

    __slots__ = (
        "_clean", "_data_len", "_decoder", "_first", "_id_buffer", "_line_bytes", "_max", "_more",
        "_own_id", "_pending", "_skip_lf", "_skip_size", "_skipping", "_started", "_type", "last_event_id",
        "retry", "retry_capped", "skipped",
    )
    bulk_min: ClassVar[int] = BULK_MIN

    def __init__(self, last_event_id: str = "", *, max_line_bytes: int = 1 << 20) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._clean = True
        self._started = False
        self._skip_lf = False
        self._pending: list[str] = []
        self._line_bytes = 0
        self._max = max_line_bytes
        self._first: str | None = None
        """The event's first data line; most events have only this one."""
        self._more: list[str] | None = None
        """All its data lines once there is a second one (`_data_len` counts their bytes from then on)."""
        self._data_len = 0
        self._type = ""
        self._own_id: str | None = None
        self._id_buffer = last_event_id
        self._skipping = False
        self._skip_size = 0
        self.last_event_id = last_event_id
        self.retry: int | None = None
        self.retry_capped = False
        """Whether the latest `retry:` was above RETRY_CEILING_MS (and `retry` is the ceiling)."""
        self.skipped: list[tuple[str | None, int]] = []
        """Events skipped over the bound, (own `id:` or None, bytes); the caller empties it after reading."""

    def feed(self, chunk: bytes) -> list[SSEvent]:
        """Parse one chunk of the body; returns the events it dispatched."""
        if self._line_bytes + len(chunk) > self._max:
            return self._feed_bounded(chunk)
        # No line can pass the bound in this chunk: remember only the bytes of its last, partial line.
        last_break = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
        self._line_bytes = self._line_bytes + len(chunk) if last_break < 0 else len(chunk) - 1 - last_break
        return self._parse(chunk)

    def close(self) -> None:
        """End of stream: any pending partial line and partial event are discarded, their id uncommitted."""
        self._decoder.reset()
        self._clean = True
        self._pending.clear()
        self._line_bytes = 0
        self._first = self._more = None
        self._data_len = 0
        self._type = ""
        self._own_id = None
        self._id_buffer = self.last_event_id
        self._skipping = False

    def _parse(self, chunk: bytes) -> list[SSEvent]:
        """Decode to text with its line ends made LF, then parse it (the hot path of every stream)."""
        if self._clean:
            # Fast path: a chunk that is whole, valid UTF-8 needs no incremental decoder (same result).
            try:
                text = chunk.decode()
            except UnicodeDecodeError:
                text = self._decode(chunk)
        else:
            text = self._decode(chunk)
        if not text:
            return []
        if not self._started:
            self._started = True
            if text[0] == _BOM:
                text = text[1:]
                if not text:
                    return []
        if self._skip_lf:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
                if not text:
                    return []
        if "\r" in text:
            # A CR ends its line at once; an LF right after it, even in the next chunk, is swallowed.
            self._skip_lf = text[-1] == "\r"
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if len(text) >= self.bulk_min and not self._skipping and "\ufffd" not in text:
            return self._bulk(text)
        return self._lines(text)

    def _bulk(self, text: str) -> list[SSEvent]:
        """`_lines(text)` faster: the event in progress and rest by it, plain events by runs.py."""
        pos = 0
        if self._pending or self._first is not None or self._own_id is not None or self._type:
            pos = text.find("\n\n") + 2  # the full path ends the event in progress
            if pos < 2:
                return self._lines(text)
        events = self._lines(text[:pos]) if pos else []
        run, end = plain_run(text, pos)
        if not run:
            return events + self._lines(text[pos:]) if pos else self._lines(text)
        self.last_event_id = self._id_buffer = run[-1].last_event_id
        events += run
        return events + self._lines(text[end:]) if end < len(text) else events

    def _lines(self, text: str) -> list[SSEvent]:
        """Split into lines and run the fields of each line. Long by design: the per-line work is inlined in
        one loop over locals, as a call per line or per field costs more than the parse itself."""
        if "\n" not in text:
            self._pending.append(text)
            return []
        lines = text.split("\n")
        tail = lines.pop()
        if self._pending:
            self._pending.append(lines[0])
            lines[0] = "".join(self._pending)
            self._pending.clear()
        if tail:
            self._pending.append(tail)
        # Data bytes are counted as characters while everything is ASCII (str.isascii() costs nothing). A lone
        # data line needs no count unless U+FFFD stands for invalid bytes: UTF-8 again, it is shorter than its
        # line, which is within the bound ("in" returns at once for a needle wider than the text).
        size = len if text.isascii() and lines[0].isascii() else _utf8_len
        lone_ok = "\ufffd" not in text and "\ufffd" not in lines[0]
        rest = iter(lines)
        if self._skipping:
            self._skip_lines(rest)
        events: list[SSEvent] = []
        first, more, data_len, limit = self._first, self._more, self._data_len, self._max
        event_type, id_buffer, own_id = self._type, self._id_buffer, self._own_id
        committed = self.last_event_id
        for line in rest:
            if not line:
                committed = id_buffer  # dispatch step 1, even for a block without data
                if first is not None:
                    data = first if more is None else "\n".join(more)
                    events.append(_new(SSEvent, (event_type or "message", data, id_buffer, own_id)))
                    first = more = None
                event_type, own_id = "", None
                continue
            # Nearly every line is "name: value"; the first ": " splits it as §9.2.6 does unless the name
            # would hold a colon.
            name, colon, value = line.partition(": ")
            if not colon or ":" in name:
                name, colon, value = line.partition(":")
                if value and value[0] == " ":
                    value = value[1:]
            if name == "data":
                if first is None and lone_ok:
                    first = value
                    continue
                if more is None:
                    more = [] if first is None else [first]
                    data_len = 0 if first is None else _utf8_len(first) + 1
                data_len += size(value) + 1
                if data_len <= limit:
                    more.append(value)
                    first = more[0]
                    continue
                id_buffer, own_id, committed = self._skip(rest, data_len, id_buffer, own_id, committed)
                first = more = None
                event_type = ""
            elif name == "id":
                if "\0" not in value:
                    id_buffer = own_id = value
            elif name == "event":
                event_type = value
            elif not name:
                continue  # a comment
            elif name == "retry":
                self._set_retry(value)
            elif name[0] == _OVERLONG:
                if more is None:
                    data_len = 0 if first is None else _utf8_len(first) + 1
                data_len += int(name[1:])
                id_buffer, own_id, committed = self._skip(rest, data_len, id_buffer, own_id, committed)
                first = more = None
                event_type = ""
        self.last_event_id = committed
        self._first, self._more, self._data_len = first, more, data_len
        self._type, self._id_buffer, self._own_id = event_type, id_buffer, own_id
        return events

    def _skip(
        self, rest: Iterator[str], size: int, id_buffer: str, own_id: str | None, committed: str
    ) -> tuple[str, str | None, str]:
        """Skip the current event (`size` bytes so far); returns the id buffer, own id and committed id."""
        self._skipping, self._skip_size = True, size
        self._id_buffer, self._own_id, self.last_event_id = id_buffer, own_id, committed
        self._skip_lines(rest)
        return self._id_buffer, self._own_id, self.last_event_id

    def _skip_lines(self, rest: Iterator[str]) -> None:
        """Drop the skipped event's lines up to its blank line; its `id:` and `retry:` fields still apply."""
        for line in rest:
            if not line:
                self.last_event_id = self._id_buffer
                self.skipped.append((self._own_id, self._skip_size))
                self._skipping, self._own_id, self._type = False, None, ""
                return
            name, _, value = line.partition(":")
            if name[:1] == _OVERLONG:
                self._skip_size += int(name[1:])
                continue
            self._skip_size += _utf8_len(line) + 1
            if value and value[0] == " ":
                value = value[1:]
            if name == "id":
                if "\0" not in value:
                    self._id_buffer = self._own_id = value
            elif name == "retry":
                self._set_retry(value)

    def _set_retry(self, value: str) -> None:
        """ASCII digits only, any number of them, clamped to RETRY_CEILING_MS without converting them all."""
        if value.isascii() and value.isdigit():
            digits = value.lstrip("0")
            ms = RETRY_CEILING_MS + 1 if len(digits) > 9 else int(digits or "0")
            self.retry_capped = ms > RETRY_CEILING_MS
            self.retry = min(ms, RETRY_CEILING_MS)

    def _feed_bounded(self, chunk: bytes) -> list[SSEvent]:
        """Slow path for a chunk in which a line may pass the bound: such a line is dropped as it arrives,
        and a marker line carrying its size stands for it in the text parsed (which skips its event)."""
        events: list[SSEvent] = []
        limit, length = self._max, self._line_bytes
        start = offset = 0
        for piece in chunk.splitlines(keepends=True):
            content = len(piece.rstrip(b"\r\n"))
            ended = content < len(piece)
            if length + content > limit:
                if length <= limit:  # the line passes the bound here: parse what came before it, drop it
                    if offset > start:
                        events += self._parse(chunk[start:offset])
                    self._drop_line()
                start = offset + content
                if ended:
                    self._pending.append(f"{_OVERLONG}{length + content}")
            length = 0 if ended else length + content
            offset += len(piece)
        if start < len(chunk):
            events += self._parse(chunk[start:])
        self._line_bytes = length
        return events

    def _drop_line(self) -> None:
        """Forget what was kept of the current line, including a partial UTF-8 sequence or a pending CR."""
        self._pending.clear()
        self._decoder.reset()
        self._clean = True
        self._skip_lf = False
        self._started = True

    def _decode(self, chunk: bytes) -> str:
        """UTF-8 across chunk boundaries, invalid bytes as U+FFFD; `_clean` when no partial sequence waits."""
        text = self._decoder.decode(chunk)
        self._clean = not self._decoder.getstate()[0]
        return text
