"""A stable colour per job name, shared by the dashboard's timeline and `jobwatch tail` (headless).

The colour is an index into a palette of `PALETTE_SIZE`; each side maps it to its own styles (theme
colours in the UI, SGR codes in `tail`) in the same order, so a job looks the same in both.
"""

from __future__ import annotations

import zlib

PALETTE_SIZE = 10
"""How many colours a job name can lead with."""


def colour_index(job: str) -> int:
    """A job's preferred colour: derived from its name alone (CRC-32, not `hash`, which changes between
    runs), so a job keeps its colour across runs, views and `tail`."""
    return zlib.crc32(job.encode("utf-8", "surrogatepass")) % PALETTE_SIZE


class Colours:
    """Each job's colour for a session: its preferred one (`colour_index`) unless another job took it,
    then the next least used, so up to `PALETTE_SIZE` jobs never share a colour; fixed once given."""

    def __init__(self) -> None:
        self._of: dict[str, int] = {}
        self._used = [0] * PALETTE_SIZE

    def of(self, job: str) -> int:
        colour = self._of.get(job)
        if colour is None:
            used, start = self._used, colour_index(job)
            least = min(used)
            colour = next(i for k in range(PALETTE_SIZE) if used[i := (start + k) % PALETTE_SIZE] == least)
            used[colour] += 1
            self._of[job] = colour
        return colour
