"""Child processes for the UI benches: the real `jobwatch` dashboard in a pseudo-terminal of a fixed size,
and the job server (bench/jobserver.py). Every child dies with the bench, however the bench ends.

Only public entry points are used (`python -m jobwatch --no-state URL...`), so the benches measure what a
user runs and survive any restructuring of the UI code.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import functools
import json
import os
import resource
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
PR_SET_PDEATHSIG = 1
FD_MARGIN = 256
"""File descriptors a child needs besides one socket per job (Python, Textual, pipes)."""
_children: list[subprocess.Popen[bytes]] = []
_home = tempfile.TemporaryDirectory(prefix="jobwatch-bench-")


def _child_setup(fds: int) -> None:
    """In the child, before exec: die with the bench; the pty as controlling terminal; a soft fd limit of
    at least `fds` when the hard limit allows it (only raised when needed: the limit is part of the test)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    with contextlib.suppress(OSError):
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < fds:
        wanted = fds if hard == resource.RLIM_INFINITY else min(fds, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _spawn(argv: list[str], fds: int, **kwargs: object) -> subprocess.Popen[bytes]:
    setup = functools.partial(_child_setup, fds)
    process = subprocess.Popen(argv, start_new_session=True, preexec_fn=setup, **kwargs)  # type: ignore[call-overload]
    _children.append(process)
    return process


def _end(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the child's process group, SIGKILL after 3 s."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(3.0)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ValueError):
        _children.remove(process)


def _end_all() -> None:
    for process in list(_children):
        _end(process)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


atexit.register(_end_all)
for _signal in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_signal, _exit_on_signal)


def dashboard_env() -> dict[str, str]:
    """A plain xterm-256color session (no COLORTERM, as over most SSH links), isolated config and state."""
    drop = ("COLORTERM", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TMUX")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("TEXTUAL")}
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[name] = os.path.join(_home.name, name.lower())
    env["TERM"] = "xterm-256color"
    env.setdefault("LANG", "C.UTF-8")
    return env


def sources(urls: list[str]) -> list[str]:
    """NAME=URL, the name being the job id, as a user naming their jobs would pass them."""
    return [f"{urlsplit(url).path.split('/')[2]}={url}" for url in urls]


class JobServer:
    """bench/jobserver.py as a child: `kind` is idle or busy; `urls` once it listens."""

    def __init__(self, kind: str, count: int, rate: float = 5.0) -> None:
        argv = [sys.executable, str(HERE / "jobserver.py"), kind, str(count), "--rate", str(rate)]
        self.process = _spawn(argv, count + FD_MARGIN, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdout is not None and self.process.stdin is not None
        self._out, self._in = self.process.stdout, self.process.stdin
        self.urls: list[str] = []
        while (line := self._out.readline().decode().strip()) != "ready":
            if not line:
                raise RuntimeError("bench/jobserver.py ended before listening")
            self.urls.append(line)

    def stats(self, since: float = 0.0) -> dict[str, float | int | None]:
        """Event streams opened since `since` (time.monotonic()): how many, to how many jobs, the first
        and the last job's opening."""
        self._in.write(b"stats %r\n" % since)
        self._in.flush()
        return json.loads(self._out.readline())

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._in.close()
        _end(self.process)

    def __enter__(self) -> JobServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Dashboard:
    """`python -m jobwatch --no-state URL...` on a cols x rows pty; read what it writes from the master."""

    def __init__(self, urls: list[str], cols: int, rows: int, argv: list[str] | None = None) -> None:
        self.cols, self.rows = cols, rows
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        command = argv or [sys.executable, "-m", "jobwatch", "--no-state", *urls]
        self.started = time.monotonic()
        self.process = _spawn(command, len(urls) + FD_MARGIN, stdin=slave, stdout=slave, stderr=slave,
                              env=dashboard_env())
        os.close(slave)
        os.set_blocking(self.master, False)
        self.open = True

    def read(self, limit: int = 1 << 16, timeout: float = 0.05) -> bytes:
        """Up to `limit` bytes the app wrote, waiting at most `timeout` s; b"" if none (or it ended)."""
        if not self.open or not select.select([self.master], [], [], max(0.0, timeout))[0]:
            return b""
        try:
            return os.read(self.master, limit)
        except BlockingIOError:
            return b""
        except OSError:  # EIO: every slave side closed, the app is gone
            self.open = False
            return b""

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the dashboard process (all its threads) so far, from /proc."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        _end(self.process)
        with contextlib.suppress(OSError):
            os.close(self.master)
        self.open = False

    def __enter__(self) -> Dashboard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


Chunk = tuple[float, bytes]


def pump(dash: Dashboard, until: float, sink: list[Chunk] | None = None) -> int:
    """Read as fast as the app writes until time.monotonic() reaches `until`; returns the bytes read."""
    total = 0
    while (now := time.monotonic()) < until:
        data = dash.read(timeout=until - now)
        total += len(data)
        if data and sink is not None:
            sink.append((time.monotonic(), data))
        if not dash.open:
            time.sleep(max(0.0, until - time.monotonic()))
    return total
