"""Property tests of the parser: chunking never matters, bytes never crash it, and it agrees with a separate
reference reading of the spec and of the skip rule (`sse_reference.py`), at the default bound and at a bound
small enough that skipping is common. `HYPOTHESIS_PROFILE=soak` runs 10,000 examples each."""

from __future__ import annotations

import itertools
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobwatch.stream.parser import SSEParser
from sse_reference import reference_events

settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("soak", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Streams built from the pieces that matter, so interesting shapes are common; plus raw bytes.
PIECES = st.sampled_from([
    b"data", b"data:", b"data: ", b"id", b"id:", b"id: ", b"event:", b"retry:", b"retry: 12", b":", b": ping",
    b"\n", b"\r", b"\r\n", b"\n\n", b" ", b"x", b"\xef\xbb\xbf", b"\x00", b"\xc3\xa9", b"\xe2\x82", b"\xac",
    b"\xff", b"\t", b"7", b"\xe2\x80\xa8", b"-1", b"event", b"DATA:", b"0123456789",
])  # fmt: skip
# And streams of whole lines ("name" + colon + value + line end, or blank), so events are common too.
LINES = st.builds(
    lambda name, colon, value, end: name + colon + value + end,
    st.sampled_from([b"data", b"id", b"event", b"retry", b"", b"x", b"\xef\xbb\xbfdata"]),
    st.sampled_from([b":", b": ", b":  ", b""]),
    st.lists(st.sampled_from([b"7", b"12", b"0123456789", b"\xc3\xa9", b"\xe2\x82", b"\xff", b"\x00", b":"]),
             max_size=4).map(b"".join),
    st.sampled_from([b"\n", b"\r", b"\r\n"]),
) | st.sampled_from([b"\n", b"\r", b"\r\n"])
SSE_BYTES = (
    st.lists(PIECES, max_size=60).map(b"".join)
    | st.lists(LINES, max_size=30).map(b"".join)
    | st.binary(max_size=300)
)


SMALL = 16
Result = tuple[list[tuple[str, str, str]], str, int | None, list[str | None]]


def run(chunks: list[bytes], max_line_bytes: int = 1 << 20) -> Result:
    parser = SSEParser(max_line_bytes=max_line_bytes)
    events = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    parser.close()
    skipped = [own_id for own_id, _ in parser.skipped]
    return [(e.type, e.data, e.last_event_id) for e in events], parser.last_event_id, parser.retry, skipped


def split_at(body: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(body)) for c in cuts})
    edges = [0, *points, len(body)]
    return [body[a:b] for a, b in itertools.pairwise(edges)]


@given(SSE_BYTES, st.lists(st.integers(min_value=0, max_value=300), max_size=20))
def test_any_chunking_yields_the_same_events_as_one_chunk(body: bytes, cuts: list[int]) -> None:
    assert run(split_at(body, cuts)) == run([body])


@given(SSE_BYTES)
def test_byte_at_a_time_yields_the_same_events_as_one_chunk(body: bytes) -> None:
    assert run([body[i : i + 1] for i in range(len(body))]) == run([body])


@given(st.lists(st.binary(max_size=64), max_size=30))
def test_arbitrary_bytes_never_raise(chunks: list[bytes]) -> None:
    run(chunks)


@given(SSE_BYTES)
def test_agrees_with_the_reference_reading_of_the_spec(body: bytes) -> None:
    assert run([body]) == reference_events(body)


@given(SSE_BYTES, st.lists(st.integers(min_value=0, max_value=300), max_size=20))
def test_with_a_small_bound_any_chunking_skips_the_same_events(body: bytes, cuts: list[int]) -> None:
    assert run(split_at(body, cuts), SMALL) == run([body], SMALL)


@given(SSE_BYTES)
def test_with_a_small_bound_byte_at_a_time_skips_the_same_events(body: bytes) -> None:
    assert run([body[i : i + 1] for i in range(len(body))], SMALL) == run([body], SMALL)


@given(SSE_BYTES)
def test_with_a_small_bound_agrees_with_the_reference_skip_rule(body: bytes) -> None:
    assert run([body], SMALL) == reference_events(body, max_line_bytes=SMALL)


@given(st.lists(st.binary(max_size=64), max_size=30))
def test_arbitrary_bytes_never_raise_with_a_small_bound(chunks: list[bytes]) -> None:
    run(chunks, SMALL)
