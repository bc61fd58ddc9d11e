"""Modal screens: the help screen, an event's pretty JSON, and the "add source" prompt."""

from __future__ import annotations

import json
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from jobwatch.model import EventRecord
from jobwatch.textsafe import sanitize
from jobwatch.ui.format import clipboard_text

HELP_KEYS: list[tuple[str, str]] = [
    ("Dashboard", ""),
    ("↑/↓ j/k, tab", "select a job"),
    ("enter", "open the selected job's detail view"),
    ("p, space", "pause / resume the selected job's stream"),
    ("r", "reconnect now (restart a finished job)"),
    ("e", "export the job's buffered events to a JSONL file"),
    ("ctrl+p", "palette: jump to job, pause, reconnect, add source, export, theme"),
    ("?, f1", "this help"),
    ("q", "quit (saves resume cursors)"),
    ("Detail view", ""),
    ("f", "follow new events / hold still (a badge counts new events)"),
    ("/", "live filter (enter keeps it, escape clears it)"),
    ("t / w", "timestamps / wrap long lines"),
    ("↑/↓ enter", "select an event / show it as pretty JSON"),
    ("c", "copy event (OSC 52), control chars but newline/tab escaped"),
    ("escape", "back to the dashboard"),
]

HELP_FIELDS: list[tuple[str, str]] = [
    ("state", "connecting live reconnecting stale polling completed failed paused"),
    ("hb 12s", "heartbeat age: time since the last byte or ping (- once finished)"),
    ("retries 2 (9)", "failed attempts since the last good connection (total reconnects)"),
    ("id 1234", "last event id: where the stream resumes"),
    ("▁▃▅█", "events per second, last 10 seconds"),
    ("status", "the job's own status ({\"status\": ...} events), then the last error"),
]


class HelpScreen(ModalScreen[None]):
    """Keys and what each header field means."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        lines: list[str | tuple[str, str]] = []
        for key, what in HELP_KEYS:
            if not what:
                lines += [(f"{key}\n", "bold $primary")]
            else:
                lines += [(f"  {key:<14}", "bold $accent"), f"{what}\n"]
        lines += [("Header fields\n", "bold $primary")]
        for key, what in HELP_FIELDS:
            lines += [(f"  {key:<14}", "bold $accent"), f"{what}\n"]
        with VerticalScroll(id="help-box"):
            yield Static(Content("jobwatch — help  (esc closes)").stylize("bold"), id="help-title")
            yield Static(Content.assemble(*lines).rstrip(), id="help-text")


class EventScreen(ModalScreen[None]):
    """One event in full: pretty-printed when its data is JSON, with control characters escaped."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss", "Close"),
        Binding("c", "copy", "Copy"),
    ]

    def __init__(self, job: str, record: EventRecord) -> None:
        super().__init__()
        self.job = job
        self.record = record

    @staticmethod
    def pretty(data: str) -> str:
        """Pretty JSON when `data` parses as JSON, else the data as is; each line made safe."""
        try:
            text = json.dumps(json.loads(data), indent=2, ensure_ascii=False)
        except ValueError:
            text = data
        return "\n".join(sanitize(line) for line in text.split("\n"))

    def compose(self) -> ComposeResult:
        r = self.record
        what = "notice" if r.notice else sanitize(r.type, 40)
        title = f"{sanitize(self.job, 60)} · {what} · id {sanitize(r.id, 40) or '-'}"
        with Vertical(id="event-box"):
            yield Label(Content(title), id="event-title")
            with VerticalScroll():
                yield Static(Content(self.pretty(r.data)), id="event-json")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(clipboard_text(self.record.data))
        self.app.notify("event copied to the clipboard", markup=False)


class AddSourceScreen(ModalScreen[str | None]):
    """Ask for a source, `URL` or `NAME=URL`; dismisses with the text or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="add-box"):
            yield Label("Add a source: URL or NAME=URL (enter adds, escape cancels)")
            yield Input(placeholder="deploy=https://ci.example/jobs/1/events", id="add-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
