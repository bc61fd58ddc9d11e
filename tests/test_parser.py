"""The parser follows WHATWG HTML §9.2.6 rule by rule (each test names the rule it pins)."""

from __future__ import annotations

import tracemalloc

import pytest

from jobwatch.stream.events import SSEvent
from jobwatch.stream.parser import SSEParser


def parse(*chunks: bytes, last_event_id: str = "") -> tuple[list[SSEvent], SSEParser]:
    parser = SSEParser(last_event_id)
    events: list[SSEvent] = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    parser.close()
    return events, parser


def datas(*chunks: bytes) -> list[str]:
    return [event.data for event in parse(*chunks)[0]]


def bytewise(stream: bytes) -> list[bytes]:
    return [stream[i : i + 1] for i in range(len(stream))]


class TestLines:
    def test_lf_ends_lines(self) -> None:
        assert datas(b"data: a\n\n") == ["a"]

    def test_crlf_ends_lines(self) -> None:
        assert datas(b"data: a\r\n\r\n") == ["a"]

    def test_lone_cr_ends_lines(self) -> None:
        assert datas(b"data: a\r\r") == ["a"]

    def test_mixed_line_endings(self) -> None:
        assert datas(b"data: a\rdata: b\ndata: c\r\n\n") == ["a\nb\nc"]

    def test_crlf_split_across_chunks_is_one_line_end(self) -> None:
        assert datas(b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n") == ["a\nb"]

    def test_cr_at_chunk_end_dispatches_without_waiting_for_next_chunk(self) -> None:
        parser = SSEParser()
        assert [e.data for e in parser.feed(b"data: a\r\r")] == ["a"]

    def test_cr_then_lf_in_next_chunk_is_not_a_blank_line(self) -> None:
        parser = SSEParser()
        assert parser.feed(b"data: a\r") == []
        assert parser.feed(b"\n") == []
        assert [e.data for e in parser.feed(b"\n")] == ["a"]

    @pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1e"])
    def test_only_cr_and_lf_end_lines(self, separator: str) -> None:
        assert datas(f"data: a{separator}b\n\n".encode()) == [f"a{separator}b"]

    def test_every_byte_in_its_own_chunk_gives_the_same_events(self) -> None:
        stream = b"\xef\xbb\xbfid: 1\r\nevent: x\r\ndata: \xc3\xa9\xe2\x82\xac\r\n\r\ndata: b\r\rdata: c\n\n"
        assert parse(*bytewise(stream))[0] == parse(stream)[0]


class TestDecoding:
    def test_one_leading_bom_is_stripped(self) -> None:
        assert datas(b"\xef\xbb\xbfdata: a\n\n") == ["a"]

    def test_bom_split_across_chunks_is_stripped(self) -> None:
        assert datas(b"\xef", b"\xbb", b"\xbfdata: a\n\n") == ["a"]

    def test_second_bom_is_part_of_the_field_name(self) -> None:
        assert datas(b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n") == ["b"]

    def test_bom_not_at_start_is_data(self) -> None:
        assert datas(b"data: \xef\xbb\xbfa\n\n") == ["\ufeffa"]

    def test_utf8_sequence_split_across_chunks(self) -> None:
        assert datas(b"data: \xe2", b"\x82", b"\xac\n\n") == ["€"]

    def test_invalid_utf8_becomes_replacement_character(self) -> None:
        assert datas(b"data: a\xffb\xc3\n\n") == ["a\ufffdb\ufffd"]

    def test_truncated_sequence_before_newline_is_replaced(self) -> None:
        assert datas(b"data: \xe2\x82\n\n") == ["\ufffd"]


class TestFields:
    def test_one_space_after_colon_is_removed(self) -> None:
        assert datas(b"data:  two\n\n") == [" two"]

    def test_no_space_after_colon(self) -> None:
        assert datas(b"data:x\n\n") == ["x"]

    def test_tab_after_colon_is_kept(self) -> None:
        assert datas(b"data:\tx\n\n") == ["\tx"]

    def test_field_without_colon_has_empty_value(self) -> None:
        assert datas(b"data\n\n") == [""]

    def test_value_keeps_later_colons(self) -> None:
        assert datas(b"data: a: b:c\n\n") == ["a: b:c"]

    def test_field_names_are_case_sensitive(self) -> None:
        assert datas(b"Data: a\n\ndata: b\n\n") == ["b"]

    def test_comment_lines_are_ignored(self) -> None:
        assert datas(b": ping\n:\ndata: a\n: x\n\n") == ["a"]

    def test_unknown_fields_are_ignored(self) -> None:
        assert datas(b"foo: bar\ndata: a\n\n") == ["a"]

    def test_data_lines_join_with_lf(self) -> None:
        assert datas(b"data: a\ndata:\ndata: b\n\n") == ["a\n\nb"]

    def test_event_type_defaults_to_message(self) -> None:
        assert parse(b"data: a\n\n")[0][0].type == "message"

    def test_empty_event_field_means_message(self) -> None:
        assert parse(b"event:\ndata: a\n\n")[0][0].type == "message"

    def test_event_field_sets_type_for_one_event(self) -> None:
        events, _ = parse(b"event: log\ndata: a\n\ndata: b\n\n")
        assert [e.type for e in events] == ["log", "message"]

    def test_last_event_field_wins(self) -> None:
        assert parse(b"event: a\nevent: b\ndata: x\n\n")[0][0].type == "b"


class TestId:
    def test_id_is_reported_with_the_event(self) -> None:
        event = parse(b"id: 7\ndata: a\n\n")[0][0]
        assert (event.last_event_id, event.own_id) == ("7", "7")

    def test_id_persists_to_later_events(self) -> None:
        events, _ = parse(b"id: 7\ndata: a\n\ndata: b\n\n")
        assert [(e.last_event_id, e.own_id) for e in events] == [("7", "7"), ("7", None)]

    def test_id_with_nul_is_ignored(self) -> None:
        events, _ = parse(b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n")
        assert [e.last_event_id for e in events] == ["1", "1"]
        assert events[1].own_id is None

    def test_empty_id_resets_the_last_event_id(self) -> None:
        events, parser = parse(b"id: 1\ndata: a\n\nid\ndata: b\n\n")
        assert [e.last_event_id for e in events] == ["1", ""]
        assert parser.last_event_id == ""

    def test_id_only_block_commits_the_id_without_an_event(self) -> None:
        events, parser = parse(b"id: 9\n\n")
        assert events == []
        assert parser.last_event_id == "9"

    def test_id_is_committed_at_dispatch_not_when_read(self) -> None:
        parser = SSEParser("1")
        parser.feed(b"id: 2\ndata: a\n")
        assert parser.last_event_id == "1"

    def test_partial_event_id_is_not_committed_at_eof(self) -> None:
        _, parser = parse(b"id: 1\ndata: a\n\nid: 2\ndata: b\n")
        assert parser.last_event_id == "1"

    def test_initial_last_event_id_carries_into_the_connection(self) -> None:
        assert parse(b"data: a\n\n", last_event_id="41")[0][0].last_event_id == "41"

    def test_id_value_may_be_any_text(self) -> None:
        assert parse("id: é ☃ x\ndata: a\n\n".encode())[0][0].last_event_id == "é ☃ x"


class TestRetry:
    @pytest.mark.parametrize(("value", "expected"), [("3000", 3000), ("0", 0), ("03000", 3000)])
    def test_ascii_digits_set_the_reconnection_time(self, value: str, expected: int) -> None:
        assert parse(f"retry: {value}\n\n".encode())[1].retry == expected

    @pytest.mark.parametrize("value", ["", "-1", "+1", " 1", "1 ", "1.5", "1_000", "1e3", "٣", "²", "abc"])
    def test_anything_else_is_ignored(self, value: str) -> None:
        assert parse(f"retry: {value}\n\n".encode())[1].retry is None

    def test_retry_applies_when_the_line_is_read_even_without_dispatch(self) -> None:
        parser = SSEParser()
        parser.feed(b"retry: 500\n")
        assert parser.retry == 500

    @pytest.mark.parametrize("digits", [400, 4301, 5000])
    def test_any_digit_string_is_valid_and_clamped_to_ten_minutes(self, digits: int) -> None:
        assert parse(b"retry: " + b"9" * digits + b"\n\n")[1].retry == 600_000

    def test_leading_zeros_of_a_long_retry_value_do_not_count(self) -> None:
        assert parse(b"retry: " + b"0" * 5000 + b"1500\n\n")[1].retry == 1500

    def test_retry_above_ten_minutes_is_clamped_and_flagged(self) -> None:
        _, parser = parse(b"retry: 600001\n\n")
        assert (parser.retry, parser.retry_capped) == (600_000, True)
        _, parser = parse(b"retry: 600000\n\n")
        assert (parser.retry, parser.retry_capped) == (600_000, False)

    def test_retry_only_block_dispatches_nothing(self) -> None:
        assert parse(b"retry: 10\n\n")[0] == []


class TestDispatch:
    def test_block_without_data_dispatches_nothing(self) -> None:
        assert parse(b"event: x\nid: 1\n\n\n\n")[0] == []

    def test_empty_data_line_dispatches_an_empty_message(self) -> None:
        assert datas(b"data\n\n") == [""]

    def test_only_one_trailing_lf_is_removed(self) -> None:
        assert datas(b"data\ndata\n\n") == ["\n"]

    def test_event_type_is_cleared_by_a_block_without_data(self) -> None:
        assert parse(b"event: x\n\ndata: a\n\n")[0][0].type == "message"

    def test_partial_event_at_eof_is_discarded(self) -> None:
        assert datas(b"data: a\n\ndata: b\n") == ["a"]

    def test_partial_line_at_eof_is_discarded(self) -> None:
        assert datas(b"data: a\n\ndata: b") == ["a"]

    def test_event_dispatches_as_soon_as_its_blank_line_arrives(self) -> None:
        parser = SSEParser()
        assert [e.data for e in parser.feed(b"data: a\n\n")] == ["a"]


class TestBounds:
    def test_an_event_with_an_overlong_line_is_skipped_and_the_stream_goes_on(self) -> None:
        parser = SSEParser(max_line_bytes=100)
        body = b"id: 1\ndata: a\n\nid: 2\ndata: " + b"x" * 500 + b"\n\nid: 3\ndata: c\n\n"
        assert [(e.data, e.last_event_id) for e in parser.feed(body)] == [("a", "1"), ("c", "3")]
        assert parser.skipped == [("2", 506)]

    def test_the_skipped_events_id_is_committed_when_it_follows_the_long_line(self) -> None:
        parser = SSEParser(max_line_bytes=100)
        assert parser.feed(b"data: " + b"x" * 500 + b"\nid: 9\n\n") == []
        assert parser.last_event_id == "9"
        assert parser.skipped == [("9", 506 + 6)]

    def test_the_skipped_events_id_is_committed_only_at_its_blank_line(self) -> None:
        parser = SSEParser("1", max_line_bytes=100)
        parser.feed(b"id: 2\ndata: " + b"x" * 500 + b"\n")
        assert (parser.last_event_id, parser.skipped) == ("1", [])
        parser.feed(b"\n")
        assert (parser.last_event_id, parser.skipped) == ("2", [("2", 506)])

    def test_an_overlong_line_split_over_many_chunks_is_dropped_as_it_arrives(self) -> None:
        parser = SSEParser(max_line_bytes=1000)
        parser.feed(b"id: 5\ndata: ")
        for _ in range(100):
            assert parser.feed(b"y" * 700) == []
        events = parser.feed(b"\r\n\r\ndata: next\r\n\r\n")
        assert [e.data for e in events] == ["next"]
        assert parser.skipped == [("5", 70_006)]

    def test_a_skipped_event_without_an_id_reports_none_and_keeps_the_cursor(self) -> None:
        parser = SSEParser("4", max_line_bytes=10)
        assert parser.feed(b"data: 0123456789\n\n") == []
        assert (parser.skipped, parser.last_event_id) == ([(None, 16)], "4")

    def test_an_overlong_field_of_any_kind_skips_its_event(self) -> None:
        parser = SSEParser(max_line_bytes=10)
        body = b"data: a\nid: 0123456789\n\ndata: b\n: 0123456789\n\nevent: 0123456789\ndata: c\n\n"
        assert parser.feed(body) == []
        assert [skipped_id for skipped_id, _ in parser.skipped] == [None, None, None]

    def test_retry_in_a_skipped_event_still_applies(self) -> None:
        parser = SSEParser(max_line_bytes=10)
        parser.feed(b"data: 0123456789\nretry: 250\n\n")
        assert parser.retry == 250

    def test_an_event_whose_data_lines_add_up_past_the_bound_is_skipped(self) -> None:
        parser = SSEParser(max_line_bytes=100)
        events = parser.feed(b"id: 7\n" + b"data: 0123456789\n" * 20 + b"\ndata: after\n\n")
        assert [e.data for e in events] == ["after"]
        assert [skipped_id for skipped_id, _ in parser.skipped] == ["7"]
        assert parser.last_event_id == "7"

    def test_the_data_bound_counts_bytes_not_characters(self) -> None:
        ascii_event = b"data: " + b"e" * 30 + b"\ndata: " + b"e" * 30 + b"\n\n"
        wide_event = "data: {0}\ndata: {0}\n\n".format("é" * 30).encode()  # 120 bytes of data, 60 characters
        parser = SSEParser(max_line_bytes=100)
        assert [len(e.data) for e in parser.feed(ascii_event + wide_event)] == [61]
        assert len(parser.skipped) == 1

    def test_the_data_bound_counts_a_replacement_character_as_its_three_utf8_bytes(self) -> None:
        parser = SSEParser(max_line_bytes=16)
        events = parser.feed(b"data: " + b"\xff" * 5 + b"\n\ndata: " + b"\xff" * 6 + b"\n\n")  # 16, 19 bytes
        assert [e.data for e in events] == ["\ufffd" * 5]
        assert len(parser.skipped) == 1

    def test_the_line_bound_counts_bytes_not_characters(self) -> None:
        parser = SSEParser(max_line_bytes=100)
        assert parser.feed("id: {}\ndata: a\n\n".format("日" * 40).encode()) == []  # 124 bytes
        assert len(parser.skipped) == 1

    def test_lines_and_data_within_the_bound_are_fine(self) -> None:
        parser = SSEParser(max_line_bytes=100)
        body = b"data: " + b"x" * 94 + b"\n\n" + b"data: 0123456789\n" * 9 + b"\n"
        assert [len(e.data) for e in parser.feed(body)] == [94, 98]
        assert parser.skipped == []

    def test_skipping_never_holds_more_than_the_bound_and_one_chunk(self) -> None:
        parser = SSEParser(max_line_bytes=64 * 1024)
        block = b"z" * (64 * 1024)
        parser.feed(b"id: 1\ndata: ")
        tracemalloc.start()
        try:
            for _ in range(160):  # a 10 MiB line
                parser.feed(block)
            parser.feed(b"\n\n")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert parser.skipped == [("1", 160 * 64 * 1024 + 6)]
        assert peak < 3 * 64 * 1024 * 2

    def test_a_partial_skipped_event_at_eof_is_not_reported_and_its_id_not_committed(self) -> None:
        parser = SSEParser(max_line_bytes=10)
        parser.feed(b"id: 3\ndata: 0123456789\n")
        parser.close()
        assert (parser.skipped, parser.last_event_id) == ([], "")
