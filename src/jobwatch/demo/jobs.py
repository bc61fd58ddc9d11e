"""Server-side state of one scripted job: its fixed event sequence and the faults not yet used.

Shared by every connection to the job, which is what makes each fault happen once across resumes.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict, deque

from jobwatch.demo.generate import encode_event, generated_event, job_key
from jobwatch.demo.scripts import Fault, JobScript
from jobwatch.demo.shaping import Shaping

_CURSOR = re.compile(r"[0-9]{1,18}")


class JobRuntime:
    """A job as the server plays it: event `i` (0-based) has id `i + 1`; faults used up here."""

    def __init__(self, script: JobScript, seed: int) -> None:
        self.script = script
        self._key = job_key(seed, script.id)
        self.rng = random.Random(f"{seed}:{script.id}:faults")
        base = len(script.events) if script.events is not None else script.count
        self.total = base + (1 if script.complete else 0)  # events with an id, `complete` included
        self._base = base
        self.connections = 0  # SSE connections so far, status-faulted ones included
        self._drops: dict[int, deque[int | None]] = defaultdict(deque)
        self._silences: dict[int, deque[float]] = defaultdict(deque)
        self._bursts: dict[int, deque[int]] = defaultdict(deque)
        self._failures: dict[int, deque[str]] = defaultdict(deque)
        self._huge_lines: dict[int, deque[int]] = defaultdict(deque)
        self._replays: list[Fault] = []
        self._statuses: list[Fault] = []
        self._redirects: list[Fault] = []
        self.slow: Fault | None = None
        self.inclusive = False
        self.ignores_cursor = False
        self.skip_on_resume = 0
        self.unknown_id_status: Fault | None = None
        self.completed_200 = False
        self.shaping = Shaping(script.faults)
        for fault in script.faults:
            self._arm(fault)

    def _arm(self, fault: Fault) -> None:
        match fault.kind:
            case "drop":
                self._drops[fault.after_event].append(fault.offset)
            case "random_drops":
                for after in self._drop_points(fault.count):
                    self._drops[after].append(None)
            case "status":
                self._statuses.append(fault)
            case "silence":
                self._silences[fault.after_event].append(fault.seconds)
            case "slow":
                self.slow = fault
            case "burst":
                self._bursts[fault.after_event].append(fault.count)
            case "replay":
                self._replays.append(fault)
            case "inclusive_resume":
                self.inclusive = True
            case "fail_job":
                self._failures[fault.after_event].append(fault.message)
            case "huge_line":
                self._huge_lines[fault.after_event].append(fault.size)
            case "redirect":
                self._redirects.append(fault)
            case "ignore_last_event_id":
                self.ignores_cursor = True
            case "skip_on_resume":
                self.skip_on_resume = fault.count
            case "unknown_id_status":
                self.unknown_id_status = fault
            case "completed_200":
                self.completed_200 = True
            case _:
                pass  # wire-level faults: Shaping applies them

    def _drop_points(self, count: int) -> list[int]:
        """`count` event indexes, distinct while the job has enough events, in sending order."""
        if self.total == 0 or count == 0:
            return []
        rounds, rest = divmod(count, self.total)
        points = list(range(self.total)) * rounds + self.rng.sample(range(self.total), rest)
        return sorted(points)

    # -- the event sequence ------------------------------------------------------------------
    def event(self, index: int) -> tuple[str, str]:
        """(type, data) of event `index` (0-based)."""
        if index >= self._base:
            return "complete", json.dumps({"status": self.script.final_status})
        if self.script.events is not None:
            return self.script.events[index]
        return generated_event(self.script, self._key, index)

    def message(self, index: int) -> bytes:
        """The wire bytes of event `index`, without any `retry:` prefix."""
        event_type, data = self.event(index)
        return encode_event(str(index + 1), event_type, data)

    def wire(self, index: int, sequence: int) -> bytes:
        """Event `index` as this job's faults send it, `sequence` being its number on the connection."""
        event_type, data = self.event(index)
        return self.shaping.encode(index, event_type, data, sequence)

    def known(self, last_event_id: str) -> bool:
        """Whether `last_event_id` is an id this job sends."""
        return bool(_CURSOR.fullmatch(last_event_id)) and 0 < int(last_event_id) <= self.total

    def cursor(self, last_event_id: str | None) -> int:
        """Events already seen for a Last-Event-ID: its number if it is a known id, else 0."""
        if last_event_id is None or not _CURSOR.fullmatch(last_event_id):
            return 0
        value = int(last_event_id)
        return value if value <= self.total else 0

    # -- faults --------------------------------------------------------------------------------
    def status_for(self, connection: int) -> Fault | None:
        for fault in self._statuses:
            if fault.on_connection <= connection < fault.on_connection + fault.times:
                return fault
        return None

    def redirect_for(self, connection: int) -> Fault | None:
        for fault in self._redirects:
            if connection < fault.times:
                return fault
        return None

    def resume_start(self, cursor: int) -> int:
        """Index of the first event to send to a connection that has seen `cursor` events."""
        if cursor == 0 or self.ignores_cursor:
            return 0
        if self.skip_on_resume:
            return min(self.total, cursor + self.skip_on_resume)
        for fault in self._replays:
            if cursor >= fault.after_event:
                self._replays.remove(fault)
                return max(0, cursor - fault.count)
        return cursor - 1 if self.inclusive else cursor

    def take_drop(self, index: int) -> tuple[bool, int | None]:
        """Whether sending event `index` must be cut, and after how many bytes (None = random)."""
        pending = self._drops.get(index)
        if not pending:
            return False, None
        return True, pending.popleft()

    def take_silence(self, after_event: int) -> float | None:
        pending = self._silences.get(after_event)
        return pending.popleft() if pending else None

    def take_burst(self, after_event: int) -> int:
        pending = self._bursts.get(after_event)
        return pending.popleft() if pending else 0

    def take_failure(self, after_event: int) -> str | None:
        pending = self._failures.get(after_event)
        return pending.popleft() if pending else None

    def take_huge_line(self, after_event: int) -> int | None:
        pending = self._huge_lines.get(after_event)
        return pending.popleft() if pending else None
