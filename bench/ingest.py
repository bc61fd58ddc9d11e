"""Ingest throughput of `jobwatch tail --format jsonl` against two baselines on the same stream.

Baselines: (a) a raw httpx byte reader (counts "\\n\\n"), (b) plain httpx-sse `aiter_sse`. Each client runs in
its own process and times itself from its request to the last event (imports excluded); tail's client
is `jobwatch.output.tail.run_tail(fmt="jsonl")`, the code behind `jobwatch tail --format jsonl` (real JSON
lines). The server runs in a third process and serves the same 150-byte events twice: one write+flush per
event, and in 64 KiB bulk writes. Each client runs --repeat times, interleaved with the others; its best run
counts.
Usage: python bench/ingest.py [--events N] [--repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys

import h11

EVENT_BYTES = 150

COMMON = """
import asyncio, sys, time, httpx
url = sys.argv[1]
"""
CLIENTS = {
    "raw httpx": COMMON
    + """
async def main():
    n, last = 0, b""
    async with httpx.AsyncClient(timeout=None) as c, c.stream("GET", url) as r:
        async for chunk in r.aiter_raw():
            n += (last + chunk).count(b"\\n\\n"); last = chunk[-1:]
    return n
""",
    "httpx-sse": COMMON
    + """
from httpx_sse import aconnect_sse
async def main():
    n = 0
    async with httpx.AsyncClient(timeout=None) as c, aconnect_sse(c, "GET", url) as source:
        async for _ in source.aiter_sse():
            n += 1
    return n
""",
    "jobwatch tail": COMMON
    + """
from jobwatch.stream.cursor import CursorStore
from jobwatch.stream.spec import StreamSpec
from jobwatch.output.tail import run_tail
class Lines:
    n = 0
    def write(self, data): self.n += data.count(b"\\n")
    def flush(self): pass
async def main():
    out = Lines()
    await run_tail([StreamSpec("bench", url, max_retries=0)], fmt="jsonl", cursors=CursorStore(None),
                   stdout=out, stderr=open("/dev/null", "w"))
    return out.n
""",
}
TIMER = """
start = time.perf_counter(); count = asyncio.run(main()); print(count, time.perf_counter() - start)
"""


def event(i: int) -> bytes:
    head = f"id: {i}\nevent: log\ndata: "
    line = {"line": "", "stream": "stdout"}
    line["line"] = "x" * max(EVENT_BYTES - len(head) - len(json.dumps(line)) - 2, 0)
    return (head + json.dumps(line) + "\n\n").encode()


async def serve(count: int) -> None:
    """A minimal SSE server for the benchmark: h11 reads the request; the body is pre-encoded."""
    events = [event(i) for i in range(1, count + 1)]
    bulk = b"".join(events)
    bodies = {"/flush": events, "/bulk": [bulk[i : i + 65536] for i in range(0, len(bulk), 65536)]}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        while (request := conn.next_event()) is h11.NEED_DATA:
            conn.receive_data(await reader.read(65536))
        assert isinstance(request, h11.Request)
        headers = [("Content-Type", "text/event-stream"), ("Connection", "close")]
        writer.write(conn.send(h11.Response(status_code=200, headers=headers)) or b"")
        for chunk in bodies[request.target.decode()]:
            writer.write(conn.send(h11.Data(data=chunk)) or b"")
            await writer.drain()
        writer.write(conn.send(h11.EndOfMessage()) or b"")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


def run_client(name: str, url: str, expected: int) -> float:
    result = subprocess.run(
        [sys.executable, "-c", CLIENTS[name] + TIMER, url], capture_output=True, text=True
    )
    count, elapsed = result.stdout.split()
    if int(count) != expected:
        raise SystemExit(f"{name}: got {count} events, expected {expected}\n{result.stderr}")
    return expected / float(elapsed)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per client and mode; the best is kept")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(args.events)], stdout=subprocess.PIPE)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        print(f"{args.events:,} events of {EVENT_BYTES} bytes; best of {args.repeat} runs")
        for mode in ("flush", "bulk"):
            url = f"http://127.0.0.1:{port}/{mode}"
            # Interleaved (raw, httpx-sse, tail, raw, ...) so a noisy moment on the machine hits all three.
            rates = dict.fromkeys(CLIENTS, 0.0)
            for _ in range(args.repeat):
                for name in CLIENTS:
                    rates[name] = max(rates[name], run_client(name, url, args.events))
            raw, hs, ours = rates["raw httpx"], rates["httpx-sse"], rates["jobwatch tail"]
            print(f"server writes: {'one flush per event' if mode == 'flush' else '64 KiB bulk writes'}")
            for name, rate in rates.items():
                print(f"  {name:14s} {rate:12,.0f} events/s")
            print(f"  tail / raw httpx = {ours / raw:.2f}x   (target >= 0.75)")
            print(f"  tail / httpx-sse = {ours / hs:.2f}x   (target >= {1.2 if mode == 'flush' else 1.5})")
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        asyncio.run(serve(int(sys.argv[2])))
    else:
        raise SystemExit(main())
