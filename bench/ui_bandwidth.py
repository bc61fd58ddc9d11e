"""Terminal bandwidth of the real dashboard (issue #11 item 2): what `python -m jobwatch` writes to a pty.

(a) bytes/s with 20 idle jobs and (b) with 20 jobs x 5 events/s, at 100x30 and 120x40, after a warm-up;
(c) through a pty drained at 16 KiB/s (1 KiB every 62 ms) with 20 busy jobs: how long a key (`?` opens help,
`escape` closes it) takes to show on the emulated screen, against the same keys on an undrained pty;
(d) the floor: the capture replayed through pyte, diffed once a second (changed cells + 24 B per run).
Each figure is printed beside its target and as a ratio to the floor of the same run. It reports, asserts
nothing.
Run: .venv/bin/python bench/ui_bandwidth.py [SECONDS per phase, default 20] [--help for the rest]
"""

from __future__ import annotations

import argparse
import statistics
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from ptykit import Chunk, Dashboard, JobServer, pump, sources
from screens import Floor, Terminal, bytes_between, floor

SIZES = ((100, 30), (120, 40))
KEY_SIZE = (100, 30)
TARGET_IDLE = 1024
TARGET_BUSY = 12 * 1024
TARGET_KEY = 1.0
LINK_BYTES, LINK_PERIOD = 1024, 0.062
KEYS = ((b"?", "?"), (b"\x1b", "escape"))


@dataclass
class Rate:
    """One window of output: bytes/s, as zlib would send it (ssh -C), and the floor of the same window."""

    rate: float
    compressed: float
    floor: Floor


def compressed_bytes(chunks: list[Chunk], start: float, end: float) -> int:
    """What the window costs through `ssh -C`: zlib, flushed after every write as ssh flushes per packet."""
    packer = zlib.compressobj(6)
    return sum(len(packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH))
               for at, data in chunks if start < at <= end)


def measure_rate(urls: list[str], cols: int, rows: int, warmup: float, seconds: float) -> Rate:
    chunks: list[Chunk] = []
    with Dashboard(sources(urls), cols, rows) as dash:
        pump(dash, dash.started + warmup, chunks)
        start = time.monotonic()
        pump(dash, start + seconds, chunks)
        end = time.monotonic()
    span = end - start
    return Rate(bytes_between(chunks, start, end) / span, compressed_bytes(chunks, start, end) / span,
                floor(chunks, cols, rows, start, end))


class Link:
    """Reads the dashboard's pty into an emulated terminal: at full speed, or drained at 16 KiB/s."""

    def __init__(self, dash: Dashboard, slow: bool) -> None:
        self.dash, self.slow = dash, slow
        self.term = Terminal(dash.cols, dash.rows)
        self.next_read = time.monotonic()

    def step(self, deadline: float) -> None:
        """Read once (waiting until the next read is due on a slow link) and feed the terminal."""
        if self.slow:
            if self.next_read > deadline:
                time.sleep(max(0.0, deadline - time.monotonic()))
                return
            time.sleep(max(0.0, self.next_read - time.monotonic()))
            self.next_read = max(self.next_read + LINK_PERIOD, time.monotonic() - LINK_PERIOD)
            data = self.dash.read(LINK_BYTES, timeout=0.0)
        else:
            data = self.dash.read(timeout=max(0.0, min(0.05, deadline - time.monotonic())))
        if data:
            self.term.feed(data)
        elif not self.dash.open:
            time.sleep(max(0.0, min(0.05, deadline - time.monotonic())))

    def run_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.step(end)

    def until(self, shown: Callable[[str], bool], timeout: float) -> float | None:
        """Seconds until `shown(screen text)` holds, or None after `timeout`."""
        started = time.monotonic()
        end = started + timeout
        while time.monotonic() < end:
            self.step(end)
            if shown(self.term.text()):
                return time.monotonic() - started
        return None


def help_count(text: str) -> int:
    return text.lower().count("help")


def key_samples(link: Link, pairs: int, timeout: float) -> tuple[list[float], str | None]:
    """Open and close help `pairs` times; latencies of every key, and the key that timed out, if any."""
    latencies: list[float] = []
    closed = help_count(link.term.text())
    for _ in range(pairs):
        for key, name in KEYS:
            link.dash.send(key)
            opening = name == "?"
            latency = link.until(lambda text, o=opening: (help_count(text) > closed) == o, timeout)
            if latency is None:
                return latencies, name
            latencies.append(latency)
            link.run_for(0.5)
    return latencies, None


def quit_latency(link: Link, timeout: float) -> float | None:
    """Seconds from `q` until the dashboard process has exited, or None after `timeout`."""
    link.dash.send(b"q")
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        link.step(started + timeout)
        if link.dash.process.poll() is not None:
            return time.monotonic() - started
    return None


def kib(rate: float) -> str:
    return f"{rate / 1024:.2f} KiB/s"


def rate_line(label: str, rate: Rate, target: int) -> str:
    verdict = "meets" if rate.rate <= target else f"{rate.rate / target:.1f}x over"
    ratio = rate.rate / rate.floor.rate if rate.floor.rate > 0 else float("inf")
    return (f"  {label}: {kib(rate.rate)}  target <= {kib(target)} ({verdict}); "
            f"{ratio:.1f}x the floor ({kib(rate.floor.rate)}); with ssh -C {kib(rate.compressed)}")


def latency_text(values: list[float], timed_out: str | None, timeout: float) -> str:
    if not values:
        return f"`{timed_out}` not on screen within {timeout:.0f} s"
    keys = f"{len(values)} key" + "s" * (len(values) > 1)
    text = f"median {statistics.median(values):.2f} s, max {max(values):.2f} s over {keys}"
    return text + (f"; then `{timed_out}` not on screen within {timeout:.0f} s" if timed_out else "")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("seconds", nargs="?", type=float, default=20.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before a window starts")
    parser.add_argument("--key-timeout", type=float, help="give up on a key after this (default: SECONDS)")
    parser.add_argument("--pairs", type=int, default=3, help="help open/close pairs per link")
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--rate", type=float, default=5.0, help="events/s per busy job")
    args = parser.parse_args()
    timeout = args.key_timeout or args.seconds
    print(f"ui_bandwidth: the real dashboard in a pty (TERM=xterm-256color), {args.seconds:.0f} s windows "
          f"after {args.warmup:.0f} s; floor = changed cells/s + 24 B per changed run")
    results: dict[str, dict[tuple[int, int], Rate]] = {}
    for kind, label in (("idle", f"(a) {args.jobs} idle jobs (one event, then `: ping` every 15 s)"),
                        ("busy", f"(b) {args.jobs} jobs x {args.rate:g} events/s")):
        print(label)
        target = TARGET_IDLE if kind == "idle" else TARGET_BUSY
        with JobServer(kind, args.jobs, args.rate) as server:
            for cols, rows in SIZES:
                rate = measure_rate(server.urls, cols, rows, args.warmup, args.seconds)
                results.setdefault(kind, {})[(cols, rows)] = rate
                print(rate_line(f"{cols}x{rows}", rate, target), flush=True)
    print(f"(c) key to screen, {args.jobs} busy jobs at {KEY_SIZE[0]}x{KEY_SIZE[1]}: `?` opens help, "
          f"`escape` closes it (target within {TARGET_KEY:g} s through 16 KiB/s)")
    with (JobServer("busy", args.jobs, args.rate) as server,
          Dashboard(sources(server.urls), *KEY_SIZE) as dash):
        link = Link(dash, slow=False)
        link.run_for(args.warmup)
        fast, fast_out = key_samples(link, args.pairs, timeout)
        print(f"  undrained pty (the floor): {latency_text(fast, fast_out, timeout)}", flush=True)
        link.slow = True
        link.run_for(min(args.seconds, 10.0))
        slow, slow_out = key_samples(link, args.pairs, timeout)
        ratio = (f"; {statistics.median(slow) / statistics.median(fast):.0f}x the undrained median"
                 if slow and fast else "")
        print(f"  pty drained at 16 KiB/s:   {latency_text(slow, slow_out, timeout)}{ratio}")
        if slow_out is None:
            quit_after = quit_latency(link, timeout)
            print("  `q` to process exit at 16 KiB/s: "
                  + (f"{quit_after:.2f} s" if quit_after is not None else f"not within {timeout:.0f} s"))
    print("(d) the floor (what sending only changed cells would need), same runs as (a) and (b)")
    for kind, by_size in results.items():
        for (cols, rows), rate in by_size.items():
            f = rate.floor
            print(f"  {kind} {cols}x{rows}: {kib(f.rate)} ({f.cells / f.seconds:.0f} cells/s in "
                  f"{f.runs / f.seconds:.0f} runs/s); measured {rate.rate / f.rate:.1f}x this"
                  if f.rate > 0 else f"  {kind} {cols}x{rows}: no cell changed")


if __name__ == "__main__":
    main()
