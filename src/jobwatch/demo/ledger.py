"""Checks what a client received of one demo job against what the server sent: ids "1".."total", once, in
order. Counts kept as events arrive, in one bit per id, so a million-event job costs 125 KB to verify.
"""

from __future__ import annotations

from collections.abc import Callable

MAX_PROBLEMS = 10


class Ledger:
    """Lost, duplicated, out-of-order, unexpected and corrupted events of one job, counted separately.

    An event is a *duplicate* when its id was delivered before, *out of order* when it is new but lower than
    an id delivered before it, *unexpected* when it has no id or one outside 1..total, *corrupted* when its
    (type, data) differs from `expect(index)` (0-based). Ids never delivered are *lost*.
    """

    __slots__ = (
        "_expect",
        "_seen",
        "corrupted",
        "delivered",
        "distinct",
        "duplicated",
        "highest",
        "out_of_order",
        "problems",
        "total",
        "unexpected",
    )

    def __init__(self, total: int, expect: Callable[[int], tuple[str, str]] | None = None) -> None:
        if total < 0:
            raise ValueError(f"total must be >= 0, got {total}")
        self.total = total
        self._expect = expect
        self._seen = bytearray((total >> 3) + 1)
        self.delivered = 0
        self.distinct = 0
        self.highest = 0
        self.duplicated = 0
        self.out_of_order = 0
        self.unexpected = 0
        self.corrupted = 0
        self.problems: list[str] = []
        """The first few problems, described (e.g. "duplicate id 17 after 42")."""

    def add(self, event_id: str | None, event_type: str = "", data: str = "") -> None:
        """Record one delivered event: its own id (None when it carried none), type and data."""
        self.delivered += 1
        number = 0
        if event_id is not None and event_id.isascii() and event_id.isdigit() and len(event_id) < 19:
            number = int(event_id)
        if not 1 <= number <= self.total:
            self.unexpected += 1
            self._note(f"unexpected id {event_id!r} after {self.highest}")
            return
        byte, bit = number >> 3, 1 << (number & 7)
        if self._seen[byte] & bit:
            self.duplicated += 1
            self._note(f"duplicate id {number} after {self.highest}")
            return
        self._seen[byte] |= bit
        self.distinct += 1
        if number < self.highest:
            self.out_of_order += 1
            self._note(f"id {number} out of order after {self.highest}")
        else:
            self.highest = number
        if self._expect is not None and self._expect(number - 1) != (event_type, data):
            self.corrupted += 1
            self._note(f"id {number} corrupted: {event_type!r} {data[:60]!r}")

    @property
    def lost(self) -> int:
        return self.total - self.distinct

    @property
    def exact(self) -> bool:
        """Every id 1..total delivered exactly once, in order, intact, and nothing else."""
        return not (self.lost or self.duplicated or self.out_of_order or self.unexpected or self.corrupted)

    def summary(self) -> str:
        """One line with every count, e.g. for an assertion message or a benchmark report."""
        text = (
            f"{self.delivered} delivered of {self.total}: lost {self.lost}, duplicated {self.duplicated}, "
            f"out of order {self.out_of_order}, unexpected {self.unexpected}, corrupted {self.corrupted}"
        )
        return f"{text}; first problems: {'; '.join(self.problems)}" if self.problems else text

    def _note(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
