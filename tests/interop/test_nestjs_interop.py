"""`make interop` only: the real `jobwatch tail` and the npm `eventsource` client side by side against a
NestJS `@Sse()` endpoint shaped like issue #8's field report (per-connection ids, the same snapshot first
on every connection, cuts every 4 log lines, NestJS's own `event: error`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from interopkit import HERE, WAIT, ServerProcess, TailProcess

pytestmark = pytest.mark.interop

NESTJS = HERE / "nestjs"
LOGS = 30
Event = tuple[str, str, str]


@pytest.fixture(scope="module")
def nest_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("NestJS interop runs under `make interop`; Node not found")
    if not (NESTJS / "node_modules" / "@nestjs" / "core").is_dir():
        pytest.skip(f"NestJS interop runs under `make interop`; no npm packages in {NESTJS}/node_modules")
    journal = tmp_path_factory.mktemp("nestjs") / "journal.jsonl"
    with ServerProcess([node, str(NESTJS / "server.js"), "--logs", str(LOGS)], journal) as running:
        yield running


def first_occurrences(events: list[Event]) -> list[Event]:
    """The events in order without repeats of an (id, type, data) already seen: the only events a client
    may drop as replays (design §3), such as the snapshot every NestJS connection starts with."""
    seen: set[Event] = set()
    kept: list[Event] = []
    for event in events:
        if event not in seen:
            seen.add(event)
            kept.append(event)
    return kept


def log_data(number: int) -> str:
    """The data NestJS sends for log line `number` (it serialises objects with JSON.stringify)."""
    return json.dumps({"line": f"build step {number}"}, separators=(",", ":"))


def eventsource_events(url: str) -> subprocess.Popen[str]:
    node = shutil.which("node")
    assert node is not None
    command = [node, str(NESTJS / "client.js"), url]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_jobwatch_prints_every_event_eventsource_prints_in_order(nest_server: ServerProcess) -> None:
    tail = TailProcess(f"nest={nest_server.url('/events?client=jobwatch')}")
    reference_client = eventsource_events(nest_server.url("/events?client=eventsource"))
    out, err = reference_client.communicate(timeout=WAIT)
    run = tail.finish()

    assert reference_client.returncode == 0, err
    reference = [(e["id"], e["event"], e["data"]) for e in map(json.loads, out.splitlines())]
    assert [data for _, kind, data in reference if kind == "log"] == [log_data(n) for n in range(1, LOGS + 1)]
    assert ("4", "error", "Internal server error") in reference
    assert nest_server.sent("jobwatch") == list(range(1, LOGS + 1))
    printed = [(event["id"], event["event"], event["data"]) for event in run.events]
    assert first_occurrences(printed) == first_occurrences(reference), run.stderr
    logs = [event for event in printed if event[1] == "log"]
    assert len(logs) == len(set(logs)) == LOGS
    assert run.code == 0, run.stderr

