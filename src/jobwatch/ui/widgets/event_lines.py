"""The detail view's event list: a virtual (line-API) view of one job's events with a cursor row,
optional timestamps, soft wrap and a live filter. Only visible rows are rendered."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.content import Content
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive

from jobwatch.clocktext import clock_time
from jobwatch.model import EventRecord
from jobwatch.textsafe import sanitize
from jobwatch.ui.format import ALERT_MARK, notice_text
from jobwatch.ui.widgets.cursor_list import CursorList


class EventLines(CursorList):
    """Events of one job, newest last. `follow` keeps the last event in view and under the cursor."""

    CURSOR_CLASS = "event-lines--cursor"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"event-lines--cursor", "event-lines--match"}
    DEFAULT_CSS = """
    EventLines > .event-lines--cursor { background: $boost; }
    EventLines:focus > .event-lines--cursor { background: $primary 35%; }
    """

    timestamps: reactive[bool] = reactive(False)
    wrap: reactive[bool] = reactive(False)
    filter_text: reactive[str] = reactive("")

    class Moved(Message):
        """The user moved the cursor (a request to stop following when it left the last event)."""

        def __init__(self, at_end: bool) -> None:
            super().__init__()
            self.at_end = at_end

    def __init__(self, *, cap: int = 2000, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cap = cap
        self.records: list[EventRecord] = []
        """The events matching the filter, oldest first."""
        self._all: list[EventRecord] = []
        self._rows: list[tuple[int, Content]] = []
        """(record index, one screen row of text)."""
        self._first_row: list[int] = []
        self.follow = True

    # -- data ---------------------------------------------------------------------------------------

    def set_records(self, records: Iterable[EventRecord]) -> None:
        self._all = list(records)[-self.cap :]
        self._rebuild()

    def append(self, records: list[EventRecord]) -> None:
        """Add newer events (one batch per flush); trims the oldest beyond the cap."""
        if not records:
            return
        self._all.extend(records)
        if len(self._all) > self.cap * 5 // 4:
            self._all = self._all[-self.cap :]
            self._rebuild()
            return
        matching = [r for r in records if self._matches(r)]
        if matching:
            start = len(self.records)
            self.records.extend(matching)
            self._add_rows(start, matching)
            self._after_change()

    def _matches(self, record: EventRecord) -> bool:
        needle = self.filter_text.lower()
        return not needle or needle in record.type.lower() or needle in record.data.lower()

    def _rebuild(self) -> None:
        self.records = [r for r in self._all if self._matches(r)]
        self._rows, self._first_row = [], []
        self._add_rows(0, self.records)
        self._after_change()

    def _prefix(self, record: EventRecord) -> list[str | tuple[str, str]]:
        parts: list[str | tuple[str, str]] = []
        if self.timestamps:
            parts += [(clock_time(record.wall), "$foreground 60%"), " "]
        if record.alert:
            parts += [(ALERT_MARK, "bold $error"), " "]
        return [*parts, (sanitize(record.type, 40).ljust(8), "bold $accent"), " "]

    def _line(self, record: EventRecord) -> Content:
        """One row: the data's line breaks shown escaped like every control character."""
        if record.notice:
            return self._notice_line(record)
        data = sanitize(record.data)
        return Content.assemble(*self._prefix(record), (data, "bold $error") if record.alert else data)

    def _notice_line(self, record: EventRecord) -> Content:
        """A notice in the error colour, with its time (once, when the timestamp column is off)."""
        text = notice_text(record, with_time=not self.timestamps)
        if self.timestamps:
            return Content.assemble((clock_time(record.wall), "$foreground 60%"), " ", (text, "bold $error"))
        return Content.assemble((text, "bold $error"))

    def _wrapped_lines(self, record: EventRecord) -> list[Content]:
        """With wrap on: one line per line of data (each escaped), continuations under the data column."""
        if record.notice:
            return [self._notice_line(record)]
        first, *rest = record.data.split("\n")
        prefix = Content.assemble(*self._prefix(record))
        indent = " " * prefix.cell_length
        return [prefix + sanitize(first), *(Content(indent + sanitize(line)) for line in rest)]

    def _add_rows(self, start: int, records: list[EventRecord]) -> None:
        width = max(self.scrollable_content_region.width, 10)
        rows = self._rows
        for index, record in enumerate(records, start):
            self._first_row.append(len(rows))
            if not self.wrap:
                rows.append((index, self._line(record)))
                continue
            for line in self._wrapped_lines(record):
                if line.cell_length > width:
                    rows.extend((index, part) for part in line.fold(width))
                else:
                    rows.append((index, line))

    def _after_change(self) -> None:
        width = max((row.cell_length for _, row in self._rows[-500:]), default=0)
        width = max(width, self.virtual_size.width if self._rows else 0)
        self.virtual_size = Size(0 if self.wrap else width, len(self._rows))
        if self.follow or self.cursor >= len(self.records):
            self.cursor = len(self.records) - 1
        if self.follow:
            self.scroll_end(animate=False, immediate=False, x_axis=False)
        self.refresh()

    def watch_timestamps(self) -> None:
        self._rebuild()

    def watch_wrap(self) -> None:
        self.virtual_size = Size(0, 0)
        self._rebuild()

    def watch_filter_text(self) -> None:
        self._rebuild()

    def on_resize(self, event: Resize) -> None:
        if self.wrap:
            self._rebuild()

    @property
    def selected(self) -> EventRecord | None:
        return self.records[self.cursor] if 0 <= self.cursor < len(self.records) else None

    @property
    def item_count(self) -> int:
        return len(self.records)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def row(self, row: int) -> tuple[int, Content]:
        return self._rows[row]

    def rows_of(self, index: int) -> tuple[int, int]:
        first = self._first_row[index]
        last = self._first_row[index + 1] - 1 if index + 1 < len(self._first_row) else len(self._rows) - 1
        return first, last

    def cursor_moved(self, old: int, new: int) -> None:
        self.post_message(self.Moved(new == len(self.records) - 1))
