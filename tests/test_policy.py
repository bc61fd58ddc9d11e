"""Reconnect delays and giving up (design §3), with a seeded random and no real sleeps."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from jobwatch.stream.errors import ReconnectRequested, RetryableError, StreamEnded
from jobwatch.stream.policy import Attempts, Backoff, GiveUp, parse_retry_after


def failed(retry_after: float | None = None) -> RetryableError:
    return RetryableError("boom", retry_after=retry_after)


def good() -> StreamEnded:
    """A connection that opened (200 text/event-stream) and then ended, with or without events."""
    error = StreamEnded("closed")
    error.opened = True
    return error


def test_delay_after_a_good_connection_is_the_servers_retry_time() -> None:
    attempts = Attempts(retry_ms=1500)
    attempts.record(good())
    assert Backoff(attempts, 30, random.Random(0)).delay(None) == 1.5


def test_failed_attempts_wait_the_retry_time_plus_jitter_in_a_doubling_window() -> None:
    attempts = Attempts(retry_ms=1000)
    backoff = Backoff(attempts, 1000, random.Random(7))
    for failures, top in [(1, 2), (2, 4), (3, 8), (4, 16), (5, 32)]:
        attempts.failed = failures
        delays = [backoff.delay(failed()) for _ in range(200)]
        assert all(1 <= d <= top for d in delays)  # never sooner than the reconnection time
        assert max(delays) > top * 0.9  # the whole window above the floor is used
        assert min(delays) < 1 + (top - 1) * 0.1


def test_the_first_failed_attempt_never_comes_sooner_than_retry() -> None:
    attempts = Attempts(retry_ms=1000, failed=1)
    delays = [Backoff(attempts, 30, random.Random(seed)).delay(failed()) for seed in range(500)]
    assert min(delays) >= 1.0


def test_failed_attempts_back_off_even_after_retry_zero() -> None:
    attempts = Attempts(retry_ms=0, failed=4)
    delays = [Backoff(attempts, 30, random.Random(seed)).delay(failed()) for seed in range(200)]
    assert min(delays) >= 0.1 and max(delays) > 1.4  # 0.1 s doubled four times, not zero


def test_retry_zero_still_reconnects_at_once_after_a_good_connection() -> None:
    assert Backoff(Attempts(retry_ms=0), 30, random.Random(0)).delay(good()) == 0


def test_backoff_is_capped_at_max_backoff() -> None:
    attempts = Attempts(retry_ms=3000, failed=30)
    backoff = Backoff(attempts, 5, random.Random(1))
    assert max(backoff.delay(failed()) for _ in range(500)) <= 5


def test_a_max_backoff_below_the_retry_time_never_shortens_it() -> None:
    attempts = Attempts(retry_ms=10_000, failed=3)
    assert Backoff(attempts, 2, random.Random(1)).delay(failed()) == 10


def test_thousands_of_failed_attempts_do_not_overflow() -> None:
    attempts = Attempts(retry_ms=1000, failed=5000)
    assert 1 <= Backoff(attempts, 30, random.Random(1)).delay(failed()) <= 30


def test_same_seed_gives_the_same_delays() -> None:
    def delays(seed: int) -> list[float]:
        attempts = Attempts(failed=3)
        backoff = Backoff(attempts, 30, random.Random(seed))
        return [backoff.delay(failed()) for _ in range(5)]

    assert delays(42) == delays(42)


def test_larger_retry_after_wins_even_beyond_max_backoff() -> None:
    attempts = Attempts(retry_ms=1000, failed=1)
    assert Backoff(attempts, 5, random.Random(0)).delay(failed(retry_after=120)) == 120


def test_retry_after_is_capped_at_ten_minutes() -> None:
    attempts = Attempts(retry_ms=1000, failed=1)
    assert Backoff(attempts, 5, random.Random(0)).delay(failed(retry_after=86400)) == 600


def test_smaller_retry_after_does_not_shorten_the_delay() -> None:
    attempts = Attempts(retry_ms=10_000)
    assert Backoff(attempts, 30, random.Random(0)).delay(failed(retry_after=1)) == 10


def test_manual_reconnect_has_no_delay() -> None:
    attempts = Attempts(failed=4)
    assert Backoff(attempts, 30, random.Random(0)).delay(ReconnectRequested("now")) == 0


def test_a_connection_that_opened_and_ended_without_events_is_not_a_failed_attempt() -> None:
    attempts = Attempts(failed=2)
    attempts.record(good())
    assert attempts.failed == 0


def test_failed_connections_count_up_and_a_good_one_resets_them() -> None:
    attempts = Attempts()
    attempts.record(failed())
    attempts.record(failed())
    assert attempts.failed == 2
    attempts.record(good())
    assert attempts.failed == 0


@pytest.mark.parametrize(("max_retries", "failures", "stops"), [
    (None, 1000, False),
    (0, 0, True),
    (0, 1, True),
    (3, 3, False),
    (3, 4, True),
])  # fmt: skip
def test_gives_up_after_max_retries_failed_reconnections(
    max_retries: int | None, failures: int, stops: bool
) -> None:
    stop = GiveUp(Attempts(failed=failures), max_retries)
    assert stop(None) is stops  # type: ignore[arg-type]


class TestRetryAfter:
    def test_delta_seconds(self) -> None:
        assert parse_retry_after("120") == 120

    def test_http_date(self) -> None:
        now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
        assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30

    def test_date_in_the_past_means_now(self) -> None:
        now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
        assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0

    @pytest.mark.parametrize("digits", [10, 400, 5000])
    def test_any_digit_string_is_valid_and_clamped(self, digits: int) -> None:
        assert parse_retry_after("9" * digits) == 600

    @pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5"])
    def test_unusable_values_are_ignored(self, value: str | None) -> None:
        assert parse_retry_after(value) is None
