"""Dashboard widgets: the summary bar, a job's header, a job panel (header + recent events) and the
compact job list. They render from the model when the app tells them to; they never touch streams."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from rich.segment import Segment
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.widgets import Log, Static

from jobwatch.model import JobModel
from jobwatch.ui.format import (
    HeaderFields,
    Redactor,
    Widths,
    detail_line,
    header_line,
    panel_event_line,
)
from jobwatch.ui.lines import content_strip


class SummaryBar(Static):
    """One line counting jobs per state; updated only when the text changes."""

    def set_content(self, content: Content) -> None:
        if not content.is_same(self.visual):  # type: ignore[arg-type]
            self.update(content, layout=False)


class JobHeader(Static):
    """Two lines for one job: the header line (item 3 fields) and status/rate/error details."""

    def show(self, job: JobModel, now: float, redact: Redactor) -> None:
        fields = HeaderFields.of(job, now, redact)
        content = Content("\n").join([header_line(fields, error=False), detail_line(job, now, redact)])
        if not content.is_same(self.visual):  # type: ignore[arg-type]
            self.update(content, layout=False)


class EventLog(Log):
    """A `Log` of event lines that shows notice lines in the error colour and stays at the newest line
    when its height changes (layout settles after writes)."""

    COMPONENT_CLASSES = {"event-log--notice"}
    DEFAULT_CSS = "EventLog > .event-log--notice { color: $error; text-style: bold; }"

    def __init__(self, *, max_lines: int, classes: str | None = None) -> None:
        super().__init__(max_lines=max_lines, highlight=False, auto_scroll=True, classes=classes)
        self.written = 0
        """Lines written since the last clear; line i of `lines` is line `written - len(lines) + i`."""
        self.notices: set[int] = set()
        """Which of the written lines are notices (by that count), so no event text can pose as one."""

    def write_batch(self, lines: list[str], notices: list[int]) -> None:
        """Append `lines`; `notices` are the positions in `lines` of notice lines."""
        first = self.written
        self.written += len(lines)
        if notices or self.notices:
            kept_from = self.written - (self.max_lines or self.written)
            self.notices = {i for i in self.notices if i >= kept_from}
            self.notices.update(first + i for i in notices)
        self.write_lines(lines)

    def clear(self) -> Self:
        self.written = 0
        self.notices.clear()
        return super().clear()

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self.notices and self.written - len(self.lines) + self.scroll_offset.y + y in self.notices:
            style = self.get_component_rich_style("event-log--notice")
            strip = Strip(list(Segment.apply_style(strip, post_style=style)), strip.cell_length)
        return strip

    def on_resize(self) -> None:
        if self.auto_scroll:
            self.scroll_end(animate=False, immediate=False, x_axis=False)


class JobPanel(Vertical, can_focus=True):
    """A job's header over its most recent events (a `Log` fed in batches, never per event)."""

    class Selected(Message):
        """The panel was focused or clicked: make its job the selected one."""

        def __init__(self, job: str) -> None:
            super().__init__()
            self.job = job

    def __init__(self, job: str, *, max_lines: int, id: str | None = None) -> None:
        super().__init__(id=id, classes="job-panel")
        self.job = job
        self.max_lines = max_lines
        self.shown_seq = 0

    def compose(self):  # type: ignore[no-untyped-def]
        yield JobHeader(classes="job-header")
        yield EventLog(max_lines=self.max_lines, classes="job-log")

    def show(self, job: JobModel | None, now: float, redact: Redactor) -> None:
        """Bring header and log up to date with `job` (a different job resets the log)."""
        if not self.is_mounted or not self.children:
            return  # composed on the next frame; the flush after it catches up
        log = self.query_one(EventLog)
        if job is None:
            self.query_one(JobHeader).update("no job selected", layout=False)
            log.clear()
            self.shown_seq = 0
            return
        if job.name != self.job:
            self.job = job.name
            self.shown_seq = 0
            log.clear()
        self.query_one(JobHeader).show(job, now, redact)
        records = job.events_since(self.shown_seq)
        if records:
            if records[0].seq > self.shown_seq + 1 and self.shown_seq:
                log.clear()  # older lines fell out of the buffer: show what is left, in order
            records = records[-self.max_lines :]
            notices = [i for i, r in enumerate(records) if r.notice]
            log.write_batch([panel_event_line(r) for r in records], notices)
            self.shown_seq = records[-1].seq

    def on_focus(self) -> None:
        self.post_message(self.Selected(self.job))

    def on_click(self, event: Click) -> None:
        self.post_message(self.Selected(self.job))


class JobList(ScrollView, can_focus=True):
    """The compact list: one aligned header line per job, a cursor row, mouse optional."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("home", "cursor_to(0)", "First", show=False),
        Binding("end", "cursor_to(-1)", "Last", show=False),
    ]
    COMPONENT_CLASSES = {"job-list--cursor"}
    DEFAULT_CSS = """
    JobList > .job-list--cursor { background: $boost; text-style: bold; }
    JobList:focus > .job-list--cursor { background: $primary 40%; }
    """

    cursor: reactive[int] = reactive(0)

    class Highlighted(Message):
        """The cursor moved to another job."""

        def __init__(self, job: str) -> None:
            super().__init__()
            self.job = job

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names: list[str] = []
        self._rows: list[Content] = []

    def set_rows(self, jobs: list[JobModel], now: float, redact: Redactor) -> None:
        fields = [HeaderFields.of(job, now, redact) for job in jobs]
        widths = Widths.of(fields)
        rows = [header_line(f, widths) for f in fields]
        names = [job.name for job in jobs]
        changed = names != self.names or any(
            not a.is_same(b) for a, b in zip(rows, self._rows, strict=False)
        )
        if not changed and len(rows) == len(self._rows):
            return
        self.names, self._rows = names, rows
        width = max((row.cell_length for row in rows), default=0)
        self.virtual_size = Size(width, len(rows))
        if self.cursor >= len(rows):
            self.cursor = max(0, len(rows) - 1)
        self.refresh()

    @property
    def selected(self) -> str | None:
        return self.names[self.cursor] if 0 <= self.cursor < len(self.names) else None

    def select(self, job: str) -> None:
        if job in self.names:
            self.cursor = self.names.index(job)

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region_row(new)
        self.refresh()
        if (job := self.selected) is not None and old != new:
            self.post_message(self.Highlighted(job))

    def scroll_to_region_row(self, row: int) -> None:
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif height and row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    def action_cursor(self, delta: int) -> None:
        if self.names:
            self.cursor = max(0, min(len(self.names) - 1, self.cursor + delta))

    def action_cursor_to(self, index: int) -> None:
        if self.names:
            self.cursor = index % len(self.names)

    def on_click(self, event: Click) -> None:
        row = event.y + self.scroll_offset.y
        if 0 <= row < len(self.names):
            self.cursor = row

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        if row >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        extra: Style | None = None
        if row == self.cursor:
            extra = Style.from_rich_style(self.get_component_rich_style("job-list--cursor"))
        return content_strip(self, self._rows[row], width, scroll_x, extra)


def redactor_or_identity(redactor: Callable[[str], str] | None) -> Redactor:
    return redactor if redactor is not None else str
