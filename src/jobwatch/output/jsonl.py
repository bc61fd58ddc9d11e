"""The one JSONL encoder, shared by `jobwatch tail --format jsonl` and the dashboard's export.

ASCII-only: every non-ASCII and control character is escaped, so no byte of a payload reaches a terminal
raw, and both writers produce the same `{"job", "id", "event", "data"}` object for the same event.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii as quote

from jobwatch.stream.events import SSEvent

__all__ = ["event_line", "event_lines", "quote"]


def event_line(quoted_job: str, event_id: str, event_type: str, data: str, ts: float | None = None) -> str:
    """One event as a JSON object and a newline; `quoted_job` is `quote(job)`, computed once per job.
    `ts` (wall-clock seconds) is added last when given, as design §2 allows more keys to follow."""
    extra = "" if ts is None else f', "ts": {json.dumps(ts)}'
    return (
        f'{{"job": {quoted_job}, "id": {quote(event_id)}, '
        f'"event": {quote(event_type)}, "data": {quote(data)}{extra}}}\n'
    )


def event_lines(quoted_job: str, events: Sequence[SSEvent]) -> str:
    """`event_line` of each event, joined; one comprehension over local names, as tail runs it per event."""
    head, q = f'{{"job": {quoted_job}, "id": ', quote
    return "".join([f'{head}{q(i)}, "event": {q(t)}, "data": {q(d)}}}\n' for t, d, i, _ in events])
