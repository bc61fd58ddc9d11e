"""The real `jobwatch tail` process and its life cycle (issue #8.6, #8.7): a closed stdout, signals, a
closed stderr. After each, the state file's cursor is the id of the last line actually written."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import termios
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from prockit import JOBWATCH, events, fed_stream, process, saved_entry

PIPE = subprocess.PIPE


def start_tail(
    state: Path, url: str, stdout: int | socket.socket = PIPE
) -> AbstractContextManager[subprocess.Popen[bytes]]:
    """`jobwatch tail --format jsonl` with its own state file, stderr piped."""
    args = [*JOBWATCH, "tail", "--format", "jsonl", "--state", str(state), url]
    return process(args, stdout=stdout, stderr=PIPE)


def ids(lines: list[bytes]) -> list[str]:
    return [json.loads(line)["id"] for line in lines]


# --- stdout closed (`jobwatch tail ... | head -5`) -----------------------------------------------


def test_reader_closing_after_5_lines_while_events_flow_exits_141_with_cursor_at_line_5(
    tmp_path: Path,
) -> None:
    state = tmp_path / "s.json"
    with fed_stream() as server, start_tail(state, server.url) as proc:
        assert proc.stdout is not None
        server.send(events(1, 5))
        lines = [proc.stdout.readline() for _ in range(5)]
        proc.stdout.close()
        server.send(events(6, 2000))
        code = proc.wait(20)
    assert ids(lines) == ["1", "2", "3", "4", "5"]
    assert code == 141
    assert saved_entry(state, server.url)["id"] == "5"


def test_reader_closing_while_the_stream_is_idle_ends_the_run_at_once_with_141(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with fed_stream() as server, start_tail(state, server.url) as proc:
        assert proc.stdout is not None
        server.send(events(1, 5))
        lines = [proc.stdout.readline() for _ in range(5)]
        proc.stdout.close()  # nothing more is sent: only noticing the closed pipe can end the run
        code = proc.wait(20)
    assert ids(lines)[-1] == "5"
    assert code == 141
    assert saved_entry(state, server.url)["id"] == "5"


def test_write_failing_with_epipe_exits_141_with_cursor_at_the_last_line_read(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    ours, theirs = socket.socketpair()  # not a pipe: only the failing write can tell the reader is gone
    with fed_stream() as server, start_tail(state, server.url, stdout=theirs) as proc:
        theirs.close()
        reader = ours.makefile("rb")
        server.send(events(1, 5))
        lines = [reader.readline() for _ in range(5)]
        reader.close()
        ours.close()
        server.send(events(6, 2000))
        code = proc.wait(20)
    assert ids(lines)[-1] == "5"
    assert code == 141
    assert saved_entry(state, server.url)["id"] == "5"


def test_closed_stdout_ends_the_run_quietly(tmp_path: Path) -> None:
    with fed_stream() as server, start_tail(tmp_path / "s.json", server.url) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        server.send(events(1, 5))
        [proc.stdout.readline() for _ in range(5)]
        proc.stdout.close()
        server.send(events(6, 2000))
        proc.wait(20)
        err = proc.stderr.read().decode()
    assert err.splitlines() == [f"jobwatch: {server.url}: connecting", f"jobwatch: {server.url}: open"]


def test_next_run_after_a_closed_pipe_starts_with_the_first_line_not_read(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    with fed_stream() as server, start_tail(state, server.url) as proc:
        assert proc.stdout is not None
        server.send(events(1, 5))
        [proc.stdout.readline() for _ in range(5)]
        proc.stdout.close()
        server.send(events(6, 2000))
        proc.wait(20)
        server.end()  # the next connection gets what the test sends next
        with start_tail(state, server.url) as again:
            assert again.stdout is not None
            server.send(events(6, 6))
            first = again.stdout.readline()
    assert b"last-event-id: 5" in server.request_heads[1].lower()
    assert ids([first]) == ["6"]


# --- signals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sig", "status"),
    [(signal.SIGHUP, 129), (signal.SIGTERM, 143), (signal.SIGINT, 130)],
    ids=["SIGHUP", "SIGTERM", "SIGINT"],
)
def test_signal_saves_the_cursor_of_the_last_line_written_and_exits_128_plus_its_number(
    tmp_path: Path, sig: signal.Signals, status: int
) -> None:
    state = tmp_path / "s.json"
    with fed_stream() as server, start_tail(state, server.url) as proc:
        assert proc.stdout is not None
        for n in range(1, 6):  # one at a time: the first is saved at once, the rest wait for the debounce
            server.send(events(n, n))
            proc.stdout.readline()
        proc.send_signal(sig)
        code = proc.wait(20)
    assert code == status
    assert saved_entry(state, server.url)["id"] == "5"


def test_sigterm_while_the_reader_has_stopped_reading_saves_exactly_the_lines_in_the_pipe(
    tmp_path: Path,
) -> None:
    state = tmp_path / "s.json"
    read_end, write_end = os.pipe()
    with fed_stream() as server, start_tail(state, server.url, stdout=write_end) as proc:
        os.close(write_end)
        server.send(events(1, 20_000))  # far more than a pipe holds: tail ends up blocked on stdout
        while _queued(read_end) < 60_000:
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(20)
    with os.fdopen(read_end, "rb") as pipe:
        written = pipe.read()
    last_whole_line = written[: written.rindex(b"\n")].rpartition(b"\n")[2]
    assert code == 143
    assert saved_entry(state, server.url)["id"] == json.loads(last_whole_line)["id"]


def _queued(fd: int) -> int:
    """Bytes waiting in the pipe whose read end is `fd`."""
    return int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"), "little")


# --- stderr closed -------------------------------------------------------------------------------


def test_broken_stderr_neither_stops_the_run_nor_changes_its_exit_status(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to stderr fails with EPIPE
    with fed_stream() as server, process(
        [*JOBWATCH, "tail", "--no-state", "--max-retries", "0", server.url], stdout=PIPE, stderr=write_end
    ) as proc:
        os.close(write_end)
        server.send(events(1, 3))
        server.end()
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert len(out.splitlines()) == 3


def test_closed_stderr_neither_stops_the_run_nor_changes_its_exit_status(tmp_path: Path) -> None:
    with fed_stream() as server, process(
        ["sh", "-c", 'exec "$@" 2>&-', "sh", *JOBWATCH, "tail", "--no-state", "--max-retries", "0",
         server.url],
        stdout=PIPE,
    ) as proc:  # fmt: skip
        server.send(events(1, 3))
        server.end()
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert len(out.splitlines()) == 3
