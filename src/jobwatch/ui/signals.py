"""Leave cleanly on SIGHUP, SIGTERM and SIGINT (design §3): every cursor is saved at once, then the app exits
through Textual's own shutdown, which gives the terminal back, with status 128 + the signal number.

When the terminal has hung up (an SSH link dropped) there is nothing to give back, and Textual's writes would
block for ever once its writer thread died on EIO: then the process ends at once, cursors already saved.
"""

from __future__ import annotations

import asyncio
import logging
import os
import select
import signal
import threading
from collections.abc import Callable
from typing import NoReturn

EXIT_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
EXIT_GRACE = 5.0
"""Seconds Textual's shutdown may take after a signal before the process is ended without it."""

TERMINAL_FD = 2
"""Textual's Linux driver writes to stderr."""


def install_exit_signals(handler: Callable[[int], None]) -> None:
    """Route the exit signals to `handler(signum)` on the running loop (they stay installed until the
    loop closes, so a second signal during shutdown cannot kill the process half-way)."""
    loop = asyncio.get_running_loop()
    for sig in EXIT_SIGNALS:
        loop.add_signal_handler(sig, handler, sig)


def terminal_gone(fd: int = TERMINAL_FD) -> bool:
    """Whether the terminal on `fd` hung up or was closed (nothing left to restore or write to)."""
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in poller.poll(0))


def exit_now(code: int) -> NoReturn:
    """End the process with `code` without running the app's shutdown (log files are flushed first)."""
    try:
        logging.shutdown()
    finally:
        os._exit(code)


def start_exit_guard(code: int, grace: float = EXIT_GRACE) -> threading.Timer:
    """Make sure the process ends with `code` even if the shutdown hangs (a terminal lost mid-way)."""
    guard = threading.Timer(grace, exit_now, (code,))
    guard.daemon = True
    guard.start()
    return guard
