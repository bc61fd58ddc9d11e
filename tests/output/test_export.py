"""Specification of the dashboard's JSONL export: the same ASCII-only lines as `jobwatch tail`, plus "ts"."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from jobwatch.model import DashboardModel
from jobwatch.output.export import export_jsonl
from jobwatch.output.tail import TailPrinter
from jobwatch.output.writer import CommittingOutput
from jobwatch.stream.events import SSEvent
from jobwatch.stream.spec import StreamSpec

JOB = "dépôt ☃"
EVENTS = [
    SSEvent("log", "café \x1b[31mrouge\x07 ☃ \U0001f600", "1"),
    SSEvent("message", "line\u2028two\nthree", "ü2"),
]


async def tail_jsonl(events: list[SSEvent]) -> bytes:
    """What `jobwatch tail --format jsonl` writes to stdout for `events` of JOB."""
    written = io.BytesIO()
    out = CommittingOutput(written.write, None, lambda *_: None, lambda _: None)
    TailPrinter([StreamSpec(JOB, "http://h/x")], "jsonl", out, io.StringIO()).on_events(JOB, events)
    out.flush()
    return written.getvalue()


async def test_export_writes_the_lines_tail_writes_with_ts_as_the_last_key(tmp_path: Path) -> None:
    model = DashboardModel(clock=lambda: 5.0, wall_clock=lambda: 1_767_225_600.25)
    model.add(StreamSpec(JOB, "http://h/x"))
    model.on_events(JOB, EVENTS)
    path = tmp_path / "out.jsonl"
    assert export_jsonl(model[JOB], path) == 2
    exported = path.read_bytes()
    assert exported.isascii()
    stripped = exported.replace(b', "ts": 1767225600.25}', b"}")
    assert stripped == await tail_jsonl(EVENTS)
    rows = [json.loads(line) for line in exported.splitlines()]
    assert rows[0] == {"job": JOB, "id": "1", "event": "log", "data": EVENTS[0].data, "ts": 1_767_225_600.25}
    assert [row["data"] for row in rows] == [event.data for event in EVENTS]


def test_the_export_moved_out_of_ui_imports_no_textual() -> None:
    code = (
        "import sys, jobwatch.output.export, jobwatch.output.jsonl, jobwatch.paths, jobwatch.demo.thread;"
        "sys.exit(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
