"""A deliberately plain, separate reading of WHATWG HTML §9.2.6, used only to cross-check the real parser.

It works on the whole byte string at once, byte by byte, exactly in the order the spec's prose gives, with no
attention to speed. Plus jobwatch's skip rule: an event holding a line of more than `max_line_bytes` bytes
(as received; a leading BOM counts), or more data bytes than that (UTF-8, each data line plus one), is not
dispatched, its data is dropped, but its `id:` and `retry:` fields apply as usual, the id is committed at its
blank line, and the event is reported as skipped with its own id (or None).
"""

from __future__ import annotations

RETRY_CEILING_MS = 600_000


def split_lines(body: bytes) -> list[bytes]:
    """Lines ended by CRLF, LF or CR; a partial line at EOF is never processed."""
    lines: list[bytes] = []
    start = i = 0
    while i < len(body):
        byte = body[i : i + 1]
        if byte in (b"\r", b"\n"):
            lines.append(body[start:i])
            if byte == b"\r" and body[i + 1 : i + 2] == b"\n":
                i += 1
            start = i + 1
        i += 1
    return lines


def reference_events(
    body: bytes, last_event_id: str = "", max_line_bytes: int | None = None
) -> tuple[list[tuple[str, str, str]], str, int | None, list[str | None]]:
    """Returns (events as (type, data, last_event_id), committed id, reconnection time, skipped own ids)."""
    events: list[tuple[str, str, str]] = []
    skipped: list[str | None] = []
    data_buffer = ""
    event_type = ""
    id_buffer = last_event_id
    own_id: str | None = None
    committed = last_event_id
    retry: int | None = None
    skipping = False
    for number, raw in enumerate(split_lines(body)):
        too_long = max_line_bytes is not None and len(raw) > max_line_bytes
        if number == 0 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        line = raw.decode("utf-8", errors="replace")
        if line == "":
            committed = id_buffer
            if skipping:
                skipped.append(own_id)
            elif data_buffer != "":
                if data_buffer.endswith("\n"):
                    data_buffer = data_buffer[:-1]
                events.append((event_type or "message", data_buffer, committed))
            data_buffer = ""
            event_type = ""
            own_id = None
            skipping = False
            continue
        if too_long:
            skipping = True
            data_buffer = ""
            continue
        if line.startswith(":"):
            continue
        if ":" in line:
            field, value = line.split(":", 1)
            if value.startswith(" "):
                value = value[1:]
        else:
            field, value = line, ""
        if field == "event":
            event_type = value
        elif field == "data" and not skipping:
            data_buffer += value + "\n"
            if max_line_bytes is not None and len(data_buffer.encode()) > max_line_bytes:
                skipping = True
                data_buffer = ""
        elif field == "id":
            if "\x00" not in value:
                id_buffer = value
                own_id = value
        elif field == "retry" and value and all(c in "0123456789" for c in value):
            retry = min(int(value), RETRY_CEILING_MS)
    return events, committed, retry, skipped
