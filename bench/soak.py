"""Soak: does anything get lost, repeated or reordered, or does memory creep, over a long faulty run?

Part 1: one job of --events events cut by --drops random drops (random byte offsets). Part 2: --streams
streams, each running seeded jobs with random faults (drops, 5xx/4xx flaps with and without Retry-After,
silences without pings, slow bytes, replays, inclusive resumes, bursts; LF/CRLF/CR) back to back for
--minutes, while the server restarts on the same port now and then. Every event is checked (id and data).
Prints lost / duplicated / out-of-order counts, reconnects, events/s and RSS; exits 1 on any loss,
duplicate, reordering, corruption, unexpected final state or traceback.
Run: .venv/bin/python bench/soak.py [--minutes 5] [--streams 50] [--drops 1000] [--events 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from jobwatch.demo import DemoServer, Fault, JobScript, Ledger, random_faults
from jobwatch.demo.jobs import JobRuntime
from jobwatch.stream.client import JobStream, make_client
from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.spec import StreamSpec

HEARTBEAT = 2.0
SILENCE = 3.0
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 1e6


def memory() -> tuple[float, int]:
    """(RSS in MB, live Python memory blocks after a full collection): the second counts retained objects
    without the allocator's noise (it still includes the events of the jobs running at that moment)."""
    gc.collect()
    return rss_mb(), sys.getallocatedblocks()


class Problems(logging.Handler):
    """Anything that would print a traceback: ERROR log records and the loop's exception handler."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(f"log {record.name}: {record.getMessage()}")

    def on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
        self.seen.append(f"loop: {context.get('message')}: {context.get('exception')!r}")


class Checker(StreamObserver):
    """Feeds every job's events into its ledger; counts failed connections by cause."""

    def __init__(self) -> None:
        self.ledgers: dict[str, Ledger] = {}
        self.causes: Counter[str] = Counter()

    def on_events(self, job: str, events: list[SSEvent]) -> None:
        add = self.ledgers[job].add
        for event in events:
            add(event.own_id, event.type, event.data)

    def on_status(self, job: str, status: StreamStatus) -> None:
        if status.state is StreamState.RECONNECTING and status.delay is not None:
            error = status.last_error or ""
            self.causes[error.partition(":")[0]] += 1


@dataclass
class Totals:
    """Sums over every job of a part."""

    jobs: int = 0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    unexpected: int = 0
    corrupted: int = 0
    reconnects: int = 0
    connections: int = 0
    bad_states: list[str] = field(default_factory=list)

    def add(self, name: str, ledger: Ledger, final: StreamStatus | None, connections: int) -> None:
        """A finished job (final status), or one cut by the deadline (None: only its prefix counts)."""
        self.jobs += 1
        self.delivered += ledger.delivered
        self.lost += ledger.lost if final is not None else ledger.highest - ledger.distinct
        self.duplicated += ledger.duplicated
        self.out_of_order += ledger.out_of_order
        self.unexpected += ledger.unexpected
        self.corrupted += ledger.corrupted
        self.connections += connections
        if final is not None:
            self.reconnects += final.reconnects
            if final.state is not StreamState.COMPLETED:
                self.bad_states.append(f"{name}: {final.state} {final.last_error}")

    @property
    def clean(self) -> bool:
        counts = (self.lost, self.duplicated, self.out_of_order, self.unexpected, self.corrupted)
        return not any(counts) and not self.bad_states


def spec_for(server: DemoServer, script: JobScript) -> StreamSpec:
    return StreamSpec(script.id, server.job_url(script.id), heartbeat_timeout=HEARTBEAT, max_backoff=0.5)


def connections_of(server: DemoServer, script: JobScript) -> int:
    """Requests the job had; its records are dropped so the server's memory stays flat."""
    path = f"/jobs/{script.id}/events"
    count = sum(1 for r in server.requests if r.path == path)
    server.requests[:] = [r for r in server.requests if r.path != path]
    return count


async def part_one(events: int, drops: int, seed: int) -> tuple[Totals, Checker, float]:
    script = JobScript("drops", count=events, interval=0, retry_ms=5, faults=[Fault.random_drops(drops)])
    totals, checker = Totals(), Checker()
    async with DemoServer([script], seed=seed) as server, make_client() as client:
        checker.ledgers[script.id] = Ledger(events + 1, JobRuntime(script, seed).event)
        started = time.perf_counter()
        stream = JobStream(spec_for(server, script), checker, client=client, rng=random.Random(seed))
        final = await stream.run()
        elapsed = time.perf_counter() - started
        totals.add(script.id, checker.ledgers[script.id], final, connections_of(server, script))
    return totals, checker, elapsed


def chaotic_job(rng: random.Random, name: str) -> JobScript:
    count = rng.randint(500, 5000)
    faults = random_faults(rng, count, rng.randint(1, 12), silence=SILENCE, retry_after=(None, "1"))
    if count <= 1000 and rng.random() < 0.15:
        faults.append(Fault.slow(bytes_per_write=rng.randint(16, 256), delay=0.001))
    if rng.random() < 0.3:
        faults.append(Fault.inclusive_resume())
    ending = rng.choice(["\n", "\r\n", "\r"])
    return JobScript(name, count=count, interval=0, retry_ms=20, line_ending=ending, faults=faults)  # type: ignore[arg-type]


async def stream_worker(
    number: int,
    server: DemoServer,
    client: httpx.AsyncClient,
    seed: int,
    deadline: float,
    totals: Totals,
    checker: Checker,
) -> None:
    """Run jobs one after another until the deadline; the one still running then is checked as a prefix."""
    rng = random.Random(f"{seed}:{number}")
    for job_no in range(1_000_000):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        script = chaotic_job(rng, f"s{number}-{job_no}")
        server.add_job(script)
        ledger = checker.ledgers[script.id] = Ledger(script.count + 1, JobRuntime(script, server.seed).event)
        jitter = random.Random(f"{seed}:{script.id}")
        stream = JobStream(spec_for(server, script), checker, client=client, rng=jitter)
        task = asyncio.create_task(stream.run())
        done, _ = await asyncio.wait({task}, timeout=remaining)
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        totals.add(script.id, ledger, task.result() if done else None, connections_of(server, script))
        del checker.ledgers[script.id]
        server.remove_job(script.id)


async def restarter(server: DemoServer, seed: int, deadline: float, restarts: list[float]) -> None:
    """Restart the server every 15-45 s (down for up to half a second) until the deadline."""
    rng = random.Random(f"{seed}:restarts")
    while (pause := rng.uniform(15, 45)) < deadline - time.monotonic():
        await asyncio.sleep(pause)
        down = rng.uniform(0, 0.5)
        await server.restart(down=down)
        restarts.append(down)


async def sampler(start: float, seconds: float, samples: dict[str, tuple[float, int]]) -> None:
    for label, fraction in (("10%", 0.1), ("50%", 0.5), ("90%", 0.9)):
        await asyncio.sleep(max(0.0, start + seconds * fraction - time.monotonic()))
        samples[label] = memory()


async def part_two(
    streams: int, minutes: float, seed: int
) -> tuple[Totals, Checker, float, int, dict[str, tuple[float, int]]]:
    totals, checker, restarts = Totals(), Checker(), []
    seconds = minutes * 60
    samples = {"start": memory()}
    async with DemoServer(seed=seed, ping_interval=60) as server, make_client() as client:
        started = time.monotonic()
        deadline = started + seconds
        sampling = asyncio.create_task(sampler(started, seconds, samples))
        restarting = asyncio.create_task(restarter(server, seed, deadline, restarts))
        workers = [stream_worker(n, server, client, seed, deadline, totals, checker) for n in range(streams)]
        await asyncio.gather(*workers)
        elapsed = time.monotonic() - started
        sampling.cancel()
        restarting.cancel()
        await asyncio.gather(sampling, restarting, return_exceptions=True)
    samples["end"] = memory()
    return totals, checker, elapsed, len(restarts), samples


def report(title: str, totals: Totals, checker: Checker, elapsed: float) -> None:
    print(title)
    print(f"  jobs {totals.jobs}, events delivered {totals.delivered:,} in {elapsed:.1f}s "
          f"= {totals.delivered / elapsed:,.0f} events/s (every id and payload checked)")  # fmt: skip
    print(f"  lost {totals.lost}, duplicated {totals.duplicated}, out of order {totals.out_of_order}, "
          f"unexpected {totals.unexpected}, corrupted {totals.corrupted}")  # fmt: skip
    print(f"  connections {totals.connections:,} (all jobs), reconnects {totals.reconnects:,} (jobs ended)")
    print("  failed connections by cause: " + ", ".join(f"{k} {v}" for k, v in checker.causes.most_common()))
    for line in totals.bad_states[:10]:
        print(f"  NOT COMPLETED: {line}")


async def main(args: argparse.Namespace) -> int:
    problems = Problems()
    logging.getLogger().addHandler(problems)
    asyncio.get_running_loop().set_exception_handler(problems.on_loop_error)
    rss_before = rss_mb()
    one, checker, elapsed = await part_one(args.events, args.drops, args.seed)
    report(f"1) one job of {args.events:,} events, {args.drops:,} random drops", one, checker, elapsed)
    print(f"  RSS {rss_before:.1f} MB before, {rss_mb():.1f} MB after")
    two, checker, elapsed, restarts, rss = await part_two(args.streams, args.minutes, args.seed)
    title = f"2) {args.streams} streams, random faults, {args.minutes:g} min, {restarts} server restarts"
    report(title, two, checker, elapsed)
    print("  RSS " + ", ".join(f"{k} {mb:.1f} MB" for k, (mb, _) in rss.items()))
    print("  Python memory blocks " + ", ".join(f"{k} {blocks:,}" for k, (_, blocks) in rss.items()))
    for base in ("start", "10%", "50%"):
        (mb, blocks), (end_mb, end_blocks) = rss[base], rss["end"]
        print(f"  growth {base} -> end: RSS x{end_mb / mb:.3f}, blocks x{end_blocks / blocks:.3f}")
    print(f"tracebacks: {len(problems.seen)}" + "".join(f"\n  {p}" for p in problems.seen[:10]))
    ok = one.clean and two.clean and not problems.seen
    print("OK: nothing lost, duplicated or reordered" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--drops", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    raise SystemExit(asyncio.run(main(parser.parse_args())))
