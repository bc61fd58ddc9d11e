"""What the dashboard's output does to a terminal, replayed through `pyte` (a pure-Python VT emulator).

`floor` is the issue #11 "would need" figure: diff the emulated screen once a second and count what a
cell-diffing renderer would send for it (the changed cells, plus ~24 B of cursor position and style per
changed run of cells in a row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyte

RUN_OVERHEAD = 24
"""Bytes of positioning and style a renderer spends per changed run (`ESC[r;cH` plus one SGR)."""

Chunk = tuple[float, bytes]
Cells = list[tuple[pyte.screens.Char, ...]]


class Terminal:
    """A cols x rows emulated terminal fed with the app's bytes as they arrive."""

    def __init__(self, cols: int, rows: int) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)

    def feed(self, data: bytes) -> None:
        self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def cells(self) -> Cells:
        """Every cell with its character and style, row by row (a snapshot to diff)."""
        buffer, cols = self.screen.buffer, self.screen.columns
        return [tuple(buffer[y][x] for x in range(cols)) for y in range(self.screen.lines)]


def changed_runs(before: Cells, after: Cells) -> tuple[int, int, int]:
    """(changed cells, changed runs, UTF-8 bytes of the changed characters) between two snapshots."""
    cells = runs = text = 0
    for old_row, new_row in zip(before, after, strict=True):
        in_run = False
        for old, new in zip(old_row, new_row, strict=True):
            if old != new:
                cells += 1
                text += len(new.data.encode())
                runs += not in_run
                in_run = True
            else:
                in_run = False
    return cells, runs, text


@dataclass
class Floor:
    """Bytes/s a cell-diffing renderer at one frame per second would need over a window."""

    seconds: float
    cells: int
    runs: int
    bytes: int

    @property
    def rate(self) -> float:
        return self.bytes / self.seconds if self.seconds > 0 else float("nan")


def floor(chunks: Sequence[Chunk], cols: int, rows: int, start: float, end: float) -> Floor:
    """Replay `chunks` (monotonic time, bytes); diff the screen every second from `start` to `end`."""
    term = Terminal(cols, rows)
    pending = iter(chunks)
    chunk = next(pending, None)
    while chunk is not None and chunk[0] <= start:
        term.feed(chunk[1])
        chunk = next(pending, None)
    previous = term.cells()
    total = Floor(0.0, 0, 0, 0)
    tick = start
    while tick + 1.0 <= end:
        tick += 1.0
        while chunk is not None and chunk[0] <= tick:
            term.feed(chunk[1])
            chunk = next(pending, None)
        current = term.cells()
        cells, runs, text = changed_runs(previous, current)
        previous = current
        total = Floor(total.seconds + 1.0, total.cells + cells, total.runs + runs,
                      total.bytes + text + RUN_OVERHEAD * runs)
    return total


def bytes_between(chunks: Sequence[Chunk], start: float, end: float) -> int:
    return sum(len(data) for at, data in chunks if start < at <= end)
