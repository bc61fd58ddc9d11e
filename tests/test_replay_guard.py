"""The replay guard: which events after a resume count as already delivered (and which never do)."""

from __future__ import annotations

from jobwatch.stream.events import SSEvent
from jobwatch.stream.replay import FIRST_EVENTS, REPLAY_WINDOW, ReplayGuard, cursor_fingerprint, fingerprint


def ev(own_id: str | None, data: str = "x") -> SSEvent:
    return SSEvent("message", data, own_id or "", own_id)


def batch(*ids: str | None) -> list[SSEvent]:
    return [ev(i) for i in ids]


def numbered(start: int, stop: int, data: str = "x") -> list[SSEvent]:
    return [ev(str(i), data) for i in range(start, stop)]


def test_recent_events_sent_again_are_replays() -> None:
    guard = ReplayGuard()
    guard.remember(batch("a", "b"))
    seen = guard.checker()
    assert seen(ev("a")) and seen(ev("b")) and not seen(ev("c"))


def test_the_same_id_with_other_data_is_a_new_event() -> None:
    guard = ReplayGuard()
    guard.remember([ev("a", "first run")])
    assert not guard.checker()(ev("a", "second run"))


def test_the_same_id_with_another_event_type_is_a_new_event() -> None:
    guard = ReplayGuard()
    guard.remember([ev("a")])
    assert not guard.checker()(SSEvent("progress", "x", "a", "a"))


def test_the_saved_cursors_event_is_a_replay_when_its_fingerprint_matches() -> None:
    saved = ev("41", "the last event delivered before the restart")
    assert ReplayGuard(fingerprint(saved)).checker()(saved)


def test_the_saved_cursors_id_with_content_never_delivered_is_a_new_event() -> None:
    saved = ev("41", "the last event delivered before the restart")
    assert not ReplayGuard(fingerprint(saved)).checker()(ev("41", "content this process never saw"))


def test_without_a_saved_fingerprint_nothing_is_dropped_before_a_delivery() -> None:
    assert not ReplayGuard(None).checker()(ev("41"))


def test_once_events_were_delivered_the_saved_cursor_is_matched_like_any_other() -> None:
    saved = ev("41")
    guard = ReplayGuard(fingerprint(saved))
    guard.remember([ev("42")])
    assert not guard.checker()(ev("41", "other"))
    assert not guard.checker()(saved)


def test_events_between_the_first_and_the_latest_window_are_forgotten() -> None:
    guard = ReplayGuard()
    guard.remember(batch(*(f"k{i}" for i in range(3 * REPLAY_WINDOW))))
    seen = guard.checker()
    assert seen(ev("k0")) and not seen(ev(f"k{FIRST_EVENTS + 5}")) and seen(ev(f"k{3 * REPLAY_WINDOW - 1}"))


def test_ids_below_the_highest_with_new_content_are_never_replays_even_after_a_match() -> None:
    guard = ReplayGuard()
    guard.remember([ev("1", "snapshot: running"), *numbered(2, 5001, data="monday log")])
    events = [ev("1", "snapshot: running"), *numbered(2, 50, data="tuesday log")]
    assert ReplayGuard.drop_replayed(events, guard.checker()) is False
    assert [e.own_id for e in events] == [str(i) for i in range(2, 50)]


def test_a_new_run_reusing_the_ids_is_delivered_in_full() -> None:
    guard = ReplayGuard()
    guard.remember(numbered(1, 5001, data="monday"))
    events = numbered(1, 3000, data="tuesday")
    assert ReplayGuard.drop_replayed(events, guard.checker()) is False
    assert len(events) == 2999


def test_the_fingerprint_is_stable_across_processes_and_separates_its_fields() -> None:
    assert fingerprint(ev("1", "x")) == "bf08f4809172437842c08fd1"
    assert fingerprint(SSEvent("ab", "c", "1", "1")) != fingerprint(SSEvent("a", "bc", "1", "1"))


def test_the_cursor_fingerprint_is_that_of_the_event_carrying_the_cursor_id() -> None:
    events = [ev("1", "a"), SSEvent("message", "inherits", "1", None)]
    assert cursor_fingerprint(events) == fingerprint(ev("1", "a"))
    assert cursor_fingerprint([SSEvent("message", "no id", "", None)]) is None


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
