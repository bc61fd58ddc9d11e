"""Liveness checks: the longest silence on the wire against proxy idle timeouts and jobwatch's heartbeat
timeout, and bursts (many events in one read after a silence) that betray a buffer on the way."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from jobwatch.check.model import Finding, Thresholds, fail, ok, plural, seconds, skip, warn
from jobwatch.check.probe import Recording

G = "liveness"


@dataclass(frozen=True)
class Gap:
    """A silence on the wire: its length and when it started (seconds from the request)."""

    length: float
    start: float


@dataclass(frozen=True)
class Read:
    """Body pieces that arrived together, the silence before them, and the events they completed."""

    at: float
    silence: float
    events: int
    size: int


def largest_gap(rec: Recording) -> Gap:
    """The longest time without a byte, from the response head to the end of the recording."""
    if rec.opened_at is None:
        return Gap(0.0, 0.0)
    times = [rec.opened_at, *(at for at, _ in rec.pieces), rec.ended_at]
    best = Gap(0.0, rec.opened_at)
    for before, after in itertools.pairwise(times):
        if after - before > best.length:
            best = Gap(after - before, before)
    return best


def reads(rec: Recording, window: float) -> list[Read]:
    """The body grouped into reads: pieces less than `window` seconds apart belong together."""
    per_piece = [0] * len(rec.pieces)
    for seen in rec.events:
        per_piece[seen.piece] += 1
    found: list[Read] = []
    last = rec.opened_at or 0.0
    for (at, piece), events in zip(rec.pieces, per_piece, strict=True):
        if found and at - last <= window:
            prev = found[-1]
            found[-1] = Read(prev.at, prev.silence, prev.events + events, prev.size + len(piece))
        else:
            found.append(Read(at, at - last, events, len(piece)))
        last = at
    return found


def check_liveness(rec: Recording, limits: Thresholds) -> list[Finding]:
    """The liveness findings of the first connection (skipped without a 200 stream)."""
    if not rec.streamed:
        return [skip(G, "gaps", "no 200 response"), skip(G, "bursts", "no 200 response")]
    return [gaps(rec, limits), bursts(rec, limits)]


def gaps(rec: Recording, limits: Thresholds) -> Finding:
    """The longest silence against proxies' idle timeouts and jobwatch's heartbeat timeout."""
    gap = largest_gap(rec)
    low, high = limits.proxy_idle
    where = f"no byte for {seconds(gap.length)} from {gap.start:.1f} s"
    against = (
        f"proxies drop idle connections after {low:g}-{high:g} s, jobwatch after "
        f"{limits.heartbeat_timeout:g} s (--heartbeat-timeout)"
    )
    fix = f"send a comment line `: ping` every {limits.ping_every:g} s while there is nothing else to send"
    if gap.length >= min(high, limits.heartbeat_timeout):
        return fail(G, "gaps", f"{where}: {against}", fix)
    if gap.length >= low:
        return warn(G, "gaps", f"{where}: proxies with a {low:g} s idle timeout cut it ({against})", fix)
    observed = rec.ended_at - (rec.opened_at or 0.0)
    notes = []
    if observed < low:
        notes.append(f"watched for {seconds(observed)} only: a longer --duration shows longer silences")
    return ok(G, "gaps", f"largest gap {seconds(gap.length)} (under {low:g} s)", *notes)


def bursts(rec: Recording, limits: Thresholds) -> Finding:
    """Many events in one read right after a silence, again and again (or the whole response at once):
    a buffer between server and client. A single batch mid-stream is what a server may well send."""
    found = reads(rec, limits.read_window)
    suspects = [r for r in found if r.events >= limits.burst_events and r.silence >= limits.burst_gap]
    evidence = [
        f"{plural(r.events, 'event')} ({r.size} bytes) in one read at {r.at:.1f} s, after "
        f"{seconds(r.silence)} of silence"
        for r in suspects[:5]
    ]
    whole = len(suspects) == 1 and suspects[0].events == len(rec.events)
    if len(suspects) >= 2 or whole:
        what = "the whole response in one read" if whole else f"{len(suspects)} bursts of events"
        return warn(
            G,
            "bursts",
            f"{what} after a silence: something between server and client buffers the stream",
            "flush after every event and turn buffering off on the way "
            "(nginx: proxy_buffering off; or X-Accel-Buffering: no)",
            *evidence,
        )
    largest = max((r.events for r in found), default=0)
    summary = (
        f"no read brought {limits.burst_events}+ events after {limits.burst_gap:g} s "
        f"of silence (most in one read: {largest})"
    )
    if suspects:
        summary = "one batch after a silence, not repeated: a server batch rather than a buffer"
    return ok(G, "bursts", summary, *evidence)
