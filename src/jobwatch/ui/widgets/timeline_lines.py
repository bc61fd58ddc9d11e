"""The timeline's list: every job's events interleaved by arrival, one row each, led by the job's name in
its stable colour; a live filter across jobs. Rows are built only when drawn (visible rows only), and the
list is bounded like the model's timeline and held as columns (no object per entry)."""

from __future__ import annotations

from bisect import bisect_left
from typing import ClassVar

from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive

from jobwatch.jobcolours import Colours
from jobwatch.model import EventRecord
from jobwatch.model.timeline import TimelineEntry, matches
from jobwatch.textsafe import sanitize
from jobwatch.ui.format import alert_marked, panel_event_line
from jobwatch.ui.widgets.cursor_list import CursorList

JOB_STYLES: tuple[str, ...] = (
    "bold $primary", "bold $secondary", "bold $accent", "bold $warning", "bold $success",
    "underline $primary", "underline $secondary", "underline $accent", "underline $warning",
    "underline $success",
)  # fmt: skip
"""One style per colour of `Colours`: theme colours only (blue, cyan, magenta, yellow, green in
jobwatch-ansi), so every theme, the 16-colour one included, keeps them apart; red stays for errors."""
NAME_MAX = 20
ROW_CACHE = 512


def event_text(entry: TimelineEntry) -> str:
    """The plain, safe text of one timeline event (the one place to switch to a readable rendering)."""
    return panel_event_line(entry.record)


class TimelineLines(CursorList):
    """Timeline entries, oldest first; `follow` keeps the newest in view and under the cursor."""

    CURSOR_CLASS = "timeline-lines--cursor"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"timeline-lines--cursor"}
    DEFAULT_CSS = """
    TimelineLines > .timeline-lines--cursor { background: $boost; }
    TimelineLines:focus > .timeline-lines--cursor { background: $primary 35%; }
    """

    filter_text: reactive[str] = reactive("")

    class Moved(Message):
        """The user moved the cursor; `at_end` when it is on the newest entry."""

        def __init__(self, at_end: bool) -> None:
            super().__init__()
            self.at_end = at_end

    def __init__(self, *, cap: int, colours: Colours, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cap = cap
        self.colours = colours
        self._seq0 = 1
        """The timeline seq of the first entry held."""
        self._jobs: list[str] = []
        self._records: list[EventRecord] = []
        self._shown: list[int] | None = None
        """With a filter, the positions (in the held columns) of the entries matching it."""
        self._cache: dict[int, Content] = {}
        self.name_width = 8
        self.follow = True

    def set_columns(self, first: int, jobs: list[str], records: list[EventRecord]) -> None:
        """Show these entries (`Timeline.columns_since`) instead of those held."""
        self._jobs, self._records, self._seq0 = [], [], first
        self.append_columns(first, jobs, records)
        self._rebuild()

    def append_columns(self, first: int, jobs: list[str], records: list[EventRecord]) -> None:
        """Add newer entries (one batch per flush, as columns: no object per entry); trims the oldest
        beyond the cap. A batch that does not follow on (older ones fell out of the timeline) starts over."""
        if not records:
            return
        if first != self._seq0 + len(self._records):
            self._jobs, self._records, self._seq0 = [], [], first
            self._shown = [] if self._shown is not None else None
        at = len(self._records)
        self._jobs.extend(jobs)
        self._records.extend(records)
        self._widen(jobs)
        if self._shown is not None:
            needle = self.filter_text.lower()
            self._shown.extend(k for k in range(at, len(self._records)) if self._matches(k, needle))
        if len(self._records) > self.cap * 5 // 4:  # trim in one go, not on every append
            self._trim(len(self._records) - self.cap)
        self._after_change()

    def _trim(self, drop: int) -> None:
        del self._jobs[:drop], self._records[:drop]
        self._seq0 += drop
        gone = drop
        if self._shown is not None:
            gone = bisect_left(self._shown, drop)
            self._shown = [k - drop for k in self._shown[gone:]]
        self.cursor = max(0, self.cursor - gone) if self.item_count else -1
        self._cache.clear()

    def _matches(self, k: int, needle: str) -> bool:
        return matches(self._jobs[k], self._records[k], needle)

    def _widen(self, jobs: list[str]) -> None:
        width = max(map(len, set(jobs)), default=0)
        if width > self.name_width:
            self.name_width = min(NAME_MAX, width)
            self._cache.clear()

    def _rebuild(self) -> None:
        needle = self.filter_text.lower()
        self._shown = [k for k in range(len(self._records)) if self._matches(k, needle)] if needle else None
        self._after_change()

    def _after_change(self) -> None:
        count = self.item_count
        self.virtual_size = Size(0, count)
        if self.follow or self.cursor >= count:
            self.cursor = count - 1
        if self.follow:
            self.scroll_end(animate=False, immediate=False, x_axis=False)
        if len(self._cache) > ROW_CACHE:
            self._cache.clear()
        self.refresh()

    def watch_filter_text(self) -> None:
        self._rebuild()

    def entry(self, index: int) -> TimelineEntry:
        """The entry shown at `index` (0 <= index < item_count)."""
        k = index if self._shown is None else self._shown[index]
        return TimelineEntry(self._seq0 + k, self._jobs[k], self._records[k])

    @property
    def entries(self) -> list[TimelineEntry]:
        """The entries shown (those matching the filter), oldest first."""
        return [self.entry(i) for i in range(self.item_count)]

    def line(self, entry: TimelineEntry, *, cursor: bool = False) -> Content:
        """One row: the job name in its colour (plain bold on the cursor row, whose background could be
        that colour in 16 colours), then the event (a notice or an alert in the error colour)."""
        cached = None if cursor else self._cache.get(entry.seq)
        if cached is not None:
            return cached
        name = sanitize(entry.job, self.name_width).ljust(self.name_width)
        record = entry.record
        style = "bold" if cursor else JOB_STYLES[self.colours.of(entry.job) % len(JOB_STYLES)]
        parts: list[str | tuple[str, str]] = [(name, style), " "]
        if record.alert:
            parts += [(alert_marked(record, event_text(entry)), "bold $error")]
        elif record.notice:
            parts += [(event_text(entry), "bold $error")]
        else:
            parts.append(event_text(entry))
        content = Content.assemble(*parts)
        if not cursor:
            self._cache[entry.seq] = content
        return content

    @property
    def selected(self) -> TimelineEntry | None:
        return self.entry(self.cursor) if 0 <= self.cursor < self.item_count else None

    def find(self, start: int, step: int, needle: str) -> int | None:
        """The index of the next entry from `start` (exclusive) in direction `step` whose job, type or data
        holds lower-cased `needle`, or, without a needle, that matched an alert; wraps around once."""
        count = self.item_count
        for offset in range(1, count + 1):
            index = (start + step * offset) % count
            k = index if self._shown is None else self._shown[index]
            if self._matches(k, needle) if needle else self._records[k].alert:
                return index
        return None

    @property
    def item_count(self) -> int:
        return len(self._records) if self._shown is None else len(self._shown)

    @property
    def row_count(self) -> int:
        return self.item_count

    def row(self, row: int) -> tuple[int, Content]:
        return row, self.line(self.entry(row), cursor=row == self.cursor)

    def rows_of(self, index: int) -> tuple[int, int]:
        return index, index

    def cursor_moved(self, old: int, new: int) -> None:
        self.post_message(self.Moved(new == self.item_count - 1))
