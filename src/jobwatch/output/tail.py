"""`jobwatch tail`: run many streams headless, one line per event on stdout, state lines on stderr."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import IO

from jobwatch.alertrules import AlertRule
from jobwatch.clocktext import clock_time
from jobwatch.output.alerts import TailAlerts
from jobwatch.output.colour import JobNames, wants_colour
from jobwatch.output.jsonl import event_line, event_lines, quote
from jobwatch.output.writer import CommittingOutput, Interrupted, SafeStderr, stream_writer, watch_reader_gone
from jobwatch.stream.client import JobStream, make_client
from jobwatch.stream.cursor import CursorStore
from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.replay import cursor_fingerprint
from jobwatch.stream.spec import StreamSpec
from jobwatch.textsafe import sanitize

EXIT_OK, EXIT_FAILED = 0, 1
EXIT_STDOUT_CLOSED = 128 + signal.SIGPIPE
"""141, as a shell reports a process killed by SIGPIPE: stdout closed (`tail | head`), cursors saved."""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""Each ends the run with every written cursor saved, exit status 128 + its number (130, 143, 129)."""
INSECURE_WARNING = (
    "jobwatch: warning: TLS verification is off (--insecure): certificates are not checked, so anyone "
    "on the network path can read and change the streams and the credentials sent with them\n"
)


def text_line(job: str, event: SSEvent, stamp: str) -> str:
    """`HH:MM:SS.mmm  <job>  <event-type>  <data>` with every control character shown escaped; `job` is
    already shown as it must be (escaped, maybe coloured: `JobNames`)."""
    return f"{stamp}  {job}  {sanitize(event.type)}  {sanitize(event.data)}\n"


def state_line(job: str, status: StreamStatus) -> str | None:
    """The stderr line for a status change, or None when nothing a user needs to read changed."""
    state = status.state
    error = f": {status.last_error}" if status.last_error else ""
    if state is StreamState.RECONNECTING and status.delay is not None:
        text = f"reconnecting in {status.delay:.1f}s (attempt {status.attempt + 1}){error}"
    elif state is StreamState.POLLING:
        text = "polling" + (f" ({status.last_error})" if status.last_error else "")
    elif state is StreamState.FAILED:
        text = f"failed{error}"
    elif state is StreamState.GAVE_UP:
        plural = "s" if status.attempt != 1 else ""
        text = f"gave up after {status.attempt} failed connection{plural}{error}"
    elif state is StreamState.COMPLETED:  # a detail such as "completed earlier at id 9" is shown as it is
        detail = status.detail or ""
        text = f"completed ({detail})" if detail else "completed"
        if detail.startswith("completed"):
            text = detail
    elif state in (StreamState.CONNECTING, StreamState.OPEN, StreamState.STOPPED):
        text = "open" if state is StreamState.OPEN else state.value
    else:
        return None
    return f"jobwatch: {sanitize(job)}: {sanitize(text)}\n"


class TailPrinter(StreamObserver):
    """Formats events to stdout and state changes to stderr; every cursor move (and a job's completion)
    is queued behind the lines before it, so the cursor store only learns what stdout has taken."""

    def __init__(
        self,
        specs: Sequence[StreamSpec],
        fmt: str,
        out: CommittingOutput,
        err: IO[str] | SafeStderr,
        wallclock: Callable[[], float] = time.time,
        colour: bool = False,
        alerts: TailAlerts | None = None,
    ) -> None:
        self._urls = {spec.name: spec.url for spec in specs}
        self._queued = {spec.name: (spec.last_event_id, spec.completed) for spec in specs}
        self._out = out
        self._err = err
        self._jsonl = fmt == "jsonl"
        self._wallclock = wallclock
        self._shown: dict[str, tuple[StreamState, float | None]] = {}
        self.final: dict[str, StreamState] = {}
        self._quoted: dict[str, str] = {}
        self._names = JobNames(colour)
        self._alerts = alerts

    def on_events(self, job: str, events: list[SSEvent]) -> None:
        if self._jsonl:
            quoted = self._quoted.get(job) or self._quoted.setdefault(job, quote(job))
            if len(events) == 1:
                event = events[0]
                text = event_line(quoted, event.last_event_id, event.type, event.data)
            else:
                text = event_lines(quoted, events)
        else:
            stamp = clock_time(self._wallclock())
            name = self._names(job)
            text = "".join([text_line(name, event, stamp) for event in events])
        self._out.add(text, self._urls[job], events)
        self._queued[job] = (events[-1].last_event_id, False)
        if self._alerts is not None:
            self._say(self._alerts.events(job, events))

    def on_status(self, job: str, status: StreamStatus) -> None:
        cursor = (status.last_event_id, status.job_done)
        if self._queued[job] != cursor:  # an id-only block, or the job ended for good
            self._queued[job] = cursor
            self._out.move(self._urls[job], *cursor)
        if status.state.is_final:
            self.final[job] = status.state
        if self._alerts is not None:
            self._say(self._alerts.status(job, status))
        key = (status.state, status.delay)
        if self._shown.get(job) == key or self._out.broken:  # quiet once stdout is gone
            return
        self._shown[job] = key
        line = state_line(job, status)
        if line is not None:
            self._out.flush()  # keep stdout and stderr in the order things happened
            self._err.write(line)
            self._err.flush()

    def _say(self, lines: list[str]) -> None:
        """Alert lines on stderr, after the event lines before them."""
        if lines and not self._out.broken:
            self._out.flush()
            self._err.write("".join(lines))
            self._err.flush()

    def on_notice(self, job: str, message: str) -> None:
        if not self._out.broken:
            self._out.flush()
            self._err.write(f"jobwatch: {sanitize(job)}: {sanitize(message)}\n")
            self._err.flush()


class _Ending:
    """Ends the run for the first reason that comes: a signal, or stdout closed or failing."""

    def __init__(self, err: SafeStderr) -> None:
        self._err = err
        self.code: int | None = None
        self.signalled: int | None = None
        """Set by the signal handler itself, before the loop runs `stop`, so the signal's status wins."""
        self.tasks: list[asyncio.Task[object]] = []
        self.out: CommittingOutput | None = None

    def stop(self, code: int) -> None:
        """End with `code` unless a signal or another reason came first: no more output, tasks cancelled."""
        if self.code is None:
            self.code = self.signalled or code
        if self.out is not None:
            self.out.close(broken=False)
        for task in self.tasks:
            task.cancel()

    def stdout_closed(self, error: OSError | None) -> None:
        """Stdout is gone (error None: exit 141, quietly) or failing (one line on stderr, exit 1)."""
        if error is not None and self.signalled is None:
            self._err.write(f"jobwatch: cannot write to stdout: {sanitize(error.strerror or str(error))}\n")
        self.stop(EXIT_STDOUT_CLOSED if error is None else EXIT_FAILED)


async def run_tail(
    specs: Sequence[StreamSpec],
    *,
    fmt: str = "text",
    cursors: CursorStore,
    redactor: Callable[[str], str] = str,
    verify: bool | str = True,
    stdout: IO[bytes] | None = None,
    stderr: IO[str] | None = None,
    alert_rules: Sequence[AlertRule] = (),
) -> int:
    """Run every stream concurrently until each has ended or the run is stopped; returns the exit code
    (design §2). Cursors are saved exactly (not debounced) on the way out, whatever ended the run."""
    err = SafeStderr(stderr if stderr is not None else sys.stderr)
    if verify is False:
        err.write(INSECURE_WARNING)
    out_stream: IO[bytes] | None = stdout
    if out_stream is None and sys.stdout is not None:
        out_stream = sys.stdout.buffer
    if out_stream is None:  # started with stdout closed (`>&-`): nothing can ever be written
        return EXIT_STDOUT_CLOSED
    ending = _Ending(err)
    write, fd = stream_writer(out_stream)

    def commit(url: str, last_event_id: str, completed: bool, events: Sequence[SSEvent]) -> None:
        fingerprint = cursor_fingerprint(events) if events else None
        cursors.set(url, last_event_id, completed=completed, fingerprint=fingerprint)

    out = ending.out = CommittingOutput(write, fd, commit, ending.stdout_closed)
    alerts = TailAlerts(alert_rules) if alert_rules else None
    printer = TailPrinter(specs, fmt, out, err, colour=fmt == "text" and wants_colour(fd), alerts=alerts)
    async with make_client(verify) as client:
        streams = [JobStream(s, printer, client=client, redactor=redactor) for s in specs]
        ending.tasks = [asyncio.create_task(s.run(), name=s.spec.name) for s in streams]
        everything = asyncio.gather(*ending.tasks, return_exceptions=True)
        restore = _handle_signals(ending, out)
        unwatch = watch_reader_gone(fd, lambda: out.close())
        ticker = asyncio.get_running_loop().create_task(_flush_cursors_periodically(cursors))
        try:
            results = await everything
        finally:
            ticker.cancel()
            unwatch()
            out.flush()  # a signal may still interrupt it: the handlers are restored only after the save
            cursors.flush()
            restore()
    stopped = ending.code if ending.code is not None else ending.signalled
    if stopped is not None:
        return stopped
    for spec, result in zip(specs, results, strict=True):
        if isinstance(result, Exception):  # a bug, not a stream outcome: one line, no traceback
            printer.final[spec.name] = StreamState.FAILED
            cause = redactor(f"{type(result).__name__}: {result}")
            err.write(f"jobwatch: {sanitize(spec.name)}: internal error: {sanitize(cause)}\n")
    failed = {StreamState.FAILED, StreamState.GAVE_UP}
    return EXIT_FAILED if any(state in failed for state in printer.final.values()) else EXIT_OK


def _handle_signals(ending: _Ending, out: CommittingOutput) -> Callable[[], None]:
    """Stop on SIGINT, SIGTERM and SIGHUP; returns the function restoring the previous handlers.

    Plain `signal.signal` handlers rather than the loop's, so that a wait for a reader that stopped
    reading is interrupted too (Interrupted: the lines not yet written are not committed). SIGPIPE stays
    ignored (Python's default, set again here on purpose): a closed stdout is then an EPIPE error, after
    which the cursors are saved and the run exits 141 itself, instead of dying with cursors in memory.
    """
    loop = asyncio.get_running_loop()

    def on_signal(signum: int, _frame: object) -> None:
        ending.signalled = ending.signalled or 128 + signum
        out.stopping = True
        loop.call_soon_threadsafe(ending.stop, 128 + signum)
        if out.waiting:
            raise Interrupted

    previous: dict[int, object] = {}
    try:
        for sig in (*STOP_SIGNALS, signal.SIGPIPE):
            previous[sig] = signal.signal(sig, signal.SIG_IGN if sig == signal.SIGPIPE else on_signal)
    except ValueError:  # not the main thread: signals are the caller's business
        pass

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]  # getsignal's None goes back as it was

    return restore


async def _flush_cursors_periodically(cursors: CursorStore, every: float = 1.0) -> None:
    while True:
        await asyncio.sleep(every)
        cursors.maybe_flush()
