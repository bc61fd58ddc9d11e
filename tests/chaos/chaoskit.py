"""Chaos scenario runner: scripted jobs on a fault-injecting DemoServer over real loopback sockets, a ledger
per job (lost / duplicated / out-of-order counted apart), counters, and a guard that fails on any traceback.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import io
import json
import logging
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from jobwatch.demo import DemoServer, JobScript, Ledger
from jobwatch.demo.jobs import JobRuntime
from jobwatch.output.tail import run_tail
from jobwatch.stream.client import JobStream, make_client
from jobwatch.stream.cursor import CursorStore
from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.spec import StreamSpec

FAST: dict[str, Any] = {"heartbeat_timeout": 0.3, "max_backoff": 0.05, "initial_retry_ms": 5}
"""Stream options that keep a scenario quick: a 0.3 s heartbeat, backoff of a few milliseconds."""


class TracebackGuard:
    """Collects everything that would print a traceback while a scenario runs: logging records at ERROR or
    above, the loop's exception handler ("Task exception was never retrieved"), unraisable exceptions."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._handler = _Collect(self.problems)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._old_loop_handler: Any = None
        self._old_hook: Any = None

    def __enter__(self) -> TracebackGuard:
        self._loop = asyncio.get_running_loop()
        self._old_loop_handler = self._loop.get_exception_handler()
        self._loop.set_exception_handler(self._on_loop_error)
        self._old_hook = sys.unraisablehook
        sys.unraisablehook = self._on_unraisable
        logging.getLogger().addHandler(self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.collect()  # a never-retrieved task exception is reported when the task is collected
        logging.getLogger().removeHandler(self._handler)
        sys.unraisablehook = self._old_hook
        assert self._loop is not None
        self._loop.set_exception_handler(self._old_loop_handler)

    def _on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        self.problems.append(f"loop: {context.get('message')}: {context.get('exception')!r}")

    def _on_unraisable(self, unraisable: Any) -> None:
        self.problems.append(f"unraisable: {unraisable.exc_value!r} in {unraisable.object!r}")


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.ERROR)
        self._into = into

    def emit(self, record: logging.LogRecord) -> None:
        self._into.append(f"log {record.name}: {record.getMessage()} {record.exc_info!r}")


async def instant_sleep(seconds: float) -> None:
    """The streams' reconnect wait in most scenarios: only yields, so backoff costs no real time (the
    delay chosen is still reported in each RECONNECTING status)."""
    await asyncio.sleep(0)


class ChaosObserver(StreamObserver):
    """Feeds each job's events into its ledger and keeps what the checks need, in memory independent of the
    number of events: each failed connection's error and chosen delay, the highest attempt count."""

    def __init__(self, ledgers: dict[str, Ledger]) -> None:
        self.ledgers = ledgers
        self.failures: dict[str, list[str]] = {name: [] for name in ledgers}
        self.delays: dict[str, list[float]] = {name: [] for name in ledgers}
        self.max_attempt: dict[str, int] = dict.fromkeys(ledgers, 0)
        self._watches: dict[str, list[_Watch]] = {name: [] for name in ledgers}

    def watch(self, job: str, delivered: int, then: Callable[[], object] | None = None) -> asyncio.Event:
        """An event set once `job` has delivered at least `delivered` events; `then()` is called right
        there, synchronously, between two batches of events."""
        reached = asyncio.Event()
        self._watches[job].append((delivered, reached, then))
        self._check(job)
        return reached

    def on_events(self, job: str, events: list[SSEvent]) -> None:
        add = self.ledgers[job].add
        for event in events:
            add(event.own_id, event.type, event.data)
        if self._watches[job]:
            self._check(job)

    def on_status(self, job: str, status: StreamStatus) -> None:
        if status.state is StreamState.RECONNECTING and status.delay is not None:
            self.failures[job].append(status.last_error or "")
            self.delays[job].append(status.delay)
        self.max_attempt[job] = max(self.max_attempt[job], status.attempt)

    def _check(self, job: str) -> None:
        delivered = self.ledgers[job].delivered
        waiting = self._watches[job]
        for watch in [w for w in waiting if w[0] <= delivered]:
            waiting.remove(watch)
            _, reached, then = watch
            if then is not None:
                then()
            reached.set()


_Watch = tuple[int, asyncio.Event, Callable[[], object] | None]


@dataclass
class Outcome:
    """What one job's stream did in a scenario, and what the server saw of it."""

    name: str
    final: StreamStatus
    ledger: Ledger
    connections: int
    """Requests the server received for the job's URL."""
    failures: list[str]
    """The error of every failed connection, in order (one per reconnect the stream scheduled)."""
    delays: list[float]
    """The wait the stream chose after each failed connection (same order as `failures`)."""
    max_attempt: int

    @property
    def refused(self) -> int:
        """Attempts that never reached the server (the listener was closed)."""
        return sum(1 for error in self.failures if error.startswith("connection failed"))

    def failed_with(self, prefix: str) -> int:
        return sum(1 for error in self.failures if error.startswith(prefix))


def total_events(script: JobScript) -> int:
    """How many events with an id the job sends: its events, plus `complete` when it completes."""
    base = len(script.events) if script.events is not None else script.count
    return base + (1 if script.complete else 0)


def ledger_for(script: JobScript, seed: int = 0, *, check_data: bool = True) -> Ledger:
    expect = JobRuntime(script, seed).event if check_data else None
    return Ledger(total_events(script), expect)


async def run_streams(server: DemoServer, *, check_data: bool = True, **options: Any) -> dict[str, Outcome]:
    """Run one JobStream per job of `server` to its end; see run_targets for the options."""
    targets = {
        s.id: (server.job_url(s.id), ledger_for(s, server.seed, check_data=check_data)) for s in server.jobs
    }
    return await run_targets(server, targets, **options)


async def run_targets(
    server: DemoServer,
    targets: dict[str, tuple[str, Ledger]],
    *,
    sleep: bool = True,
    during: Callable[[ChaosObserver], Any] | None = None,
    **options: Any,
) -> dict[str, Outcome]:
    """Run a JobStream per target name → (url, ledger) until each ends (FAST options, then `options`), with
    a TracebackGuard; `sleep=False` waits for real between attempts. `during(observer)` is called first
    (e.g. to set watches); an awaitable it returns runs alongside (e.g. restarting the server) and is
    cancelled if still running when the streams end."""
    observer = ChaosObserver({name: ledger for name, (_, ledger) in targets.items()})
    with TracebackGuard() as guard:
        async with make_client() as client:
            streams = [
                JobStream(
                    replace(StreamSpec(name, url), **{**FAST, **options}),
                    observer,
                    client=client,
                    rng=random.Random(index),
                    sleep=instant_sleep if sleep else None,
                )
                for index, (name, (url, _)) in enumerate(targets.items())
            ]
            started = during(observer) if during is not None else None
            side = asyncio.ensure_future(started) if inspect.isawaitable(started) else None
            runs = asyncio.gather(*(stream.run() for stream in streams))
            try:
                if side is None:
                    finals = await runs
                else:
                    # A scenario step that fails (e.g. a restart that cannot listen again) must fail the
                    # test at once, not leave the streams retrying forever.
                    await asyncio.wait({runs, side}, return_when=asyncio.FIRST_COMPLETED)
                    if side.done() and not side.cancelled() and side.exception() is not None:
                        runs.cancel()
                        await asyncio.gather(runs, return_exceptions=True)
                        raise side.exception()  # type: ignore[misc]
                    finals = await runs
            finally:
                if side is not None:
                    side.cancel()
                    await asyncio.gather(side, return_exceptions=True)
            if side is not None and not side.cancelled() and side.exception() is not None:
                raise side.exception()  # type: ignore[misc]
    assert not guard.problems, guard.problems
    return {
        name: Outcome(
            name=name,
            final=final,
            ledger=ledger,
            connections=server.connections(url),
            failures=observer.failures[name],
            delays=observer.delays[name],
            max_attempt=observer.max_attempt[name],
        )
        for (name, (url, ledger)), final in zip(targets.items(), finals, strict=True)
    }


async def run_one(server: DemoServer, **options: Any) -> Outcome:
    """run_streams for a server with a single job."""
    (outcome,) = (await run_streams(server, **options)).values()
    return outcome


async def run_target(server: DemoServer, url: str, ledger: Ledger, **options: Any) -> Outcome:
    """run_targets for one URL (e.g. a raw response script) checked against `ledger`."""
    (outcome,) = (await run_targets(server, {"job": (url, ledger)}, **options)).values()
    return outcome


def assert_exact(outcome: Outcome, state: StreamState = StreamState.COMPLETED, *, restarts: int = 0) -> None:
    """Every event once, in order, intact; the final state; counters that agree with the server. Each of
    `restarts` server restarts may also swallow one attempt unseen (accepted, then reset before its
    request was read)."""
    name, final, ledger = outcome.name, outcome.final, outcome.ledger
    assert ledger.exact, f"{name}: {ledger.summary()}"
    assert final.state is state, f"{name}: {final}"
    assert final.events == ledger.delivered, f"{name}: status counts {final.events} events"
    assert final.reconnects == len(outcome.failures), f"{name}: {final.reconnects} reconnects"
    unseen = final.reconnects + 1 - outcome.connections - outcome.refused
    assert 0 <= unseen <= restarts, (
        f"{name}: {final.reconnects} reconnects, {outcome.connections} connections, {outcome.refused} refused"
    )
    if state is StreamState.COMPLETED:
        assert final.attempt == 0 and final.last_error is None, f"{name}: {final}"


class JsonlLedgers:
    """A binary stdout for run_tail(fmt="jsonl") that checks each line into its job's ledger as it comes."""

    def __init__(self, ledgers: dict[str, Ledger]) -> None:
        self.ledgers = ledgers
        self.rest = b""
        """A last line not finished yet."""

    def write(self, data: bytes) -> int:
        lines = (self.rest + data).split(b"\n")
        self.rest = lines.pop()
        for line in lines:
            record = json.loads(line)
            self.ledgers[record["job"]].add(record["id"], record["event"], record["data"])
        return len(data)

    def flush(self) -> None:
        pass


async def run_tail_jobs(server: DemoServer, **options: Any) -> tuple[int, dict[str, Ledger], list[str]]:
    """`jobwatch tail --format jsonl` (run_tail) over every job of `server`, with a TracebackGuard: returns
    (exit code, a ledger per job fed from stdout, stderr lines)."""
    scripts = server.jobs
    ledgers = {s.id: ledger_for(s, server.seed) for s in scripts}
    out, err = JsonlLedgers(ledgers), io.StringIO()
    specs = [replace(StreamSpec(s.id, server.job_url(s.id)), **{**FAST, **options}) for s in scripts]
    with TracebackGuard() as guard:
        code = await run_tail(specs, fmt="jsonl", cursors=CursorStore(None), stdout=out, stderr=err)  # type: ignore[arg-type]
    assert not guard.problems, guard.problems
    assert out.rest == b"", "stdout ended inside a line"
    return code, ledgers, err.getvalue().splitlines()
