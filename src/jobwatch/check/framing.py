"""Framing checks on the first connection's bytes: line endings, BOM, `retry:`, heartbeats, event types,
and data that is not JSON where the same type usually is."""

from __future__ import annotations

import json
from collections import Counter

from jobwatch.check.lines import BOM, ENDING_NAMES, Line, is_heartbeat, split_lines
from jobwatch.check.liveness import largest_gap
from jobwatch.check.model import Finding, Show, Thresholds, fail, ok, plural, seconds, skip, warn
from jobwatch.check.probe import Recording

G = "framing"
_NAMES = ("line-endings", "bom", "retry", "heartbeat", "event-types", "json")


def check_framing(rec: Recording, show: Show, limits: Thresholds) -> list[Finding]:
    """The framing findings of the first connection (skipped without a 200 stream)."""
    if not rec.streamed:
        return [skip(G, name, "no 200 response") for name in _NAMES]
    lines = split_lines(rec.body)
    return [
        line_endings(lines, show),
        bom(lines, show),
        retry(lines, show, limits),
        heartbeat(rec, lines, show, limits),
        event_types(rec, show),
        json_data(rec, show),
    ]


def line_endings(lines: list[Line], show: Show) -> Finding:
    """One line ending throughout: a mixture or lone CRs trip parsers that split on LF."""
    counts = Counter(line.ending for line in lines if line.ending)
    if not counts:
        return skip(G, "line-endings", "the body had no complete line")
    tally = ", ".join(f"{ENDING_NAMES[e]} ({n})" for e, n in counts.most_common())
    if len(counts) > 1:
        rare = counts.most_common()[-1][0]
        first = next(line for line in lines if line.ending == rare)
        return warn(
            G,
            "line-endings",
            f"mixed line endings: {tally}",
            "end every line the same way, with LF (\\n)",
            f"byte {first.offset}: {show.raw(first.text + first.ending)}",
        )
    if b"\r" in counts:
        return warn(
            G,
            "line-endings",
            f"lone CR line endings ({tally}): valid SSE, but many parsers outside "
            "browsers split lines on LF only",
            "end lines with LF (\\n)",
        )
    return ok(G, "line-endings", tally)


def bom(lines: list[Line], show: Show) -> Finding:
    """A BOM is stripped only at the very start, and only by conformant parsers."""
    inside = [line for line in lines[1:] if line.text.startswith(BOM)]
    if inside:
        where = inside[0]
        return fail(
            G,
            "bom",
            f"a BOM starts a line at byte {where.offset}: it becomes part of the field "
            "name and the line is ignored",
            "send a BOM only at the very start of the stream, or none",
            show.raw(where.text + where.ending),
        )
    if lines and lines[0].text.startswith(BOM):
        return warn(
            G,
            "bom",
            "the stream starts with a BOM: browsers drop it, other parsers read it as part "
            "of the first field name and lose that line",
            "do not send a BOM (SSE is always UTF-8)",
            show.raw(lines[0].text + lines[0].ending),
        )
    return ok(G, "bom", "none")


def retry(lines: list[Line], show: Show, limits: Thresholds) -> Finding:
    """`retry:` present, digits only (anything else is ignored) and neither tiny nor huge."""
    fields = [line for line in lines if line.field.removeprefix(BOM) == b"retry"]
    fix = "send `retry: 3000` (milliseconds, digits only) with the first event"
    if not fields:
        return warn(G, "retry", "no retry: field: clients reconnect after their own default (about 3 s)", fix)
    bad = [line for line in fields if not (line.value.isascii() and line.value.isdigit())]
    if bad:
        return fail(
            G,
            "retry",
            f"{plural(len(bad), 'retry: field')} that clients ignore (digits only, one "
            "optional space after the colon)",
            fix,
            *(show.raw(line.text) for line in bad[:3]),
        )
    value = int(fields[-1].value)
    low, high = limits.retry_range_ms
    shown = f"retry: {value} ms" + (f" (in {len(fields)} lines)" if len(fields) > 1 else "")
    if value < low:
        return warn(
            G,
            "retry",
            f"{shown}: every client comes back almost at once after each end, all together after an outage",
            f"use {low} ms or more, e.g. `retry: 3000`",
        )
    if value > high:
        return warn(
            G,
            "retry",
            f"{shown}: clients stay away for long after each end",
            f"use at most {high} ms, e.g. `retry: 3000`",
        )
    return ok(G, "retry", shown)


def heartbeat(rec: Recording, lines: list[Line], show: Show, limits: Thresholds) -> Finding:
    """Heartbeats as comments, which no handler sees; events as heartbeats reach every handler."""
    comments = [line for line in lines if line.text.startswith(b":")]
    beats = [seen.event for seen in rec.events if is_heartbeat(seen.event)]
    if beats:
        with_ids = sum(1 for event in beats if event.own_id is not None)
        ids = f", {with_ids} with an id" if with_ids else ""
        return warn(
            G,
            "heartbeat",
            f"{plural(len(beats), 'heartbeat')} sent as events{ids}: every client's "
            "handlers get them, and ids on them move the resume cursor",
            "send heartbeats as a comment line `: ping` and a blank line",
            f"type {show.text(beats[0].type, 40)}, data {show.text(beats[0].data, 40)}",
        )
    if comments:
        example = show.raw(comments[0].text, 40)
        return ok(G, "heartbeat", f"{plural(len(comments), 'comment')}, e.g. {example}")
    gap = largest_gap(rec)
    if gap.length >= limits.ping_every:
        return warn(
            G,
            "heartbeat",
            f"no heartbeat in a silence of {seconds(gap.length)}",
            f"send a comment line `: ping` every {limits.ping_every:g} s while idle",
        )
    return ok(
        G,
        "heartbeat",
        f"none needed: never idle for {limits.ping_every:g} s (longest silence {seconds(gap.length)})",
    )


def event_types(rec: Recording, show: Show) -> Finding:
    """Type names that a listener can match: no stray spaces, controls, or case variants."""
    counts = Counter(seen.event.type for seen in rec.events)
    if not counts:
        return skip(G, "event-types", "no event")
    tally = ", ".join(f"{show.plain(t, 40)} ({n})" for t, n in counts.most_common(8))
    odd = [t for t in counts if t != t.strip() or not t.isprintable()]
    folded = Counter(t.strip().lower() for t in counts)
    clash = [t for t in counts if folded[t.strip().lower()] > 1 and t not in odd]
    if odd or clash:
        names = ", ".join(show.text(t, 30) for t in [*odd, *clash][:4])
        return warn(
            G,
            "event-types",
            f"types that listeners miss: {names} (names compare exactly, spaces and case included)",
            "use one plain name per kind of event, e.g. `event: log`",
            tally,
        )
    return ok(G, "event-types", tally)


def json_data(rec: Recording, show: Show) -> Finding:
    """Data of a type that is usually JSON must always be JSON, or clients' JSON.parse throws."""
    parsed: dict[str, list[tuple[str | None, str, str | None]]] = {}
    for seen in rec.events:
        if is_heartbeat(seen.event):
            continue
        try:
            json.loads(seen.event.data)
            error = None
        except ValueError as exc:
            error = str(exc)
        parsed.setdefault(seen.event.type, []).append((seen.event.own_id, seen.event.data, error))
    if not parsed:
        return skip(G, "json", "no event")
    broken: list[str] = []
    json_types: list[str] = []
    text_types: list[str] = []
    for event_type, items in parsed.items():
        bad = [item for item in items if item[2] is not None]
        if len(bad) >= len(items) - len(bad):
            text_types.append(show.plain(event_type, 30))
        else:
            json_types.append(show.plain(event_type, 30))
            broken += [
                f"{show.plain(event_type, 30)} id {show.plain(str(i), 20)}: {show.text(d, 60)} "
                f"({show.plain(err or '', 60)})"
                for i, d, err in bad
            ]
    if broken:
        return fail(
            G,
            "json",
            f"{plural(len(broken), 'event')} whose data is not JSON where that type "
            "usually is: a client's JSON.parse throws",
            "send the whole JSON value in the event's data (one data: line per line of it)",
            *broken[:3],
        )
    parts = [f"JSON in every event of {', '.join(json_types)}"] if json_types else []
    parts += [f"text in {', '.join(text_types)}"] if text_types else []
    return ok(G, "json", "; ".join(parts))
