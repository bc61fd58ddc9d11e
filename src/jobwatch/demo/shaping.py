"""Wire-level faults of one job: response headers, body coding and buffering, framing, ids, heartbeats.

Each is a pure rule on what one connection writes, so every connection of the job shows it the same way.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from jobwatch.demo.faults import Fault
from jobwatch.demo.generate import encode_event

BOM = "\ufeff".encode()
PING = b": ping\n\n"


class Shaping:
    """What the job's faults change in the bytes of a response (nothing when it has none)."""

    def __init__(self, faults: Sequence[Fault]) -> None:
        self.headers: dict[str, tuple[str, str | None]] = {}
        self.gzip = self.http10 = self.mixed_endings = self.per_connection_ids = False
        self.boms: set[int] = set()
        self.retry_set = False
        self.retry_text: str | None = None
        self.heartbeat_type: str | None = None
        self.renames: dict[str, str] = {}
        self.corrupt: set[int] = set()
        self.omit_ids: set[str] = set()
        self.ids: dict[int, str] = {}
        self.buffer_size: int | None = None
        for fault in faults:
            self._arm(fault)

    def _arm(self, fault: Fault) -> None:
        match fault.kind:
            case "header":
                self.headers[fault.name.lower()] = (fault.name, fault.text)
            case "gzip":
                self.gzip = True
                self.headers["content-encoding"] = ("Content-Encoding", "gzip")
            case "http10":
                self.http10 = True
            case "mixed_endings":
                self.mixed_endings = True
            case "bom":
                self.boms.add(fault.after_event)
            case "retry_field":
                self.retry_set, self.retry_text = True, fault.text
            case "heartbeat_events":
                self.heartbeat_type = fault.name
            case "rename_event":
                self.renames[fault.name] = fault.text or ""
            case "corrupt_data":
                self.corrupt.add(fault.after_event)
            case "omit_ids":
                self.omit_ids.add(fault.name)
            case "event_id":
                self.ids[fault.after_event] = fault.text or ""
            case "per_connection_ids":
                self.per_connection_ids = True
            case "buffered":
                self.buffer_size = fault.size

    def response_headers(self, base: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """`base` with the overridden headers replaced, removed or added."""
        headers = [(k, v) for k, v in base if k.lower() not in self.headers]
        headers += [(name, value) for name, value in self.headers.values() if value is not None]
        return headers

    def retry_line(self, retry_ms: int) -> bytes:
        if not self.retry_set:
            return b"retry: %d\n" % retry_ms
        return b"" if self.retry_text is None else f"retry: {self.retry_text}\n".encode()

    def bom_before(self, index: int | None, first: bool) -> bool:
        """Whether a BOM goes right before this message (the body's first, or event `index`)."""
        return (first and 0 in self.boms) or (index is not None and index != 0 and index in self.boms)

    def ending(self, index: int | None, default: bytes) -> bytes:
        return b"\r\n" if self.mixed_endings and index is not None and index % 2 == 1 else default

    def encode(self, index: int, event_type: str, data: str, sequence: int) -> bytes:
        """Event `index` (0-based) as sent, `sequence` being its number on this connection (from 1)."""
        event_id: str | None = self.ids.get(index, str(index + 1))
        if self.per_connection_ids:
            event_id = str(sequence)
        if event_type in self.omit_ids:
            event_id = None
        if index in self.corrupt:
            data = data[: len(data) // 2]
        return encode_event(event_id, self.renames.get(event_type, event_type), data)

    def ping(self, sequence: int) -> tuple[bytes, bool]:
        """An idle heartbeat and whether it took a number of the connection's sequence."""
        if self.heartbeat_type is None:
            return PING, False
        event_id = str(sequence) if self.per_connection_ids else None
        return encode_event(event_id, self.heartbeat_type, "{}"), self.per_connection_ids


class BodyCoder:
    """One response body's buffering proxy and gzip coder; `finish()` returns what they still hold."""

    def __init__(self, shaping: Shaping) -> None:
        self._size = shaping.buffer_size
        self._held = bytearray()
        self._zip = zlib.compressobj(wbits=31) if shaping.gzip else None

    def code(self, data: bytes) -> bytes:
        """The bytes to put on the wire now for `data` (b"" while a buffer holds them back)."""
        if self._size is not None:
            self._held += data
            if len(self._held) < self._size:
                return b""
            data = bytes(self._held)
            self._held.clear()
        if self._zip is not None:
            data = self._zip.compress(data) + self._zip.flush(zlib.Z_SYNC_FLUSH)
        return data

    def finish(self) -> bytes:
        data = bytes(self._held)
        self._held.clear()
        if self._zip is not None:
            data = self._zip.compress(data) + self._zip.flush()
        return data
