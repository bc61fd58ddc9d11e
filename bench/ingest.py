"""Ingest throughput of `jobwatch tail --format jsonl` against two baselines on the same stream.

(a) a raw httpx byte reader (counts "\\n\\n"), (b) plain httpx-sse `aiter_sse`. Each client runs as its own
process against a demo server in another process; its start-up time, measured against an empty stream in
the same run, is subtracted. Two server modes: one flush per event, and bulk writes.
Usage: python bench/ingest.py [--events N] [--repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time

EVENT_BYTES = 150

RAW_CLIENT = """
import asyncio, sys, httpx
async def main():
    n = 0; tail = b""
    async with httpx.AsyncClient(timeout=None) as c, c.stream("GET", sys.argv[1]) as r:
        async for chunk in r.aiter_raw():
            n += (tail + chunk).count(b"\\n\\n"); tail = chunk[-1:]
    print(n)
asyncio.run(main())
"""

HTTPX_SSE_CLIENT = """
import asyncio, sys, httpx
from httpx_sse import aconnect_sse
async def main():
    n = 0
    async with httpx.AsyncClient(timeout=None) as c, aconnect_sse(c, "GET", sys.argv[1]) as source:
        async for _ in source.aiter_sse():
            n += 1
    print(n)
asyncio.run(main())
"""


def event(i: int) -> bytes:
    head = f"id: {i}\nevent: log\ndata: "
    line = {"line": "", "stream": "stdout"}
    pad = EVENT_BYTES - len(head) - len(json.dumps(line)) - 2
    line["line"] = "x" * max(pad, 0)
    return (head + json.dumps(line) + "\n\n").encode()


async def serve(count: int) -> None:
    from jobwatch.demo import DemoServer, RawResponse

    events = [event(i) for i in range(1, count + 1)]
    bulk = b"".join(events)
    async with DemoServer() as server:
        urls = {
            "flush": server.add_raw("flush", [RawResponse(body=events)]),
            "bulk": server.add_raw("bulk", [RawResponse(body=[bulk[i : i + 65536] for i in range(0, len(bulk), 65536)])]),
            "empty": server.add_raw("empty", [RawResponse(body=[])]),
        }  # fmt: skip
        print(json.dumps(urls), flush=True)
        await asyncio.Event().wait()


def timed(cmd: list[str], out_path: str) -> float:
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL, check=False)
        return time.perf_counter() - start


def clients(url: str) -> dict[str, list[str]]:
    py = sys.executable
    return {
        "raw httpx": [py, "-c", RAW_CLIENT, url],
        "httpx-sse": [py, "-c", HTTPX_SSE_CLIENT, url],
        "jobwatch tail": [py, "-m", "jobwatch", "tail", "--format", "jsonl", "--max-retries", "0", "--no-state", url],
    }  # fmt: skip


def count_output(name: str, path: str) -> int:
    with open(path, "rb") as f:
        data = f.read()
    return data.count(b"\n") if name == "jobwatch tail" else int(data or b"0")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per client; the best is kept")
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(args.events)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        urls = json.loads(server.stdout.readline())
        out_path = os.path.join(tempfile.mkdtemp(), "out")
        print(f"{args.events} events of {EVENT_BYTES} bytes, best of {args.repeat}, start-up subtracted")
        for mode in ("flush", "bulk"):
            rates: dict[str, float] = {}
            for name, cmd in clients(urls[mode]).items():
                startup = min(timed(clients(urls["empty"])[name], out_path) for _ in range(args.repeat))
                best = float("inf")
                for _ in range(args.repeat):
                    elapsed = timed(cmd, out_path)
                    got = count_output(name, out_path)
                    if got != args.events:
                        print(f"  {name}: got {got} events, expected {args.events}", file=sys.stderr)
                        return 1
                    best = min(best, elapsed)
                rates[name] = args.events / max(best - startup, 1e-9)
            raw, hs, ours = rates["raw httpx"], rates["httpx-sse"], rates["jobwatch tail"]
            print(f"server mode: {mode}")
            for name, rate in rates.items():
                print(f"  {name:14s} {rate:12,.0f} events/s")
            print(f"  tail / raw httpx = {ours / raw:.2f}x (target >= 0.75)")
            print(f"  tail / httpx-sse = {ours / hs:.2f}x (target >= 1.2)")
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        asyncio.run(serve(int(sys.argv[2])))
    else:
        raise SystemExit(main())
