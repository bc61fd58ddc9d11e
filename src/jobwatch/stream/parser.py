"""Incremental `text/event-stream` parser, WHATWG HTML §9.2.6 to the letter.

Replaces httpx-sse's decoder, which is not conformant: it dispatches blocks without data (phantom events for
`id:`/`retry:`-only blocks), decodes with the response charset instead of always UTF-8 (so a BOM or a
`charset=` parameter changes the result), accepts `retry:` values such as `+1`, ` 1` or `1_0` through `int()`,
and holds a trailing CR until the next chunk, delaying the dispatch of CR-terminated events.
"""

from __future__ import annotations

import codecs

from jobwatch.stream.errors import LineTooLong
from jobwatch.stream.events import SSEvent

_BOM = "\ufeff"
_new = tuple.__new__  # builds an SSEvent without NamedTuple's Python-level __new__


class SSEParser:
    """Feed it bytes as they arrive; it returns the events dispatched by those bytes.

    One parser serves one connection. `last_event_id` is the committed last event ID string (dispatch step 1
    commits it even for blocks without data); `retry` is the latest valid `retry:` value, or None.
    """

    __slots__ = (
        "_clean",
        "_data",
        "_data_len",
        "_decoder",
        "_id_buffer",
        "_line_bytes",
        "_max",
        "_own_id",
        "_pending",
        "_skip_lf",
        "_started",
        "_type",
        "last_event_id",
        "retry",
    )

    def __init__(self, last_event_id: str = "", *, max_line_bytes: int = 1 << 20) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._clean = True
        self._started = False
        self._skip_lf = False
        self._pending: list[str] = []
        self._line_bytes = 0
        self._max = max_line_bytes
        self._data: list[str] = []
        self._data_len = 0
        self._type = ""
        self._own_id: str | None = None
        self._id_buffer = last_event_id
        self.last_event_id = last_event_id
        self.retry: int | None = None

    def feed(self, chunk: bytes) -> list[SSEvent]:
        """Parse one chunk of the body; raises LineTooLong when a line or event exceeds the bound."""
        # Bound the current line in bytes as received (decoded characters can be 4x fewer).
        last_break = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
        if self._line_bytes + len(chunk) > self._max:
            self._check_line_bound(chunk, last_break)
        self._line_bytes = self._line_bytes + len(chunk) if last_break < 0 else len(chunk) - 1 - last_break
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
        if "\n" not in text:
            self._pending.append(text)
            return []
        lines = text.split("\n")
        tail = lines.pop()
        if self._pending:
            self._pending.append(lines[0])
            lines[0] = "".join(self._pending)
            self._pending.clear()
        # The per-line work is inlined and kept in locals: this loop is the hot path of every stream.
        events: list[SSEvent] = []
        data, data_len, limit = self._data, self._data_len, self._max
        event_type, id_buffer, own_id = self._type, self._id_buffer, self._own_id
        committed = self.last_event_id
        for line in lines:
            if not line:
                committed = id_buffer  # dispatch step 1, even for a block without data
                if data:
                    event = (event_type or "message", "\n".join(data), id_buffer, own_id)
                    events.append(_new(SSEvent, event))
                    data, data_len = [], 0
                event_type, own_id = "", None
                continue
            name, colon, value = line.partition(":")
            if not name and colon:
                continue  # a comment
            if value and value[0] == " ":
                value = value[1:]
            if name == "data":
                data.append(value)
                data_len += len(value) + 1
                if data_len > limit:
                    raise LineTooLong(f"event data longer than {limit} characters")
            elif name == "id":
                if "\0" not in value:
                    id_buffer = own_id = value
            elif name == "event":
                event_type = value
            elif name == "retry" and value.isascii() and value.isdigit():
                self.retry = int(value)
        self.last_event_id = committed
        self._data, self._data_len = data, data_len
        self._type, self._id_buffer, self._own_id = event_type, id_buffer, own_id
        if tail:
            self._pending.append(tail)
        return events

    def close(self) -> None:
        """End of stream: any pending partial line and partial event are discarded, their id uncommitted."""
        self._decoder.decode(b"", final=True)
        self._clean = True
        self._pending.clear()
        self._line_bytes = 0
        self._data.clear()
        self._data_len = 0
        self._type = ""
        self._own_id = None
        self._id_buffer = self.last_event_id

    def _decode(self, chunk: bytes) -> str:
        """UTF-8 across chunk boundaries, invalid bytes as U+FFFD; `_clean` when no partial sequence waits."""
        text = self._decoder.decode(chunk)
        self._clean = not self._decoder.getstate()[0]
        return text

    def _check_line_bound(self, chunk: bytes, last_break: int) -> None:
        if last_break < 0:
            length = self._line_bytes + len(chunk)
        else:
            lf, cr = chunk.find(b"\n"), chunk.find(b"\r")
            first = lf if cr < 0 else cr if lf < 0 else min(lf, cr)
            length = max(self._line_bytes + first, len(chunk) - 1 - last_break)
        if length > self._max:
            raise LineTooLong(f"line longer than {self._max} bytes")
