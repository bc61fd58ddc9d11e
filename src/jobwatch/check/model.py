"""The vocabulary of `jobwatch check`: verdicts, findings, thresholds, and how evidence is shown.

Every piece of evidence that comes from the server goes through `Show`, which masks secrets before it
cuts and escapes, so no secret survives truncation and no byte reaches the terminal raw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from jobwatch.textsafe import sanitize


class Verdict(StrEnum):
    """How a check came out; `skip` when the observation gave it nothing to look at."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Finding:
    """One check's result: what was seen (summary + evidence lines) and, unless ok, a one-line fix."""

    group: str
    name: str
    verdict: Verdict
    summary: str
    evidence: Sequence[str] = ()
    fix: str | None = None

    @property
    def key(self) -> str:
        return f"{self.group}.{self.name}"


def ok(group: str, name: str, summary: str, *evidence: str) -> Finding:
    """A passed check."""
    return Finding(group, name, Verdict.OK, summary, evidence)


def warn(group: str, name: str, summary: str, fix: str, *evidence: str) -> Finding:
    """A risky finding and its fix."""
    return Finding(group, name, Verdict.WARN, summary, evidence, fix)


def fail(group: str, name: str, summary: str, fix: str, *evidence: str) -> Finding:
    """A broken finding and its fix."""
    return Finding(group, name, Verdict.FAIL, summary, evidence, fix)


def skip(group: str, name: str, why: str) -> Finding:
    """A check with nothing to look at."""
    return Finding(group, name, Verdict.SKIP, f"not checked: {why}")


@dataclass(frozen=True)
class Thresholds:
    """Limits the checks compare against; the defaults are the real-world ones, tests shrink the times."""

    proxy_idle: tuple[float, float] = (30.0, 60.0)
    """Common idle timeouts of proxies and load balancers (GCP 30 s ... nginx, AWS ALB 60 s)."""
    heartbeat_timeout: float = 45.0
    """jobwatch's default --heartbeat-timeout."""
    ping_every: float = 15.0
    """WHATWG's advice: a comment every 15 seconds or so on an otherwise idle stream."""
    burst_gap: float = 2.0
    """A silence this long before a read ..."""
    burst_events: int = 10
    """... that brings at least this many events suggests a buffer between server and client."""
    read_window: float = 0.005
    """Pieces of body arriving within this many seconds of each other count as one read."""
    retry_range_ms: tuple[int, int] = (1000, 600_000)
    """A `retry:` outside this range is risky: reconnect storms below, clients gone for long above."""
    probe_seconds: float = 5.0
    """Longest a resume probe reads (it stops as soon as it has `probe_events` events)."""
    probe_events: int = 2
    max_retry_wait: float = 10.0
    """The reconnect-after-retry probe waits the server's `retry:` (default 3 s), at most this long."""


@dataclass(frozen=True)
class Options:
    """One run of the check: where, with which headers and TLS setting, for how long and how many events."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    verify: bool | str = True
    duration: float = 30.0
    events: int = 1000
    thresholds: Thresholds = field(default_factory=Thresholds)


@dataclass(frozen=True)
class Show:
    """Turns server text and bytes into evidence: secrets masked, then escaped and cut."""

    redactor: Callable[[str], str] = str

    def text(self, value: str, limit: int = 72) -> str:
        """`value` quoted, escaped (\\r, \\n, \\t and every control character) and cut to `limit`."""
        visible = self.redactor(value).replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
        return "'" + sanitize(visible, limit) + "'"

    def raw(self, value: bytes, limit: int = 72) -> str:
        """Bytes as `text` shows them; invalid UTF-8 as \\xNN."""
        return self.text(value.decode("utf-8", "backslashreplace"), limit)

    def plain(self, value: str, limit: int = 120) -> str:
        """Server text inside a sentence (no quotes): masked, escaped, cut."""
        return sanitize(self.redactor(value), limit)


def seconds(value: float) -> str:
    """A duration as people read it: `1.5 s` or `250 ms`."""
    return f"{value:.1f} s" if value >= 0.95 or value == 0 else f"{value * 1000:.0f} ms"


def plural(count: int, noun: str) -> str:
    """`1 event`, `2 events`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
