"""How jobwatch writes a moment: `HH:MM:SS.mmm` in local time, the same in `tail` lines and the dashboard."""

from __future__ import annotations

import time


def clock_time(wall: float) -> str:
    """`HH:MM:SS.mmm` in local time for a Unix timestamp."""
    return time.strftime("%H:%M:%S", time.localtime(wall)) + f".{int(wall * 1000) % 1000:03d}"
