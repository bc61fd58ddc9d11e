"""The per-second event counter behind the events/s sparkline (pure, clock passed in)."""

from __future__ import annotations

from collections import deque


class RateCounter:
    """Counts events per whole second over a sliding window, for the events/s sparkline."""

    __slots__ = ("_counts", "_last_second", "window")

    def __init__(self, window: int = 30) -> None:
        self.window = window
        self._counts: deque[int] = deque([0] * window, maxlen=window)
        self._last_second: int | None = None

    def _advance(self, now: float) -> None:
        second = int(now)
        if self._last_second is None:
            self._last_second = second
            return
        gap = second - self._last_second
        if gap > 0:
            self._counts.extend([0] * min(gap, self.window))
            self._last_second = second

    def add(self, now: float, n: int = 1) -> None:
        self._advance(now)
        self._counts[-1] += n

    def series(self, now: float) -> list[int]:
        """Counts per second, oldest first; the last item is the current (partial) second."""
        self._advance(now)
        return list(self._counts)

    def rate(self, now: float, seconds: int = 5) -> float:
        """Mean events/s over the last `seconds` whole seconds (the current partial one excluded)."""
        counts = self.series(now)[-seconds - 1 : -1]
        return sum(counts) / len(counts) if counts else 0.0
