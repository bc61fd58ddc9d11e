"""tail's output queue: a cursor moves only once the line of its event was written whole (issue #8.6)."""

from __future__ import annotations

import errno
import io
from collections.abc import Sequence

from jobwatch.output.writer import CommittingOutput, SafeStderr
from jobwatch.stream.events import SSEvent

A, B = "http://a/events", "http://b/events"


class Pipe:
    """Takes `capacity` bytes in all, then fails like a pipe whose reader left (a partial write first)."""

    def __init__(self, capacity: int = 1 << 30, error: OSError | None = None) -> None:
        self.capacity = capacity
        self.error = error or BrokenPipeError(errno.EPIPE, "Broken pipe")
        self.data = b""

    def __call__(self, chunk: bytes | memoryview) -> int:
        room = self.capacity - len(self.data)
        if room <= 0:
            raise self.error
        taken = bytes(chunk[:room])
        self.data += taken
        return len(taken)


class Recorder:
    def __init__(self) -> None:
        self.commits: list[tuple[str, str, bool]] = []
        self.written: list[Sequence[SSEvent]] = []
        """The events each commit says were written up to its cursor."""
        self.closed: list[OSError | None] = []

    def commit(self, url: str, last_event_id: str, completed: bool, events: Sequence[SSEvent]) -> None:
        self.commits.append((url, last_event_id, completed))
        self.written.append(events)

    def output(self, pipe: Pipe) -> CommittingOutput:
        return CommittingOutput(pipe, None, self.commit, self.closed.append)


def lines(*ids: str) -> tuple[str, list[SSEvent]]:
    """One line per id, as tail writes them, and the events they stand for."""
    return "".join(f"line {i}\n" for i in ids), [SSEvent("message", f"line {i}", i, i) for i in ids]


def queue(out: CommittingOutput, url: str, *ids: str) -> None:
    text, events = lines(*ids)
    out.add(text, url, events)


async def test_cursor_moves_only_once_its_line_is_written() -> None:
    record = Recorder()
    out = record.output(Pipe())
    queue(out, A, "1", "2")
    assert record.commits == []
    out.flush()
    assert record.commits == [(A, "2", False)]


async def test_partly_written_batch_commits_only_the_lines_written_whole() -> None:
    record = Recorder()
    text, events = lines("1", "2", "3")
    out = record.output(Pipe(capacity=len("line 1\nline 2\nli")))
    out.add(text, A, events)
    out.flush()
    assert record.commits == [(A, "2", False)]
    assert record.closed == [None]


async def test_a_commit_names_the_events_written_up_to_its_cursor() -> None:
    record = Recorder()
    text, events = lines("1", "2", "3")
    out = record.output(Pipe(capacity=len("line 1\nline 2\nli")))
    out.add(text, A, events)
    out.flush()
    assert [e.last_event_id for e in record.written[0]] == ["1", "2"]


async def test_partly_written_first_line_commits_nothing() -> None:
    record = Recorder()
    text, events = lines("1", "2")
    out = record.output(Pipe(capacity=3))
    out.add(text, A, events)
    out.flush()
    assert record.commits == []


async def test_a_line_cut_inside_a_multibyte_character_is_not_committed() -> None:
    record = Recorder()
    events = [SSEvent("message", "é", "1", "1"), SSEvent("message", "é", "2", "2")]
    out = record.output(Pipe(capacity=len("é\né".encode())))  # the second line's "\n" is missing
    out.add("é\né\n", A, events)
    out.flush()
    assert record.commits == [(A, "1", False)]


async def test_batches_of_two_jobs_commit_each_job_up_to_its_last_whole_line() -> None:
    record = Recorder()
    first, second = lines("1", "2"), lines("7", "8")
    out = record.output(Pipe(capacity=len(first[0]) + len("line 7\n")))
    out.add(first[0], A, first[1])
    out.add(second[0], B, second[1])
    out.flush()
    assert record.commits == [(A, "2", False), (B, "7", False)]


async def test_move_without_a_line_commits_after_the_lines_queued_before_it() -> None:
    record = Recorder()
    out = record.output(Pipe())
    queue(out, A, "1")
    out.move(A, "5", True)
    assert record.commits == []
    out.flush()
    assert record.commits[-1] == (A, "5", True)


async def test_move_behind_lines_that_could_not_be_written_is_not_committed() -> None:
    record = Recorder()
    out = record.output(Pipe(capacity=0))
    queue(out, A, "1")
    out.move(A, "5", True)
    out.flush()
    assert record.commits == []


async def test_move_with_nothing_queued_commits_at_once() -> None:
    record = Recorder()
    out = record.output(Pipe())
    out.move(A, "5", False)
    assert record.commits == [(A, "5", False)]


async def test_after_stdout_closed_nothing_is_written_or_committed() -> None:
    record = Recorder()
    pipe = Pipe(capacity=0)
    out = record.output(pipe)
    queue(out, A, "1")
    out.flush()
    pipe.capacity = 1 << 20
    queue(out, A, "2")
    out.move(A, "3", False)
    out.flush()
    assert (pipe.data, record.commits, record.closed) == (b"", [], [None])


async def test_a_failing_stdout_is_reported_with_its_error() -> None:
    record = Recorder()
    failure = OSError(errno.EIO, "Input/output error")
    out = record.output(Pipe(capacity=0, error=failure))
    queue(out, A, "1")
    out.flush()
    assert record.closed == [failure]


def test_safe_stderr_drops_lines_once_stderr_is_broken() -> None:
    class Broken(io.StringIO):
        writes = 0

        def write(self, text: str) -> int:
            Broken.writes += 1
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    err = SafeStderr(Broken())
    err.write("jobwatch: a: connecting\n")
    err.write("jobwatch: a: open\n")
    assert Broken.writes == 1
