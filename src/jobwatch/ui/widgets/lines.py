"""A helper to render styled `Content` into a line-API `Strip` with theme variables resolved."""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget


def content_strip(
    widget: Widget, content: Content, width: int, scroll_x: int = 0, extra: Style | None = None
) -> Strip:
    """Render one line of `content` for `widget`, cropped/padded to `width` from column `scroll_x`."""
    base = widget.visual_style
    if extra is not None:
        base = base + extra
    parse = widget.app.stylesheet.parse_style
    segments = [
        Segment(text, style.rich_style)
        for text, style in content.render(base, end="", parse_style=parse)
    ]
    strip = Strip(segments, content.cell_length)
    return strip.crop_extend(scroll_x, scroll_x + width, base.rich_style)
