"""clock_time: the one way tail lines and dashboard timestamps write a moment."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from jobwatch.clocktext import clock_time


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_clock_time_is_local_hours_minutes_seconds_and_milliseconds(utc: None) -> None:
    assert clock_time(45296.789) == "12:34:56.789"


def test_clock_time_truncates_milliseconds_instead_of_rounding_into_the_next_second(utc: None) -> None:
    assert clock_time(59.9999) == "00:00:59.999"
