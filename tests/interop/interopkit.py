"""Run third-party SSE servers in a subprocess (killable with -9 and restartable on the same port) and the
real `jobwatch tail` process against them."""

from __future__ import annotations

import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
JOBWATCH = [sys.executable, "-m", "jobwatch"]
TAIL = [*JOBWATCH, "tail", "--format", "jsonl", "--no-state", "--max-backoff", "0.5"]
WAIT = 30.0
"""Upper bound for anything a test waits on; a healthy run takes a small fraction of it."""


class ServerProcess:
    """A server script run as `<command> --port P --journal FILE`; it prints `ready <port>` once listening."""

    def __init__(self, command: list[str], journal: Path) -> None:
        self._command = command
        self.journal = journal
        self.port = 0
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Start on the port of the previous run (a free one the first time) and wait until it listens."""
        self._proc = subprocess.Popen(
            [*self._command, "--port", str(self.port), "--journal", str(self.journal)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self._proc.stdout is not None
        line = _readline(self._proc.stdout)
        if not line.startswith("ready "):
            _, err = self._proc.communicate(timeout=WAIT)
            raise RuntimeError(f"server did not start: {line!r} {err[-2000:]}")
        self.port = int(line.split()[1])

    def kill(self) -> None:
        """kill -9: no graceful shutdown, the open connections just die."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGKILL)
            self._proc.communicate(timeout=WAIT)
        self._proc = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def records(self, job: str) -> list[dict[str, Any]]:
        """The journal entries of one job, in the order the server wrote them."""
        lines = self.journal.read_text().splitlines() if self.journal.exists() else []
        return [record for record in map(json.loads, lines) if record["job"] == job]

    def connections(self, job: str) -> list[str | None]:
        """The Last-Event-ID header of each connection the job's endpoint received (None: no header)."""
        return [record["connect"] for record in self.records(job) if "connect" in record]

    def sent(self, job: str) -> list[int]:
        """The numbers of the events the job's endpoint generated, in order, repeats included."""
        return [record["sent"] for record in self.records(job) if "sent" in record]

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


def _readline(stream: IO[str]) -> str:
    """One line from a child's pipe; "" if the child exits first or says nothing within WAIT seconds."""
    ready, _, _ = select.select([stream], [], [], WAIT)
    return stream.readline() if ready else ""


def starlette_server(journal: Path) -> ServerProcess:
    return ServerProcess([sys.executable, str(HERE / "starlette_app.py")], journal)


@dataclass
class TailRun:
    """What one `jobwatch tail --format jsonl` run printed and how it ended."""

    code: int
    events: list[dict[str, str]]
    stderr: str

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(id, data) of every event printed, in order."""
        return [(event["id"], event["data"]) for event in self.events]


class TailProcess:
    """The real `jobwatch tail --format jsonl --no-state`, its output read by threads as it comes."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        pipe = subprocess.PIPE
        self._proc = subprocess.Popen([*TAIL, *args], stdout=pipe, stderr=pipe, text=True, env=env)
        self._lines: queue.Queue[str] = queue.Queue()
        self._err: list[str] = []
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._readers = [
            threading.Thread(target=_pump, args=(self._proc.stdout, self._lines.put), daemon=True),
            threading.Thread(target=_pump, args=(self._proc.stderr, self._err.append), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self._out: list[str] = []

    def wait_for_lines(self, count: int) -> None:
        """Block until tail printed `count` lines in all (a stuck tail fails the test after WAIT s)."""
        while len(self._out) < count:
            self._out.append(self._lines.get(timeout=WAIT))

    def finish(self) -> TailRun:
        """Wait for tail to end by itself (killing it past WAIT) and parse everything it printed."""
        note = ""
        try:
            self._proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
            note = f"[test: tail still running after {WAIT:.0f} s, killed]\n"
        for reader in self._readers:
            reader.join(timeout=WAIT)
        while not self._lines.empty():
            self._out.append(self._lines.get())
        events = [json.loads(line) for line in self._out]
        return TailRun(self._proc.returncode, events, "".join(self._err) + note)


def _pump(stream: IO[str], put: Callable[[str], None]) -> None:
    for line in stream:
        put(line)


def run_tail(*args: str) -> TailRun:
    return TailProcess(*args).finish()
