"""One timeline across jobs: every job's events and notices in order of arrival, in a bounded ring.

Pure (no Textual, no I/O). `DashboardModel` feeds it where it takes events, so the timeline view shows the
very records the per-job buffers hold; its memory is bounded like theirs (a count and a budget of data).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from itertools import count, islice, repeat
from typing import NamedTuple

from jobwatch.jobcolours import Colours
from jobwatch.model.records import EventRecord

DEFAULT_TIMELINE_CAP = 10_000
DEFAULT_TIMELINE_BYTES = 8 << 20


class TimelineEntry(NamedTuple):
    """One record of one job, numbered in order of arrival across all jobs."""

    seq: int
    job: str
    record: EventRecord


class Timeline:
    """The newest records of every job, oldest first; `seq` counts every record ever added.

    Held as two deques in step (job names and the job buffers' own records), so taking an event allocates
    no object of its own: a flood adds nothing for the garbage collector to track. Entries are built
    only when a view asks for them."""

    def __init__(self, cap: int = DEFAULT_TIMELINE_CAP, byte_budget: int = DEFAULT_TIMELINE_BYTES) -> None:
        self.cap = max(1, cap)
        self.byte_budget = byte_budget
        self._jobs: deque[str] = deque()
        self._records: deque[EventRecord] = deque()
        self.seq = 0
        self._bytes = 0
        self.colours = Colours()

    def add(self, job: str, records: Sequence[EventRecord]) -> None:
        """Append `records` of `job` (already in that job's order), dropping the oldest beyond the bounds."""
        if not records:
            return
        self._records.extend(records)
        self._jobs.extend(repeat(job, len(records)))
        self.seq += len(records)
        self._bytes += sum(len(record.data) for record in records)
        jobs, held, cap, budget = self._jobs, self._records, self.cap, self.byte_budget
        while len(held) > 1 and (len(held) > cap or self._bytes > budget):
            jobs.popleft()
            self._bytes -= len(held.popleft().data)

    def columns_since(self, seq: int) -> tuple[int, list[str], list[EventRecord]]:
        """The entries newer than `seq` still held, as columns: the seq of the first, the job names and
        the records (no object per entry: a view under a flood takes thousands per refresh)."""
        held = len(self._records)
        first = max(0, held - (self.seq - seq))
        start = self.seq - held + 1 + first
        if first >= held:
            return start, [], []
        return start, list(islice(self._jobs, first, None)), list(islice(self._records, first, None))

    def since(self, seq: int) -> list[TimelineEntry]:
        """Entries newer than `seq`, oldest first (only those still held)."""
        start, jobs, records = self.columns_since(seq)
        return [TimelineEntry(n, job, record) for n, job, record in zip(count(start), jobs, records)]

    @property
    def entries(self) -> list[TimelineEntry]:
        """Every entry held, oldest first."""
        return self.since(0)

    @property
    def data_bytes(self) -> int:
        """Characters of event data held (what the byte budget bounds)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[TimelineEntry]:
        return iter(self.entries)


def entry_matches(entry: TimelineEntry, needle: str) -> bool:
    """Whether lower-cased `needle` occurs in the entry's job name, event type or data (case-insensitive)."""
    return matches(entry.job, entry.record, needle)


def matches(job: str, record: EventRecord, needle: str) -> bool:
    """`entry_matches` for a job name and record (what a view holding columns asks)."""
    if not needle:
        return True
    return needle in job.lower() or needle in record.type.lower() or needle in record.data.lower()
