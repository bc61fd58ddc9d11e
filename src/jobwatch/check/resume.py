"""Resume checks: three more GETs after the first connection, and what each says about Last-Event-ID.

1. after `retry:` (the server's, default 3 s), with the cursor the first connection ended on, as a client
   reconnects; 2. with the id of an event in the middle of what was seen (exclusive, inclusive, early, from
   the start, skipping, or renumbered?); 3. with an id the server never sent (a stale cursor).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from jobwatch.check.ids import content, meanings, payload_events, with_ids
from jobwatch.check.model import Finding, Options, Show, fail, ok, plural, seconds, skip, warn
from jobwatch.check.probe import Recording, record
from jobwatch.stream.events import SSEvent

G = "resume"
DEFAULT_RETRY_MS = 3000
UNKNOWN_ID = "jobwatch-check-unknown-id"


@dataclass
class Probes:
    """The three resume connections (None when there was nothing to resume from)."""

    after_retry: Recording | None = None
    waited: float = 0.0
    middle: Recording | None = None
    unknown: Recording | None = None

    def recordings(self) -> list[Recording]:
        return [rec for rec in (self.after_retry, self.middle, self.unknown) if rec is not None]


def unknown_id(events: Sequence[SSEvent]) -> str:
    """An id the server never sent, in the style of its own (a number past the largest, if numbers)."""
    ids = [event.own_id or "" for event in events]
    if ids and all(i.isascii() and i.isdigit() for i in ids):
        return str(max(int(i) for i in ids) + 1000)
    return UNKNOWN_ID


async def run_probes(client: httpx.AsyncClient, options: Options, main: Recording) -> Probes:
    """Make the resume connections the first one allows, to the URL clients use (redirects are followed
    again, as a reconnecting client does); each is bounded by the probe limits."""
    probes = Probes()
    if not main.streamed:
        return probes
    limits = options.thresholds
    budget = min(limits.probe_seconds, options.duration)

    async def probe(purpose: str, last_event_id: str | None) -> Recording:
        return await record(
            client,
            options.url,
            options.headers,
            purpose=purpose,
            last_event_id=last_event_id,
            seconds=budget,
            max_events=limits.probe_events,
            insecure=options.verify is False,
        )

    retry_ms = main.retry if main.retry is not None else DEFAULT_RETRY_MS
    probes.waited = min(retry_ms / 1000, limits.max_retry_wait)
    await asyncio.sleep(probes.waited)
    probes.after_retry = await probe("reconnect after retry", main.cursor or None)
    events = with_ids(main)
    if len(events) >= 2:
        probes.middle = await probe("resume from the middle", events[(len(events) - 1) // 2].own_id)
    if events:
        probes.unknown = await probe("resume from an unknown id", unknown_id(events))
    return probes


def relation(seen: list[SSEvent], pos: int, rec: Recording) -> tuple[str, int]:
    """Where a resumed connection starts against the first one's events `seen` (cursor at `pos`):
    nothing, renumbered, new, exclusive, inclusive, start, early or skipped; with a distance."""
    got = with_ids(rec)
    if not got:
        return "nothing", 0
    known = meanings(seen)
    if any(e.own_id in known and content(known[e.own_id or ""]) != content(e) for e in got):
        return "renumbered", 0
    first = got[0]
    index = next(
        (i for i, e in enumerate(seen) if (e.own_id, content(e)) == (first.own_id, content(first))), None
    )
    if index is None:
        return "new", 0
    if index == pos + 1:
        return "exclusive", 0
    if index == pos:
        return "inclusive", 0
    if index == 0:
        return "start", 0
    if index < pos:
        return "early", pos - index
    return "skipped", index - pos - 1


def check_resume(main: Recording, probes: Probes, show: Show) -> list[Finding]:
    """The three resume findings (skipped without a 200 stream)."""
    if not main.streamed:
        return [skip(G, name, "no 200 response") for name in ("after-retry", "last-event-id", "unknown-id")]
    seen = with_ids(main)
    return [after_retry(main, probes, seen, show), middle(probes, seen, show), unknown(probes, seen, show)]


def _status_problem(rec: Recording, show: Show, who: str) -> Finding | None:
    """A resume that got no stream: an error or a status other than 200 (204 is left to the caller)."""
    if rec.status is None:
        return fail(
            G,
            who,
            f"{rec.purpose}: {show.plain(rec.error or 'no response')}",
            "keep the endpoint reachable for reconnecting clients",
        )
    if rec.status not in (200, 204):
        return fail(
            G,
            who,
            f"{rec.purpose} (Last-Event-ID {show.text(rec.last_event_id or '', 30)}): "
            f"{rec.status}: EventSource gives up on anything but 200",
            "answer a resume with 200 and the events after the id (or 204 when the job is over)",
        )
    return None


_RESUME_FIX = "send the events after the Last-Event-ID request header, none before it"


def after_retry(main: Recording, probes: Probes, seen: list[SSEvent], show: Show) -> Finding:
    """A reconnect as clients make it: 204 when over, else go on after the cursor."""
    rec, name = probes.after_retry, "after-retry"
    if rec is None:
        return skip(G, name, "no reconnect made")
    cursor = f"Last-Event-ID {show.text(rec.last_event_id, 30)}" if rec.last_event_id else "no Last-Event-ID"
    waited = f"after {seconds(probes.waited)}, {cursor}"
    problem = _status_problem(rec, show, name)
    if problem is not None:
        return problem
    over = main.end == "closed"
    if rec.status == 204:
        if over:
            return ok(G, name, f"{waited}: 204, clients stop (the stream had ended)")
        return fail(
            G,
            name,
            f"{waited}: 204 while the job was still streaming: clients stop for good",
            "answer 204 only once the job is over",
        )
    kind, distance = relation(seen, len(seen) - 1, rec)
    if kind == "nothing":
        if rec.end == "closed":
            every = seconds((main.retry if main.retry is not None else DEFAULT_RETRY_MS) / 1000)
            return warn(
                G,
                name,
                f"{waited}: 200 and an empty stream: EventSource reconnects every {every} for ever",
                "answer 204 No Content once the job is over (EventSource then stops)",
            )
        return ok(G, name, f"{waited}: 200, waiting for new events")
    if kind in ("new", "exclusive"):
        return ok(G, name, f"{waited}: continues after it")
    return _bad_relation(name, kind, distance, waited)


def middle(probes: Probes, seen: list[SSEvent], show: Show) -> Finding:
    """Resuming from a middle event must continue right after it, nothing before, nothing lost."""
    rec, name = probes.middle, "last-event-id"
    if rec is None:
        return skip(G, name, "fewer than 2 events with an id (a longer --duration may see more)")
    pos = next(i for i, e in enumerate(seen) if e.own_id == rec.last_event_id)
    sent = f"Last-Event-ID {show.text(rec.last_event_id or '', 30)}"
    problem = _status_problem(rec, show, name)
    if problem is not None:
        return problem
    if rec.status == 204:
        return fail(G, name, f"{sent}: 204: a client resuming mid-job is told to stop", _RESUME_FIX)
    kind, distance = relation(seen, pos, rec)
    if kind == "exclusive":
        return ok(G, name, f"{sent}: resumes right after it (exclusive)")
    if kind == "nothing":
        return warn(
            G,
            name,
            f"{sent}: no event within {seconds(rec.ended_at)}, though "
            f"{plural(len(seen) - pos - 1, 'event')} followed it",
            _RESUME_FIX,
        )
    if kind == "new":
        first = with_ids(rec)[0]
        lost = plural(len(seen) - pos - 1, "event")
        return fail(
            G,
            name,
            f"{sent}: ignores it and goes on with new events (first id "
            f"{show.plain(first.own_id or '', 20)}): the {lost} after it are never sent",
            _RESUME_FIX,
        )
    return _bad_relation(name, kind, distance, sent)


def _bad_relation(name: str, kind: str, distance: int, sent: str) -> Finding:
    """The finding for a resume that repeats, restarts, skips or renumbers."""
    if kind == "inclusive":
        return warn(
            G,
            name,
            f"{sent}: sends that event again first (inclusive): clients without de-duplication show it twice",
            _RESUME_FIX,
        )
    if kind == "early":
        return warn(
            G,
            name,
            f"{sent}: starts {plural(distance, 'event')} early: clients without "
            "de-duplication show them twice",
            _RESUME_FIX,
        )
    if kind == "start":
        return fail(
            G,
            name,
            f"{sent}: starts over from the first event (the header is ignored): every "
            "reconnect replays the job",
            _RESUME_FIX,
        )
    if kind == "skipped":
        return fail(
            G, name, f"{sent}: skips {plural(distance, 'event')} after it: they are lost", _RESUME_FIX
        )
    return fail(
        G,
        name,
        f"{sent}: the ids restart on the new connection: the client cannot resume",
        "give every event one id for good, the same on every connection",
    )


def unknown(probes: Probes, seen: list[SSEvent], show: Show) -> Finding:
    """A stale cursor should get the job from the start, not an error that locks the client out."""
    rec, name = probes.unknown, "unknown-id"
    if rec is None:
        return skip(G, name, "no event with an id")
    sent = f"Last-Event-ID {show.text(rec.last_event_id or '', 30)} (never sent)"
    stale = "a client with a stale cursor (server restarted, history trimmed)"
    if rec.status is not None and rec.status not in (200, 204):
        return fail(
            G,
            name,
            f"{sent}: {rec.status}: {stale} can never reconnect",
            "answer 200 and start over (or send what you still have)",
        )
    problem = _status_problem(rec, show, name)
    if problem is not None:
        return problem
    if rec.status == 204:
        return warn(G, name, f"{sent}: 204: {stale} is told to stop for good", "answer 200 and start over")
    kind, _ = relation(seen, -1, rec)
    if kind == "nothing":
        how = "an empty stream" if rec.end == "closed" else f"no event within {seconds(rec.ended_at)}"
        return warn(
            G,
            name,
            f"{sent}: 200 and {how}: {stale} never gets the job's events",
            "start over from the first event when the id is unknown",
        )
    if kind == "renumbered":
        return fail(
            G,
            name,
            f"{sent}: the ids restart on the new connection",
            "give every event one id for good, the same on every connection",
        )
    first = payload_events(rec)[0] if payload_events(rec) else None
    start = "starts over from the first event" if kind in ("exclusive", "start") else "sends events"
    return ok(G, name, f"{sent}: {start}" + (f" ({show.text(first.type, 20)})" if first else ""))
