"""The replay guard: which events after a resume count as already delivered (and which never do)."""

from __future__ import annotations

from jobwatch.stream.events import SSEvent
from jobwatch.stream.replay import FIRST_EVENTS, REPLAY_WINDOW, ReplayGuard


def ev(own_id: str | None, data: str = "x") -> SSEvent:
    return SSEvent("message", data, own_id or "", own_id)


def batch(*ids: str | None) -> list[SSEvent]:
    return [ev(i) for i in ids]


def numbered(start: int, stop: int, data: str = "x") -> list[SSEvent]:
    return [ev(str(i), data) for i in range(start, stop)]


def test_recent_events_sent_again_are_replays() -> None:
    guard = ReplayGuard("")
    guard.remember(batch("a", "b"))
    seen = guard.checker()
    assert seen(ev("a")) and seen(ev("b")) and not seen(ev("c"))


def test_the_same_id_with_other_data_is_a_new_event() -> None:
    guard = ReplayGuard("")
    guard.remember([ev("a", "first run")])
    assert not guard.checker()(ev("a", "second run"))


def test_the_same_id_with_another_event_type_is_a_new_event() -> None:
    guard = ReplayGuard("")
    guard.remember([ev("a")])
    assert not guard.checker()(SSEvent("progress", "x", "a", "a"))


def test_the_saved_cursor_counts_as_delivered_whatever_its_data() -> None:
    assert ReplayGuard("41").checker()(ev("41", "content this process never saw"))


def test_once_events_were_delivered_the_saved_cursor_is_matched_by_content_like_any_other() -> None:
    guard = ReplayGuard("41")
    guard.remember([ev("42")])
    assert not guard.checker()(ev("41", "content this process never saw"))


def test_ids_between_the_first_and_the_latest_window_are_forgotten_unless_numeric() -> None:
    guard = ReplayGuard("")
    guard.remember(batch(*(f"k{i}" for i in range(3 * REPLAY_WINDOW))))
    seen = guard.checker()
    assert seen(ev("k0")) and not seen(ev(f"k{FIRST_EVENTS + 5}")) and seen(ev(f"k{3 * REPLAY_WINDOW - 1}"))


def test_a_server_starting_over_with_the_same_events_replays_everything_below_the_highest_id() -> None:
    guard = ReplayGuard("")
    for start in range(1, 5001, 100):
        guard.remember(numbered(start, start + 100))
    seen = guard.checker()
    assert seen(ev("1"))  # matches the first event delivered: the server is starting over
    assert seen(ev("2500")) and seen(ev("5000")) and not seen(ev("5001"))


def test_ids_below_the_highest_are_not_replays_until_an_event_matched_by_content() -> None:
    guard = ReplayGuard("")
    guard.remember(numbered(1, 5001))
    assert not guard.checker()(ev("2500"))


def test_a_new_run_reusing_the_ids_is_delivered_in_full() -> None:
    guard = ReplayGuard("")
    guard.remember(numbered(1, 5001, data="monday"))
    events = numbered(1, 3000, data="tuesday")
    assert ReplayGuard.drop_replayed(events, guard.checker()) is False
    assert len(events) == 2999


def test_numeric_rule_stops_once_ids_do_not_rise() -> None:
    guard = ReplayGuard("")
    guard.remember(numbered(1, 3 * REPLAY_WINDOW))
    guard.remember(batch("5"))
    seen = guard.checker()
    assert seen(ev("1"))  # still one of the first events delivered
    assert not seen(ev(str(FIRST_EVENTS + 5)))  # neither first nor latest, and the ids stopped rising


def test_single_event_batches_keep_the_numeric_rule() -> None:
    guard = ReplayGuard("")
    for event in numbered(1, 3 * REPLAY_WINDOW):
        guard.remember([event])
    seen = guard.checker()
    assert seen(ev("1")) and seen(ev(str(FIRST_EVENTS + 5)))


def test_non_canonical_numbers_are_not_numeric() -> None:
    guard = ReplayGuard("")
    guard.remember(batch("007", "008"))
    guard.remember(batch(*(f"x{i}" for i in range(3 * REPLAY_WINDOW))))
    seen = guard.checker()
    assert seen(ev("007")) and not seen(ev("7"))


def test_events_without_an_own_id_are_never_replays() -> None:
    events = batch(None, "1")
    assert ReplayGuard.drop_replayed(events, lambda event: True) is False
    assert [e.own_id for e in events] == [None, "1"]


def test_leading_replays_are_dropped_until_the_first_new_event() -> None:
    events = batch("1", "2", "3", "1")
    assert ReplayGuard.drop_replayed(events, lambda event: event.own_id in {"1", "2"}) is False
    assert [e.own_id for e in events] == ["3", "1"]


def test_a_batch_of_nothing_but_replays_is_emptied_and_the_replay_goes_on() -> None:
    events = batch("1", "2")
    assert ReplayGuard.drop_replayed(events, lambda event: True) is True
    assert events == []
