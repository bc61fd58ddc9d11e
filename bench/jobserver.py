"""The benches' SSE server in a process of its own: N idle or busy jobs on 127.0.0.1 (jobwatch.demo).

Prints one job URL per line, then `ready`; answers each `stats SINCE` line on stdin with one JSON line
saying how many event streams were opened since SINCE and when (CLOCK_MONOTONIC seconds, the same clock in
every process). Exits at stdin EOF.
Run: python bench/jobserver.py idle|busy COUNT [--rate EVENTS_PER_SECOND]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from jobwatch.demo import DemoServer, JobScript

RUNNING = '{"status": "running"}'


def scripts(kind: str, count: int, rate: float) -> list[JobScript]:
    """idle: one `status running` event, then `: ping` every 15 s; busy: generated CI events at `rate`/s
    (enough of them for an hour, so a job never ends during a bench)."""
    if kind == "idle":
        return [JobScript(f"idle-{i:04d}", events=[("status", RUNNING)], complete=False)
                for i in range(count)]
    return [JobScript(f"busy-{i:02d}", count=int(rate * 3600), interval=1.0 / rate, complete=False)
            for i in range(count)]


def stats(server: DemoServer, since: float) -> dict[str, float | int | None]:
    """Event-stream requests since `since`: how many, to how many jobs, the first one, the last job opened."""
    opened: dict[str, float] = {}
    total = 0
    for request in server.requests:
        if request.path.endswith("/events") and request.at >= since:
            total += 1
            opened.setdefault(request.path, request.at)
    return {"requests": total, "jobs": len(opened), "first": min(opened.values(), default=None),
            "all": max(opened.values(), default=None)}


async def serve(kind: str, count: int, rate: float) -> None:
    loop = asyncio.get_running_loop()
    async with DemoServer(scripts(kind, count, rate), ping_interval=15.0) as server:
        print("\n".join(server.job_url(job.id) for job in server.jobs), flush=True)
        print("ready", flush=True)
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            match line.split():
                case ["stats", since]:
                    print(json.dumps(stats(server, float(since))), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=("idle", "busy"))
    parser.add_argument("count", type=int)
    parser.add_argument("--rate", type=float, default=5.0, help="events per second per busy job")
    args = parser.parse_args()
    asyncio.run(serve(args.kind, args.count, args.rate))


if __name__ == "__main__":
    main()
