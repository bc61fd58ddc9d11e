"""The real `jobwatch tail` process leads each text line with the job name in its stable colour when
stdout is a terminal (a pty here), and never on a pipe, with NO_COLOR set or with --format jsonl."""

from __future__ import annotations

import os
import re
import select
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jobwatch.jobcolours import Colours
from jobwatch.output.colour import RESET, SGR
from prockit import JOBWATCH, events, fed_stream, process

ESC_SEQUENCE = re.compile(rb"\x1b\[[0-9;]*m")


def read_lines(fd: int, count: int, timeout: float = 20) -> list[bytes]:
    """`count` lines read from `fd` (a pty master reports CRLF line ends)."""
    data = b""
    deadline = time.monotonic() + timeout
    while data.count(b"\n") < count and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            data += os.read(fd, 65536)
    return data.replace(b"\r\n", b"\n").splitlines()[:count]


def env(**changes: str | None) -> dict[str, str]:
    result = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    result["TERM"] = "xterm-256color"
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


@contextmanager
def tail_in_pty(sources: list[str], environment: dict[str, str], *extra: str) -> Iterator[int]:
    """`jobwatch tail` with a pty as stdout; yields the pty's master end."""
    master, slave = os.openpty()
    args = [*JOBWATCH, "tail", "--no-state", *extra, *sources]
    try:
        with process(args, stdout=slave, stderr=subprocess.DEVNULL, env=environment):
            os.close(slave)
            slave = -1
            yield master
    finally:
        if slave >= 0:
            os.close(slave)


def coloured(name: str, colour: int) -> bytes:
    return f"\x1b[{SGR[colour]}m{name}{RESET}".encode()


def test_on_a_terminal_each_job_name_leads_its_line_in_its_own_colour(tmp_path: Path) -> None:
    colours = Colours()
    with fed_stream() as api, fed_stream() as db, tail_in_pty([f"api={api.url}", f"db={db.url}"],
                                                                env()) as tty:
        lines = []
        for stream, n in ((api, 1), (db, 1), (api, 2)):
            stream.send(events(n, n))
            lines += read_lines(tty, 1)
    expected = [coloured("api", colours.of("api")), coloured("db", colours.of("db")),
                coloured("api", colours.of("api"))]
    assert [line.split(b"  ")[1] for line in lines] == expected
    assert colours.of("api") != colours.of("db")
    assert [ESC_SEQUENCE.sub(b"", line).split(b"  ", 1)[1] for line in lines] == [
        b"api  message  line 1", b"db  message  line 1", b"api  message  line 2"]


def test_a_hostile_job_name_is_escaped_inside_its_colour(tmp_path: Path) -> None:
    with fed_stream() as api, tail_in_pty([f"ev\x1b]0;x\x07il={api.url}"], env()) as master:
        api.send(events(1, 1))
        [line] = read_lines(master, 1)
    assert line.count(b"\x1b") == 2  # the colour and its reset, nothing from the name
    assert b"ev\\x1b]0;x\\x07il" in line


def test_no_color_keeps_a_terminal_plain(tmp_path: Path) -> None:
    with fed_stream() as api, tail_in_pty([f"api={api.url}"], env(NO_COLOR="1")) as master:
        api.send(events(1, 1))
        [line] = read_lines(master, 1)
    assert b"\x1b" not in line and line.endswith(b"  api  message  line 1")


def test_jsonl_on_a_terminal_has_no_colour(tmp_path: Path) -> None:
    with fed_stream() as api, tail_in_pty([f"api={api.url}"], env(), "--format", "jsonl") as master:
        api.send(events(1, 1))
        [line] = read_lines(master, 1)
    assert b"\x1b" not in line and b'"job":"api"' in line.replace(b" ", b"")


def test_a_pipe_gets_no_colour(tmp_path: Path) -> None:
    with fed_stream() as api:
        args = [*JOBWATCH, "tail", "--no-state", f"api={api.url}"]
        with process(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env()) as proc:
            assert proc.stdout is not None
            api.send(events(1, 1))
            line = proc.stdout.readline()
    assert b"\x1b" not in line and line.endswith(b"  api  message  line 1\n")
