"""`event_lines`, tail's batch encoder, writes exactly the lines `event_line` writes, one per event."""

from __future__ import annotations

from jobwatch.output.jsonl import event_line, event_lines, quote
from jobwatch.stream.events import SSEvent


def test_event_lines_equal_event_line_per_event_and_stay_ascii() -> None:
    events = [SSEvent("log", 'd\u00e9\x1b"x\n\u2028', "7", "7"), SSEvent("message", "", "7", None)]
    quoted = quote("jo\nb\x9b")
    text = event_lines(quoted, events)
    assert text == "".join(event_line(quoted, e.last_event_id, e.type, e.data) for e in events)
    assert text.isascii() and text.count("\n") == len(events)
