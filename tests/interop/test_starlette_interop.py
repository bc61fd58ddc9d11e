"""The real `jobwatch tail` against sse-starlette apps served by uvicorn (a server nobody here wrote): CRLF
framing, `: ping - <date>` keep-alives, Last-Event-ID resume, completion, kill -9 and restart, and a server
that numbers its events per connection as NestJS does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from interopkit import ServerProcess, TailProcess, run_tail, starlette_server
from starlette_app import COMPLETE, SNAPSHOT, log_line, payload


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with starlette_server(tmp_path_factory.mktemp("starlette") / "journal.jsonl") as running:
        yield running


def expected(count: int) -> list[tuple[str, str]]:
    """(id, data) of the sequential app's events 1..count and its completion event."""
    return [*((str(n), payload(n)) for n in range(1, count + 1)), (str(count + 1), COMPLETE)]


def raw_until(url: str, marker: bytes) -> bytes:
    """The raw bytes of a response up to and including the first chunk holding `marker` (or its end)."""
    body = b""
    with httpx.stream("GET", url, timeout=30) as response:
        for chunk in response.iter_raw():
            body += chunk
            if marker in body:
                break
    return body


def test_crlf_framed_events_print_with_their_ids_types_and_multiline_data(server: ServerProcess) -> None:
    wire = raw_until(server.url("/jobs/crlf-wire/events?count=2"), b"event: complete")
    first = b"id: 1\r\nevent: log\r\ndata: line 1\r\ndata: part 2 of 1 \xe2\x9c\x93\r\nretry: 100\r\n\r\n"
    assert first in wire

    run = run_tail(f"crlf={server.url('/jobs/crlf/events?count=5')}")

    assert run.code == 0, run.stderr
    assert [(e["job"], e["event"]) for e in run.events] == [("crlf", "log")] * 5 + [("crlf", "complete")]
    assert run.pairs == expected(5)


def test_ping_comments_keep_a_silent_stream_alive_past_the_heartbeat_timeout(server: ServerProcess) -> None:
    wire = raw_until(server.url("/jobs/ping-wire/events?count=2&silence_at=1&silence=1&ping=0.1"), b": ping")
    assert re.search(rb"\r\n\r\n: ping - \d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*\+00:00\r\n\r\n", wire), wire

    url = server.url("/jobs/quiet/events?count=2&silence_at=1&silence=2&ping=0.1")
    run = run_tail("--heartbeat-timeout", "1", f"quiet={url}")

    assert run.code == 0, run.stderr
    assert run.pairs == expected(2)
    assert server.connections("quiet") == [None]
    assert "reconnecting" not in run.stderr


def test_resume_sends_last_event_id_and_the_app_continues_after_it(server: ServerProcess) -> None:
    run = run_tail(f"cut={server.url('/jobs/cut/events?count=12&cut=4')}")

    assert run.code == 0, run.stderr
    assert server.connections("cut") == [None, "4", "8", "12"]
    assert run.pairs == expected(12)


def test_completion_event_ends_tail_with_exit_0_while_the_connection_stays_open(
    server: ServerProcess,
) -> None:
    run = run_tail(f"held={server.url('/jobs/held/events?count=3&hold=1&ping=0.2')}")

    assert run.code == 0, run.stderr
    assert run.pairs == expected(3)
    assert run.events[-1]["event"] == "complete"
    assert run.stderr.splitlines()[-1] == "jobwatch: held: completed ('complete' event received)"
    assert server.connections("held") == [None]


def test_server_kill_9_and_restart_mid_stream_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    count = 100
    with starlette_server(tmp_path / "journal.jsonl") as server:
        url = server.url(f"/jobs/k/events?count={count}&interval=0.01")
        tail = TailProcess("--heartbeat-timeout", "5", url)
        tail.wait_for_lines(30)
        server.kill()
        generated_before_kill = len(server.sent("k"))
        server.start()
        run = tail.finish()
        generated = server.sent("k")
        connections = server.connections("k")

    assert 30 <= generated_before_kill < count
    assert sorted(set(generated)) == list(range(1, count + 2))
    assert run.code == 0, run.stderr
    assert run.pairs == expected(count)
    assert connections[0] is None
    assert connections[-1] is not None and 30 <= int(connections[-1]) <= generated_before_kill


def test_per_connection_ids_print_every_new_log_line_once_and_the_snapshot_at_least_once(
    server: ServerProcess,
) -> None:
    logs = 40
    run = run_tail(f"nest={server.url(f'/jobs/nest/per-connection?logs={logs}&cut=5')}")

    assert run.code == 0, run.stderr
    assert server.sent("nest") == list(range(1, logs + 1))
    printed_logs = [event["data"] for event in run.events if event["event"] == "log"]
    assert printed_logs == [log_line(n) for n in range(1, logs + 1)]
    assert [event["data"] for event in run.events if event["event"] == "status"].count(SNAPSHOT) >= 1
    assert run.events[-1]["event"] == "complete"
