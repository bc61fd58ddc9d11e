"""One base for the line-API lists with a cursor (the job list and a job's event list): the keys, the
clamped cursor kept in view, clicks, and rendering only the visible rows with the cursor row styled."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Click
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

from jobwatch.ui.widgets.lines import content_strip


class CursorList(ScrollView, can_focus=True):
    """Items shown as rows (an item may take several rows); `cursor` is the selected item's index."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
    ]
    CURSOR_CLASS: ClassVar[str] = ""
    """The component class that styles the cursor row."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cursor = -1

    # -- what a subclass provides -------------------------------------------------------------------

    @property
    def item_count(self) -> int:
        raise NotImplementedError

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def row(self, row: int) -> tuple[int, Content]:
        """The item index and the text of screen row `row` (0 <= row < row_count)."""
        raise NotImplementedError

    def rows_of(self, index: int) -> tuple[int, int]:
        """The first and last screen row of item `index`."""
        raise NotImplementedError

    def cursor_moved(self, old: int, new: int) -> None:
        """Called after the cursor was set (also when it stayed where it was)."""

    # -- the cursor ---------------------------------------------------------------------------------

    def set_cursor(self, index: int) -> None:
        """Move the cursor to item `index` (clamped), scroll it into view and repaint."""
        if not self.item_count:
            return
        old, self.cursor = self.cursor, max(0, min(self.item_count - 1, index))
        first, last = self.rows_of(self.cursor)
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif height and last >= top + height:
            self.scroll_to(y=max(first, last - height + 1), animate=False)
        self.refresh()
        self.cursor_moved(old, self.cursor)

    def action_move(self, delta: int) -> None:
        self.set_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.set_cursor(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.set_cursor(0)

    def action_last(self) -> None:
        self.set_cursor(self.item_count - 1)

    def on_click(self, event: Click) -> None:
        row = event.y + self.scroll_offset.y
        if 0 <= row < self.row_count:
            self.set_cursor(self.row(row)[0])

    # -- rendering ----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        if row >= self.row_count:
            return Strip.blank(width, self.rich_style)
        index, content = self.row(row)
        extra: Style | None = None
        if index == self.cursor:
            extra = Style.from_rich_style(self.get_component_rich_style(self.CURSOR_CLASS))
        return content_strip(self, content, width, scroll_x, extra)
