"""Heartbeat watchdog: fires when no byte has arrived for `timeout` seconds, at O(1) cost per chunk."""

from __future__ import annotations

import asyncio


class Watchdog:
    """Expire an `asyncio.timeout()` block once no `feed()` came for `timeout` seconds.

    `feed()` only stores a timestamp; the timer re-arms itself lazily, so a busy stream costs no timer churn.
    `expire_now()` ends the block on demand (a manual reconnect), recorded in `manual`.
    """

    def __init__(self, timeout: float, scope: asyncio.Timeout) -> None:
        self._loop = asyncio.get_running_loop()
        self._timeout = timeout
        self._scope = scope
        self._last = self._loop.time()
        self.expired = False
        self.manual = False
        self._handle = self._loop.call_at(self._last + timeout, self._check)

    def feed(self) -> float:
        """Bytes arrived; returns the loop time it recorded."""
        self._last = now = self._loop.time()
        return now

    def expire_now(self) -> None:
        self.manual = True
        self._fire()

    def cancel(self) -> None:
        self._handle.cancel()

    def _check(self) -> None:
        deadline = self._last + self._timeout
        if self._loop.time() >= deadline:
            self.expired = True
            self._fire()
        else:
            self._handle = self._loop.call_at(deadline, self._check)

    def _fire(self) -> None:
        self._handle.cancel()
        if not self._scope.expired():
            self._scope.reschedule(self._loop.time())
