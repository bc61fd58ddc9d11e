"""Id checks: an id on every event, ids that only move forward and never repeat, and ids that mean the same
event on every connection (not numbered per connection, as NestJS's automatic ids are)."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from jobwatch.check.lines import is_heartbeat
from jobwatch.check.model import Finding, Show, fail, ok, plural, skip, warn
from jobwatch.check.probe import Recording
from jobwatch.stream.events import SSEvent

G = "ids"
_STABLE_FIX = (
    "give every event one id for good, e.g. its sequence number in the job, the same on every connection"
)


def payload_events(rec: Recording) -> list[SSEvent]:
    """The connection's events, heartbeats left out."""
    return [seen.event for seen in rec.events if not is_heartbeat(seen.event)]


def with_ids(rec: Recording) -> list[SSEvent]:
    """The connection's events that carry a non-empty id of their own, heartbeats left out."""
    return [event for event in payload_events(rec) if event.own_id]


def content(event: SSEvent) -> tuple[str, str]:
    """What identifies an event besides its id: its type and data."""
    return event.type, event.data


def meanings(events: Sequence[SSEvent]) -> dict[str, SSEvent]:
    """Each id of `events` and the event it stands for; ids used for two different events are left out
    (ids.order reports those), so a later connection is never blamed for them."""
    known: dict[str, SSEvent] = {}
    ambiguous: set[str] = set()
    for event in events:
        first = known.setdefault(event.own_id or "", event)
        if content(first) != content(event):
            ambiguous.add(event.own_id or "")
    return {key: event for key, event in known.items() if key not in ambiguous}


def check_ids(main: Recording, probes: Sequence[Recording], show: Show) -> list[Finding]:
    """The id findings: the first connection, and later ones for per-connection numbering."""
    if not main.streamed:
        return [skip(G, name, "no 200 response") for name in ("present", "order", "per-connection")]
    return [present(main, show), order(main, show), per_connection(main, probes, show)]


def present(rec: Recording, show: Show) -> Finding:
    """Every event needs an id of its own, or a reconnect cannot say where the client stopped."""
    events = payload_events(rec)
    if not events:
        return skip(G, "present", "no event")
    missing = Counter(event.type for event in events if event.own_id is None)
    empty = [event for event in events if event.own_id == ""]
    fix = "send `id: <n>` with every event, n increasing through the job"
    if sum(missing.values()) == len(events):
        return fail(
            G,
            "present",
            f"none of {plural(len(events), 'event')} carries an id: a client that "
            "reconnects cannot say where it stopped, so events are lost or repeated",
            fix,
        )
    if missing:
        types = ", ".join(f"{show.plain(t, 30)} ({n})" for t, n in missing.most_common(5))
        return warn(
            G,
            "present",
            f"{sum(missing.values())} of {len(events)} events carry no id ({types}): "
            "they cannot be told apart when a resume sends them again",
            fix,
        )
    if empty:
        return warn(
            G,
            "present",
            f"{plural(len(empty), 'empty id:')} reset the client's cursor: its next reconnect starts over",
            fix,
            f"event type {show.text(empty[0].type, 30)}",
        )
    return ok(G, "present", f"all {plural(len(events), 'event')} carry an id")


def order(rec: Recording, show: Show) -> Finding:
    """Ids must only move forward on a connection, and one id must mean one event."""
    events = with_ids(rec)
    if len(events) < 2:
        return skip(G, "order", "fewer than 2 events with an id")
    ids = [event.own_id or "" for event in events]
    numeric = all(i.isascii() and i.isdigit() for i in ids)
    if numeric:
        for before, after in itertools.pairwise(events):
            if int(after.own_id or 0) < int(before.own_id or 0):
                return fail(
                    G,
                    "order",
                    f"the id moves back from {show.plain(before.own_id or '', 20)} to "
                    f"{show.plain(after.own_id or '', 20)}: a client resuming from it gets events "
                    "again, or misses them",
                    _STABLE_FIX,
                    f"{show.text(after.type, 30)} {show.text(after.data, 50)}",
                )
    first: dict[str, SSEvent] = {}
    for event in events:
        seen = first.setdefault(event.own_id or "", event)
        if seen is event:
            continue
        shown = show.plain(event.own_id or "", 20)
        if content(seen) != content(event):
            return fail(
                G,
                "order",
                f"id {shown} is used for two different events: a client resuming from it "
                "cannot know which one it has",
                _STABLE_FIX,
                f"{show.text(seen.data, 50)} and {show.text(event.data, 50)}",
            )
        return fail(
            G,
            "order",
            f"event {shown} is sent twice on one connection",
            "send each event once",
            f"{show.text(event.type, 30)} {show.text(event.data, 50)}",
        )
    if numeric:
        return ok(
            G, "order", f"ids increase, {show.plain(ids[0], 20)} to {show.plain(ids[-1], 20)}, none repeated"
        )
    return ok(G, "order", f"{len(ids)} ids, none repeated (not numbers: order not checked)")


def per_connection(main: Recording, probes: Sequence[Recording], show: Show) -> Finding:
    """The same id must mean the same event on every connection (no automatic ids)."""
    known = meanings(with_ids(main))
    later = [event for rec in probes for event in with_ids(rec)]
    compared = [event for event in later if event.own_id in known]
    if not later:
        return skip(G, "per-connection", "no later connection brought events with ids")
    for event in compared:
        before = known[event.own_id or ""]
        if content(before) != content(event):
            shown = show.plain(event.own_id or "", 20)
            return fail(
                G,
                "per-connection",
                f"id {shown} means another event on a later connection: ids "
                "restart per connection (automatic ids), so resuming skips or repeats events",
                _STABLE_FIX,
                f"first connection: {show.text(before.type, 20)} {show.text(before.data, 50)}",
                f"later one: {show.text(event.type, 20)} {show.text(event.data, 50)}",
            )
    connections = plural(1 + sum(1 for rec in probes if with_ids(rec)), "connection")
    return ok(
        G,
        "per-connection",
        f"the same id meant the same event on {connections} ({plural(len(compared), 'id')} met again)",
    )
