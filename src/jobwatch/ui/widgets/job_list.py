"""The compact job list: one aligned header line per job, a cursor row, mouse optional."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.geometry import Size
from textual.message import Message

from jobwatch.model import JobModel
from jobwatch.ui.format import HeaderFields, Redactor, Widths, header_line
from jobwatch.ui.widgets.cursor_list import CursorList


class JobList(CursorList):
    """One row per job; moving the cursor to another job posts `Highlighted`."""

    CURSOR_CLASS = "job-list--cursor"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"job-list--cursor"}
    DEFAULT_CSS = """
    JobList > .job-list--cursor { background: $boost; text-style: bold; }
    JobList:focus > .job-list--cursor { background: $primary 40%; }
    """

    class Highlighted(Message):
        """The cursor moved to another job."""

        def __init__(self, job: str) -> None:
            super().__init__()
            self.job = job

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cursor = 0
        self.names: list[str] = []
        self._rows: list[Content] = []

    @property
    def item_count(self) -> int:
        return len(self.names)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def row(self, row: int) -> tuple[int, Content]:
        return row, self._rows[row]

    def rows_of(self, index: int) -> tuple[int, int]:
        return index, index

    def cursor_moved(self, old: int, new: int) -> None:
        if (job := self.selected) is not None and old != new:
            self.post_message(self.Highlighted(job))

    def set_rows(self, jobs: list[JobModel], now: float, redact: Redactor) -> None:
        """Show `jobs` in order; repaints only when a row changed."""
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
            if rows:
                self.set_cursor(len(rows) - 1)
            else:
                self.cursor = 0
        self.refresh()

    @property
    def selected(self) -> str | None:
        return self.names[self.cursor] if 0 <= self.cursor < len(self.names) else None

    def select(self, job: str) -> None:
        if job in self.names:
            self.set_cursor(self.names.index(job))
