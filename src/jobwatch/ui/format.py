"""Turn job models into safe, styled text: header lines, summary counts, event lines, ages, sparklines.

Every piece of job text goes through `sanitize` (and errors/URLs through the redactor) here, so widgets
only ever receive plain, inert text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.content import Content

from jobwatch.clocktext import clock_time
from jobwatch.model import EventRecord, JobModel, JobState
from jobwatch.textsafe import sanitize

Redactor = Callable[[str], str]

PANEL_LINE_MAX = 240
"""Event lines in panels are cut here (the detail view shows them in full)."""
NOTICE_MARK = "!"
"""Starts a notice's line (besides its error colour), so it stands out in 16 colours and NO_COLOR too."""

SPARK_CHARS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 10

STATE_STYLE: dict[JobState, str] = {
    JobState.LIVE: "bold $success",
    JobState.CONNECTING: "bold $primary",
    JobState.RECONNECTING: "bold $warning",
    JobState.STALE: "bold reverse $warning",
    JobState.POLLING: "bold $secondary",
    JobState.COMPLETED: "$foreground 70%",
    JobState.FAILED: "bold reverse $error",
    JobState.PAUSED: "italic $secondary",
}

_WATCHED = frozenset({JobState.LIVE, JobState.STALE})
"""States in which the heartbeat age matters (a finished job's age is history, not a warning)."""
_NOT_LISTENING = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.PAUSED})
"""States in which nothing listens to the stream, so a heartbeat age would only grow."""
_FINAL_JOB_STATUS = frozenset(
    {"succeeded", "failed", "cancelled", "canceled", "completed", "success", "error"}
)
"""Job statuses that stay true after the stream failed (the job's own outcome)."""
_TROUBLE = frozenset({JobState.FAILED, JobState.RECONNECTING, JobState.STALE})

JOB_STATUS_STYLE: dict[str, str] = {
    "succeeded": "$success",
    "success": "$success",
    "running": "$primary",
    "failed": "bold $error",
    "error": "bold $error",
    "cancelled": "$warning",
    "queued": "$foreground 70%",
}


def format_age(seconds: float | None) -> str:
    """A compact age: "-", "7s", "12m", "3h", "2d" (at most 3 characters up to 99 days)."""
    if seconds is None:
        return "-"
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h"
    return f"{s // 86400}d"


def sparkline(counts: Sequence[int], width: int = SPARK_WIDTH) -> str:
    """Counts per second as block characters scaled to their maximum; zero is the lowest block."""
    counts = list(counts)[-width:]
    counts = [0] * (width - len(counts)) + counts
    peak = max(counts)
    if peak <= 0:
        return SPARK_CHARS[0] * width
    top = len(SPARK_CHARS) - 1
    return "".join(SPARK_CHARS[0] if c <= 0 else SPARK_CHARS[max(1, round(c / peak * top))] for c in counts)


@dataclass(frozen=True, slots=True)
class HeaderFields:
    """The header fields of one job as plain, safe strings, in order of importance."""

    name: str
    state: JobState
    hb: str
    retries: str
    id: str
    spark: str
    status: str
    error: str
    hb_late: bool
    retrying: bool
    alerts: str = ""
    """`alerts 3` once an alert rule matched the job (model/alerts.py), else empty."""

    @classmethod
    def of(cls, job: JobModel, now: float, redact: Redactor = str) -> HeaderFields:
        """Only what is true now: no heartbeat age once nothing is listening (a finished or paused job),
        and no job status a failed stream can no longer vouch for ("running" on a failed job)."""
        state = job.state(now)
        age = None if state in _NOT_LISTENING else job.heartbeat_age(now)
        retries = f"retries {job.attempts}"
        if job.reconnects:
            retries += f" ({job.reconnects})"
        error = job.status.last_error or ""
        status = job.job_status or ""
        if state is JobState.FAILED and status not in _FINAL_JOB_STATUS:
            status = ""
        return cls(
            name=sanitize(job.name, 40),
            state=state,
            hb=f"hb {format_age(age):<3}",
            retries=retries,
            id=f"id {sanitize(job.last_event_id, 16) or '-'}",
            spark=sparkline(job.rate_series(now)),
            status=sanitize(status, 16),
            error=sanitize(redact(error), 300) if error else "",
            hb_late=age is not None and age > job.stale_after and state in _WATCHED,
            retrying=job.attempts > 0,
            alerts=f"alerts {job.alerts}" if job.alerts else "",
        )


@dataclass(frozen=True, slots=True)
class Widths:
    """Column widths so that header lines of many jobs line up in a list."""

    name: int = 0
    retries: int = 0
    id: int = 0
    status: int = 0
    alerts: int = 0

    @classmethod
    def of(cls, fields: Sequence[HeaderFields], name_max: int = 22) -> Widths:
        if not fields:
            return cls()
        return cls(
            name=min(name_max, max(len(f.name) for f in fields)),
            retries=max(len(f.retries) for f in fields),
            id=max(len(f.id) for f in fields),
            status=max(len(f.status) for f in fields),
            alerts=max(len(f.alerts) for f in fields),
        )


def header_line(f: HeaderFields, widths: Widths | None = None, *, error: bool = True) -> Content:
    """One line: name, state, hb age, retries (total reconnects), id, sparkline, job status, error."""
    w = widths or Widths()
    name = f.name if len(f.name) <= max(w.name, 1) or not w.name else sanitize(f.name, w.name)
    parts: list[str | tuple[str, str]] = [
        (name.ljust(w.name), "bold"),
        " ",
        (f.state.value.ljust(12), STATE_STYLE[f.state]),
        " ",
        *_alert_badge(f.alerts, w.alerts),
        (f.hb, "$warning" if f.hb_late else ""),
        " ",
        (f.retries.ljust(w.retries), "bold $warning" if f.retrying else "$foreground 70%"),
        " ",
        (f.id.ljust(w.id), "$foreground 70%"),
        " ",
        (f.spark, "$accent"),
    ]
    if f.status or w.status:
        style = JOB_STATUS_STYLE.get(f.status.lower(), "$secondary")
        parts += [" ", (f.status.ljust(w.status), style)]
    if error and f.error:
        # An error on a job that is still running fine (a retryable job `error` event) is news, not alarm.
        parts += [" ", (f.error, "$error" if f.state in _TROUBLE else "$warning 80%")]
    return Content.assemble(*parts)


def _alert_badge(alerts: str, width: int) -> list[str | tuple[str, str]]:
    """The `alerts N` badge and its column (blank in rows without alerts, so columns line up)."""
    if not (alerts or width):
        return []
    return [(alerts, "bold reverse $error"), " " * max(1, width - len(alerts) + 1)]


def detail_line(job: JobModel, now: float, redact: Redactor = str) -> Content:
    """The second header line of a panel: job status, rate, totals and the last error in full."""
    rate = job.rate.rate(now)
    parts: list[str | tuple[str, str]] = []
    if job.job_status:
        status = sanitize(job.job_status, 24)
        parts += [("status ", "$foreground 70%"), (status, JOB_STATUS_STYLE.get(status, "$secondary"))]
        parts.append("  ")
    parts += [(f"{rate:.1f} ev/s  {job.received} events", "$foreground 70%")]
    if job.status.status_code is not None:
        parts.append((f"  HTTP {job.status.status_code}", "$foreground 70%"))
    if job.status.last_error:
        parts += ["  ", ("error: " + sanitize(redact(job.status.last_error), 400), "bold $error")]
    elif job.status.detail and job.status.state.is_final:
        parts += ["  ", (sanitize(job.status.detail, 120), "$foreground 70%")]
    return Content.assemble(*parts)


def summary_line(
    counts: dict[JobState, int], width: int, title: str = "jobwatch", alert: str | None = None
) -> Content:
    """Jobs per state, most urgent first; zero counts dimmed, dropped first when space is short.
    An `alert` (e.g. TLS verification off) always comes first and is never dropped."""
    total = sum(counts.values())

    def build(with_zero: bool, with_title: bool) -> Content:
        parts: list[str | tuple[str, str]] = []
        if alert:
            parts += [(f" {alert} ", "bold reverse $error"), " "]
        if with_title:
            parts += [(title, "bold $primary"), " │ "]
        parts += [(f"{total} jobs", "bold"), " │"]
        for state, n in counts.items():
            if n or (with_zero and state is not JobState.POLLING):  # polling is rare: shown when present
                style = STATE_STYLE[state] if n else "$foreground 50%"
                parts += [" ", (state.value, style), (f" {n}", "bold" if n else "$foreground 50%")]
        return Content.assemble(*parts)

    for with_zero, with_title in ((True, True), (True, False), (False, False)):
        line = build(with_zero, with_title)
        if line.cell_length <= width:
            return line
    return line.truncate(width, ellipsis=True)


def panel_event_line(record: EventRecord) -> str:
    """One event (or notice) as a plain, safe, truncated line for a panel's log."""
    if record.notice:
        return notice_text(record, PANEL_LINE_MAX)
    return sanitize(f"{record.type:<8} {record.data}", PANEL_LINE_MAX)


ALERT_MARK = "▲"
"""Leads the line of an event that matched an alert rule (with the error colour, so it stands out in 16
colours and with NO_COLOR too)."""


def alert_marked(record: EventRecord, line: str) -> str:
    """`line` led by the alert mark when `record` matched an alert rule."""
    return f"{ALERT_MARK} {line}" if record.alert else line


def notice_text(record: EventRecord, max_len: int | None = None, *, with_time: bool = True) -> str:
    """A notice as the error line the views show: `! HH:MM:SS.mmm <message>`, escaped."""
    when = f"{clock_time(record.wall)} " if with_time else ""
    return sanitize(f"{NOTICE_MARK} {when}{record.data}", max_len)


def clipboard_text(data: str) -> str:
    """`data` for the clipboard: newlines and tabs kept, every other control character escaped, so pasting
    it into a shell or an editor can never run an escape sequence."""
    return "\n".join("\t".join(map(sanitize, line.split("\t"))) for line in data.split("\n"))
