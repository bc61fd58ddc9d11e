"""What the dashboard does when an alert rule rings: the bell, a toast, and with `--notify` a desktop
notification through the terminal (OSC 9 / OSC 777). Text is redacted and escaped before it is shown."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from jobwatch.model.alerts import Ring
from jobwatch.termnotify import notification
from jobwatch.textsafe import sanitize

TerminalWrite = Callable[[str], None]


def driver_write(app: App[int]) -> TerminalWrite:
    """Writes escape sequences through the app's driver, in order with its frames (Textual has no public
    call for it; its own `bell` and `copy_to_clipboard` write the same way)."""

    def write(sequence: str) -> None:
        driver = app._driver
        if driver is not None:
            driver.write(sequence)

    return write


def announce(
    app: App[int],
    ring: Ring,
    redact: Callable[[str], str],
    *,
    bell: bool,
    write: TerminalWrite | None,
) -> None:
    """Ring once for `ring`: the bell (unless off), a toast, and the notification when `write` is given."""
    if bell:
        app.bell()
    job, text = sanitize(ring.job, 60), sanitize(redact(ring.text), 200)
    app.notify(f"alert {sanitize(ring.rule, 40)}: {job}: {text}", severity="warning", markup=False, timeout=8)
    if write is not None:
        write(notification(f"jobwatch alert: {ring.rule}", f"{ring.job}: {ring.text}", redact))
