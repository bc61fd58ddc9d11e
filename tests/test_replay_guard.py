"""The replay guard: which events after a resume count as already delivered (and which never do)."""

from __future__ import annotations

from jobwatch.stream.delivery import REPLAY_WINDOW, ReplayGuard
from jobwatch.stream.events import SSEvent


def batch(*ids: str | None) -> list[SSEvent]:
    return [SSEvent("message", "x", i or "", i) for i in ids]


def test_recent_ids_are_replays() -> None:
    guard = ReplayGuard("")
    guard.remember(batch("a", "b"))
    seen = guard.checker()
    assert seen("a") and seen("b") and not seen("c")


def test_the_saved_cursor_counts_as_delivered() -> None:
    assert ReplayGuard("41").checker()("41")


def test_ids_older_than_the_window_are_forgotten_unless_numeric_and_rising() -> None:
    guard = ReplayGuard("")
    guard.remember(batch(*(f"k{i}" for i in range(REPLAY_WINDOW + 10))))
    seen = guard.checker()
    assert not seen("k0") and seen(f"k{REPLAY_WINDOW + 9}")


def test_rising_numeric_ids_make_every_lower_id_a_replay() -> None:
    guard = ReplayGuard("")
    for start in range(1, 3000, 100):
        guard.remember(batch(*(str(i) for i in range(start, start + 100))))
    seen = guard.checker()
    assert seen("1") and seen("3000") and not seen("3001")


def test_numeric_rule_stops_once_ids_do_not_rise() -> None:
    guard = ReplayGuard("")
    guard.remember(batch("10", "20"))
    guard.remember(batch("5"))
    seen = guard.checker()
    assert not seen("1") and seen("5")  # "5" is still in the recent window


def test_single_event_batches_keep_the_numeric_rule() -> None:
    guard = ReplayGuard("")
    for i in range(1, 2000):
        guard.remember(batch(str(i)))
    assert guard.checker()("3")


def test_non_canonical_numbers_are_not_numeric() -> None:
    guard = ReplayGuard("")
    guard.remember(batch("007", "008"))
    guard.remember(batch(*(f"x{i}" for i in range(REPLAY_WINDOW))))
    assert not guard.checker()("7")


def test_events_without_an_own_id_are_never_replays() -> None:
    events = batch(None, "1")
    assert ReplayGuard.drop_replayed(events, lambda own_id: True) is False
    assert [e.own_id for e in events] == [None, "1"]


def test_leading_replays_are_dropped_until_the_first_new_event() -> None:
    events = batch("1", "2", "3", "1")
    assert ReplayGuard.drop_replayed(events, {"1", "2"}.__contains__) is False
    assert [e.own_id for e in events] == ["3", "1"]
