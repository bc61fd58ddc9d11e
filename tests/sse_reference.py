"""A deliberately plain, separate reading of WHATWG HTML §9.2.6, used only to cross-check the real parser.

It works on the whole byte string at once, character by character, exactly in the order the spec's
prose gives, with no attention to speed.
"""

from __future__ import annotations


def reference_events(
    body: bytes, last_event_id: str = ""
) -> tuple[list[tuple[str, str, str]], str, int | None]:
    """Returns (events as (type, data, last_event_id), committed last event ID, reconnection time)."""
    text = body.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\r":
            lines.append("".join(current))
            current = []
            if i + 1 < len(text) and text[i + 1] == "\n":
                i += 1
        elif ch == "\n":
            lines.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    # Whatever is left in `current` is a partial line at EOF: never processed.

    events: list[tuple[str, str, str]] = []
    data_buffer = ""
    event_type = ""
    id_buffer = last_event_id
    committed = last_event_id
    retry: int | None = None
    for line in lines:
        if line == "":
            committed = id_buffer
            if data_buffer == "":
                event_type = ""
                continue
            if data_buffer.endswith("\n"):
                data_buffer = data_buffer[:-1]
            events.append((event_type or "message", data_buffer, committed))
            data_buffer = ""
            event_type = ""
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
        elif field == "data":
            data_buffer += value + "\n"
        elif field == "id":
            if "\x00" not in value:
                id_buffer = value
        elif field == "retry" and value and all(c in "0123456789" for c in value):
            retry = int(value)
    return events, committed, retry
