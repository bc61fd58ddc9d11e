"""What one job's stream needs to run: its URL, headers and resilience settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_COMPLETE_EVENTS: tuple[str, ...] = ("complete", "done")


@dataclass(slots=True, frozen=True)
class StreamSpec:
    """One job: a name, an SSE URL and how to keep it alive. Header values may hold secrets."""

    name: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    heartbeat_timeout: float = 45.0
    max_backoff: float = 30.0
    max_retries: int | None = None
    """None: never give up; 0: never reconnect; N: give up after N failed reconnection attempts in a row."""
    complete_events: tuple[str, ...] = DEFAULT_COMPLETE_EVENTS
    max_line_bytes: int = 1 << 20
    max_redirects: int = 10
    initial_retry_ms: int = 3000
    last_event_id: str = ""
    """Cursor to resume from (from the state file)."""
    cursor_fingerprint: str | None = None
    """Fingerprint of the cursor's event (replay.fingerprint, from the state file): its replay is dropped."""
    verify: bool | str = True
    """TLS verification: True, False (--insecure) or a CA bundle path."""
    poll_url: str | None = None
    completed: bool = False
    """The state file says this job completed at `last_event_id`: report it completed without connecting."""
    forward_headers_to: tuple[str, ...] = ()
    """Hosts (opt-in, per job) that may receive the user's headers after a redirect leaves the origin."""

    def secrets(self) -> tuple[str, ...]:
        """Header values, which must never appear in any output."""
        return tuple(v for v in self.headers.values() if v)
