"""Seeded random fault mixes for the chaos tests and the soak benchmark: the same seed, the same faults."""

from __future__ import annotations

import random
from collections.abc import Sequence

from jobwatch.demo.scripts import Fault

FLAP_CODES = (408, 429, 500, 502, 503, 504)
KINDS = ("drop", "drop", "drop", "drop", "drop", "flap", "flap", "silence", "replay", "burst")
"""Weighted: half the faults are drops, a fifth 5xx/4xx flaps, the rest silences, replays and bursts."""


def random_faults(
    rng: random.Random,
    events: int,
    count: int,
    *,
    silence: float = 1.0,
    retry_after: Sequence[str | None] = (None, "1"),
) -> list[Fault]:
    """`count` faults for a job of `events` events (ids 1..events): drops at random byte offsets, flaps of a
    retryable status 1-3 connections long with a `Retry-After` drawn from `retry_after`, silences of
    `silence` seconds (no ping), replays of up to 20 events on a resume, and bursts."""
    if events < 1:
        raise ValueError(f"events must be >= 1, got {events}")
    faults: list[Fault] = []
    for _ in range(count):
        after = rng.randrange(events)
        match rng.choice(KINDS):
            case "drop":
                faults.append(Fault.drop(after_event=after))
            case "flap":
                faults.append(
                    Fault.status(
                        rng.choice(FLAP_CODES),
                        times=rng.randint(1, 3),
                        retry_after=rng.choice(retry_after),
                        on_connection=rng.randint(1, count + 1),
                    )
                )
            case "silence":
                faults.append(Fault.silence(after_event=after, seconds=silence))
            case "replay":
                faults.append(Fault.replay(after_event=after, count=rng.randint(1, 20)))
            case _:
                faults.append(Fault.burst(after_event=after, count=rng.randint(2, 50)))
    return faults
