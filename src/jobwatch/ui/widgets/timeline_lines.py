"""The timeline's list: every job's events interleaved by arrival, one row each, led by the job's name in
its stable colour; a live filter across jobs. Rows are built only when drawn (visible rows only), and the
list is bounded like the model's timeline."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import ClassVar

from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive

from jobwatch.jobcolours import Colours
from jobwatch.model.timeline import TimelineEntry, entry_matches
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
        self.entries: list[TimelineEntry] = []
        """The entries matching the filter, oldest first."""
        self._all: list[TimelineEntry] = []
        self._cache: dict[int, Content] = {}
        self.name_width = 8
        self.follow = True

    def set_entries(self, entries: Iterable[TimelineEntry]) -> None:
        self._all = list(entries)[-self.cap :]
        self._rebuild()

    def append(self, entries: list[TimelineEntry]) -> None:
        """Add newer entries (one batch per flush); trims the oldest beyond the cap."""
        if not entries:
            return
        self._all.extend(entries)
        self._widen(entries)
        needle = self.filter_text.lower()
        self.entries.extend([e for e in entries if entry_matches(e, needle)] if needle else entries)
        if len(self._all) > self.cap * 5 // 4:  # trim both lists in one go, not on every append
            self._all = self._all[-self.cap :]
            dropped = bisect_left(self.entries, self._all[0].seq, key=lambda e: e.seq)
            del self.entries[:dropped]
            self.cursor = max(0, self.cursor - dropped) if self.entries else -1
        self._after_change()

    def _widen(self, entries: Iterable[TimelineEntry]) -> None:
        width = max((len(e.job) for e in entries), default=0)
        if width > self.name_width:
            self.name_width = min(NAME_MAX, width)
            self._cache.clear()

    def _rebuild(self) -> None:
        needle = self.filter_text.lower()
        self._widen(self._all)
        self.entries = [e for e in self._all if entry_matches(e, needle)]
        self._after_change()

    def _after_change(self) -> None:
        self.virtual_size = Size(0, len(self.entries))
        if self.follow or self.cursor >= len(self.entries):
            self.cursor = len(self.entries) - 1
        if self.follow:
            self.scroll_end(animate=False, immediate=False, x_axis=False)
        if len(self._cache) > ROW_CACHE:
            self._cache.clear()
        self.refresh()

    def watch_filter_text(self) -> None:
        self._rebuild()

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
        return self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None

    def find(self, start: int, step: int, needle: str) -> int | None:
        """The index of the next entry from `start` (exclusive) in direction `step` whose job, type or data
        holds lower-cased `needle`, or, without a needle, that matched an alert; wraps around once."""
        count = len(self.entries)
        for offset in range(1, count + 1):
            index = (start + step * offset) % count
            entry = self.entries[index]
            if entry_matches(entry, needle) if needle else entry.record.alert:
                return index
        return None

    @property
    def item_count(self) -> int:
        return len(self.entries)

    @property
    def row_count(self) -> int:
        return len(self.entries)

    def row(self, row: int) -> tuple[int, Content]:
        return row, self.line(self.entries[row], cursor=row == self.cursor)

    def rows_of(self, index: int) -> tuple[int, int]:
        return index, index

    def cursor_moved(self, old: int, new: int) -> None:
        self.post_message(self.Moved(new == len(self.entries) - 1))
