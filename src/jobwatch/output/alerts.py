"""`jobwatch tail` and the config's `[[alert]]` rules: one stderr line per matching event or state change,
`jobwatch: <job>: alert <rule>: <type> <data>`, escaped and cut (stdout keeps every event as it is)."""

from __future__ import annotations

from collections.abc import Sequence

from jobwatch.alertrules import AlertRule
from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.textsafe import sanitize

TEXT_MAX = 200
STATE_WORD = {
    StreamState.CONNECTING: "connecting",
    StreamState.OPEN: "live",
    StreamState.RECONNECTING: "reconnecting",
    StreamState.POLLING: "polling",
    StreamState.COMPLETED: "completed",
    StreamState.FAILED: "failed",
    StreamState.GAVE_UP: "failed",
}
"""A stream state as the dashboard's state word (what an `on` rule names)."""


class TailAlerts:
    """Applies the rules to what `tail` receives and returns the stderr lines to print."""

    def __init__(self, rules: Sequence[AlertRule]) -> None:
        self.rules = tuple(rules)
        self._per_job: dict[str, tuple[AlertRule, ...]] = {}
        self._state: dict[str, str | None] = {}

    def _event_rules(self, job: str) -> tuple[AlertRule, ...]:
        rules = self._per_job.get(job)
        if rules is None:
            rules = self._per_job[job] = tuple(r for r in self.rules if r.on is None and r.applies_to(job))
        return rules

    def events(self, job: str, events: list[SSEvent]) -> list[str]:
        rules = self._event_rules(job)
        if not rules:
            return []
        lines = []
        for event in events:
            rule = next((r for r in rules if r.matches(event.type, event.data)), None)
            if rule is not None:
                lines.append(_line(job, rule.name, f"{event.type} {event.data}"))
        return lines

    def status(self, job: str, status: StreamStatus) -> list[str]:
        word = STATE_WORD.get(status.state)
        if self._state.get(job) == word:
            return []
        self._state[job] = word
        for rule in self.rules:
            if word is not None and rule.on == word and rule.applies_to(job):
                detail = f": {status.last_error}" if status.last_error else ""
                return [_line(job, rule.name, f"{word}{detail}")]
        return []


def _line(job: str, rule: str, text: str) -> str:
    return f"jobwatch: {sanitize(job)}: alert {sanitize(rule, 60)}: {sanitize(text, TEXT_MAX)}\n"
