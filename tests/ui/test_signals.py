"""The real dashboard process in a pseudo-terminal: SIGHUP, SIGTERM and SIGINT save every cursor, give the
terminal back (alternate screen left, mouse reporting off, cursor shown) and exit 128 + the signal number."""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import signal
import struct
import sys
import termios
from pathlib import Path

import pytest

from jobwatch.demo import DemoServer, RawResponse
from jobwatch.stream.cursor import CursorStore

LAST_ID = "12"
BODY: list[bytes | float] = [
    b"id: 1\ndata: first\n\n",
    0.3,  # the first cursor is saved at once; the later ones wait for the debounce
    b"".join(b"id: %d\ndata: line %d\n\n" % (n, n) for n in range(2, int(LAST_ID) + 1)),
]
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
MOUSE_ON, MOUSE_OFF = b"\x1b[?1000h", b"\x1b[?1000l"
CURSOR_SHOWN = b"\x1b[?25h"


class Terminal:
    """The master side of a pty: collects every byte the child writes, until the child is gone."""

    def __init__(self, columns: int = 80, rows: int = 24) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.output = bytearray()
        self.closed = asyncio.Event()
        self.changed = asyncio.Event()
        asyncio.get_running_loop().add_reader(self.master, self._read)

    def _read(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: every slave descriptor is closed
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
            self.closed.set()
        self.output += data
        self.changed.set()

    def text(self) -> bytes:
        return ESCAPES.sub(b"", bytes(self.output))

    async def wait_for_text(self, needle: bytes) -> None:
        while needle not in self.text():
            assert not self.closed.is_set(), self.text()[-2000:]
            self.changed.clear()
            await self.changed.wait()

    def close(self) -> None:
        """Close the master side: the child's terminal hangs up, as when an SSH link drops."""
        asyncio.get_running_loop().remove_reader(self.master)
        os.close(self.master)


async def run_dashboard_until(
    tmp_path: Path, sig: signal.Signals, *, hang_up: bool = False
) -> tuple[int, bytes, str]:
    """Run `jobwatch URL` in a pty until it showed the last id, send `sig` (after closing the terminal
    when `hang_up`); returns the exit status, every byte written to the terminal and the saved cursor."""
    state = tmp_path / "cursors.json"
    async with DemoServer() as server:
        url = server.add_raw("job", [RawResponse(body=BODY, end="hang")])
        terminal = Terminal()
        env = {**os.environ, "TERM": "xterm-256color", "XDG_CONFIG_HOME": str(tmp_path / "config")}
        env.pop("TEXTUAL_ALLOW_SIGNALS", None)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "jobwatch", "--state", str(state), "--no-bell", url,
            stdin=terminal.slave, stdout=terminal.slave, stderr=terminal.slave, env=env,
            start_new_session=True,
        )  # fmt: skip
        os.close(terminal.slave)
        try:
            await asyncio.wait_for(terminal.wait_for_text(f"id {LAST_ID} ".encode()), 60)
            if hang_up:
                terminal.close()
            proc.send_signal(sig)
            returncode = await asyncio.wait_for(proc.wait(), 30)
            if not hang_up:
                await asyncio.wait_for(terminal.closed.wait(), 30)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            if not hang_up:
                terminal.close()
    return returncode, bytes(terminal.output), CursorStore(state).get(url)


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGHUP, 129), (signal.SIGTERM, 143), (signal.SIGINT, 130)],
    ids=["SIGHUP", "SIGTERM", "SIGINT"],
)
async def test_signal_saves_cursors_restores_the_terminal_and_exits_128_plus_signal(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    returncode, out, cursor = await run_dashboard_until(tmp_path, sig)
    assert returncode == code
    assert cursor == LAST_ID
    after_last_frame = out[out.rindex(ALT_SCREEN_OFF) :]
    assert out.rindex(ALT_SCREEN_OFF) > out.rindex(ALT_SCREEN_ON)
    assert out.rindex(MOUSE_OFF) > out.rindex(MOUSE_ON)
    assert CURSOR_SHOWN in after_last_frame
    assert ESCAPES.sub(b"", after_last_frame).strip() == b""


async def test_sighup_after_the_terminal_hung_up_saves_cursors_and_exits_129(tmp_path: Path) -> None:
    returncode, _, cursor = await run_dashboard_until(tmp_path, signal.SIGHUP, hang_up=True)
    assert (returncode, cursor) == (129, LAST_ID)
