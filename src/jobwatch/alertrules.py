"""Alert rules (`[[alert]]` in the config): what an event or a job state change must look like to alert.

Plain values with compiled regexes, headless and shared: the config builds them, the dashboard's model
(`model/alerts.py`) and `jobwatch tail` apply them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MATCH_LIMIT = 65_536
"""Characters of an event's data a `match` regex looks at (bounds the cost of one event)."""
STATE_WORDS = ("connecting", "live", "reconnecting", "polling", "completed", "failed")
"""Job states an `on` rule can name: those a stream's status changes into (stale and paused are not)."""


@dataclass(frozen=True)
class AlertRule:
    """One `[[alert]]`: regexes on the event data (`match`, searched) and type (`event`, whole type),
    limited to jobs whose name `job` matches; or, with `on`, a job turning into that state."""

    name: str
    match: re.Pattern[str] | None = None
    event: re.Pattern[str] | None = None
    job: re.Pattern[str] | None = None
    on: str | None = None

    def applies_to(self, job: str) -> bool:
        return self.job is None or self.job.search(job) is not None

    def matches(self, type_: str, data: str) -> bool:
        """Whether an event of type `type_` with `data` matches (a state rule matches no event)."""
        if self.on is not None:
            return False
        if self.event is not None and self.event.fullmatch(type_) is None:
            return False
        return self.match is None or self.match.search(data, 0, MATCH_LIMIT) is not None
