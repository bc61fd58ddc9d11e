"""Alert rules and their bookkeeping: which events and job state changes match, and when to ring.

Pure (no Textual, no I/O, injected clock). A matching event is flagged in the job's buffer (its record's
`alert` names the rule) and counted on the job; each rule rings (bell, notification) at most once per
`quiet` seconds, so a burst of matches rings once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from jobwatch.alertrules import AlertRule
from jobwatch.model.job import Clock, JobModel
from jobwatch.model.records import EventRecord

DEFAULT_QUIET = 10.0
"""Seconds after a rule rang during which its further matches only count (one bell per burst)."""

__all__ = ["DEFAULT_QUIET", "AlertBook", "AlertRule", "Ring"]
class Ring(NamedTuple):
    """A rule rang: ring the bell once and, if asked, notify. `text` is raw (the UI escapes and redacts)."""

    rule: str
    job: str
    text: str


class AlertBook:
    """Applies the rules to what the streams deliver; keeps what to ring until the UI takes it."""

    def __init__(
        self, rules: Sequence[AlertRule] = (), *, clock: Clock, quiet: float = DEFAULT_QUIET
    ) -> None:
        self.rules = tuple(rules)
        self.clock = clock
        self.quiet = quiet
        self.watches_events = any(rule.on is None for rule in self.rules)
        self.watches_states = any(rule.on is not None for rule in self.rules)
        self._per_job: dict[str, tuple[AlertRule, ...]] = {}
        self._last_ring: dict[str, float] = {}
        self._rings: list[Ring] = []
        self.hits = 0
        """Matches (events and state changes) so far."""

    def _event_rules(self, job: str) -> tuple[AlertRule, ...]:
        rules = self._per_job.get(job)
        if rules is None:
            rules = tuple(r for r in self.rules if r.on is None and r.applies_to(job))
            self._per_job[job] = rules
        return rules

    def forget(self, job: str) -> None:
        """The job left the dashboard (its name may come back for another stream)."""
        self._per_job.pop(job, None)

    def flag(self, job: JobModel, records: list[EventRecord]) -> list[EventRecord]:
        """Flag matching events among `records` (the newest of `job.events`) in place, in the list and in
        the job's buffer, count them on the job; returns `records`."""
        rules = self._event_rules(job.name)
        if not rules:
            return records
        offset = len(job.events) - len(records)
        for i, record in enumerate(records):
            if record.notice:
                continue
            for rule in rules:
                if rule.matches(record.type, record.data):
                    flagged = record._replace(alert=rule.name)
                    records[i] = flagged
                    job.events[offset + i] = flagged
                    job.alerts += 1
                    self._hit(rule.name, job.name, f"{record.type} {record.data}")
                    break
        return records

    def state_changed(self, job: JobModel, old: str, new: str, detail: str) -> None:
        """`job` went from state word `old` to `new`; `detail` says why (e.g. the last error)."""
        if old == new:
            return
        for rule in self.rules:
            if rule.on == new and rule.applies_to(job.name):
                job.alerts += 1
                self._hit(rule.name, job.name, f"{new}: {detail}" if detail else new)
                return

    def _hit(self, rule: str, job: str, text: str) -> None:
        self.hits += 1
        now = self.clock()
        last = self._last_ring.get(rule)
        if last is None or now - last >= self.quiet:
            self._last_ring[rule] = now
            self._rings.append(Ring(rule, job, text))

    def take_rings(self) -> list[Ring]:
        """Rings since the last call, oldest first."""
        rings, self._rings = self._rings, []
        return rings
