"""Dashboard panels: the summary bar, a job's header and a job panel (header + recent events). They
render from the model when their screen tells them to; they never touch streams."""

from __future__ import annotations

from typing import Self

from rich.segment import Segment
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Log, Static

from jobwatch.model import JobModel
from jobwatch.ui.format import (
    HeaderFields,
    Redactor,
    alert_marked,
    detail_line,
    header_line,
    panel_event_line,
)


def update_if_changed(widget: Static, content: Content) -> None:
    """Repaint `widget` only when its text or styles change (a repaint is bytes sent over SSH)."""
    shown = widget.visual
    if not (isinstance(shown, Content) and content.is_same(shown)):
        widget.update(content, layout=False)


class SummaryBar(Static):
    """One line counting jobs per state; updated only when the text changes."""

    def set_content(self, content: Content) -> None:
        update_if_changed(self, content)


class JobHeader(Static):
    """Two lines for one job: the header line (item 3 fields) and status/rate/error details."""

    def show(self, job: JobModel, now: float, redact: Redactor) -> None:
        fields = HeaderFields.of(job, now, redact)
        content = Content("\n").join([header_line(fields, error=False), detail_line(job, now, redact)])
        update_if_changed(self, content)


class EventLog(Log, can_focus=False):
    """A `Log` of event lines that shows notice lines in the error colour and stays at the newest line
    when its height changes (layout settles after writes). Not focusable: focus (Tab) moves between jobs,
    and the panel that holds it is the selected job."""

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

    def compose(self) -> ComposeResult:
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
            notices = [i for i, r in enumerate(records) if r.notice or r.alert]
            log.write_batch([alert_marked(r, panel_event_line(r)) for r in records], notices)
            self.shown_seq = records[-1].seq

    def on_focus(self) -> None:
        self.post_message(self.Selected(self.job))

    def on_click(self, event: Click) -> None:
        self.post_message(self.Selected(self.job))
