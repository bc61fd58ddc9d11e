"""Specification of the merged timeline: every job's records in order of arrival, bounded like the per-job
buffers, filtered across jobs by name, type or text, and a stable colour per job name."""

from __future__ import annotations

from jobwatch.jobcolours import PALETTE_SIZE, Colours, colour_index
from jobwatch.model import DashboardModel
from jobwatch.model.timeline import Timeline, entry_matches
from jobwatch.stream.events import SSEvent
from jobwatch.stream.spec import StreamSpec


def ev(data: str, id_: str = "", type_: str = "log") -> SSEvent:
    return SSEvent(type_, data, id_, id_ or None)


def model(*names: str, **kw: object) -> DashboardModel:
    dashboard = DashboardModel(clock=lambda: 5.0, wall_clock=lambda: 1.7e9, **kw)  # type: ignore[arg-type]
    for name in names:
        dashboard.add(StreamSpec(name, f"http://127.0.0.1/{name}"))
    return dashboard


def test_records_of_all_jobs_are_interleaved_in_order_of_arrival() -> None:
    dashboard = model("api", "db")
    dashboard.on_events("api", [ev("a1", "1"), ev("a2", "2")])
    dashboard.on_event("db", ev("d1", "1"))
    dashboard.on_notice("api", "event 3 skipped")
    dashboard.on_events("db", [ev("d2", "2")])
    shown = [(e.seq, e.job, e.record.data) for e in dashboard.timeline]
    assert shown == [(1, "api", "a1"), (2, "api", "a2"), (3, "db", "d1"), (4, "api", "event 3 skipped"),
                     (5, "db", "d2")]
    assert [e.record.notice for e in dashboard.timeline] == [False, False, False, True, False]


def test_the_timeline_holds_the_same_records_as_the_job_buffer() -> None:
    dashboard = model("api")
    dashboard.on_events("api", [ev("a1", "1")])
    assert dashboard.timeline.entries[0].record is dashboard["api"].events[0]


def test_the_ring_keeps_only_the_newest_cap_entries() -> None:
    timeline = Timeline(cap=3)
    dashboard = model("api", timeline=timeline)
    dashboard.on_events("api", [ev(f"e{n}", str(n)) for n in range(1, 8)])
    assert [e.record.data for e in timeline] == ["e5", "e6", "e7"]
    assert [e.seq for e in timeline] == [5, 6, 7]
    assert timeline.seq == 7


def test_the_ring_keeps_its_data_within_the_byte_budget() -> None:
    timeline = Timeline(cap=1000, byte_budget=100)
    dashboard = model("api", "db", timeline=timeline)
    for n in range(50):
        dashboard.on_events("api" if n % 2 else "db", [ev("x" * 30, str(n))])
    assert timeline.data_bytes <= 100
    assert len(timeline) == 3
    assert timeline.data_bytes == sum(len(e.record.data) for e in timeline)


def test_since_returns_only_entries_newer_than_a_seq_still_held() -> None:
    timeline = Timeline(cap=4)
    dashboard = model("api", timeline=timeline)
    dashboard.on_events("api", [ev(f"e{n}") for n in range(1, 7)])
    assert [e.seq for e in timeline.since(4)] == [5, 6]
    assert [e.seq for e in timeline.since(0)] == [3, 4, 5, 6]
    assert timeline.since(6) == []


def test_filter_matches_job_name_type_or_text_case_insensitively() -> None:
    dashboard = model("Deploy-API", "db")
    dashboard.on_events("Deploy-API", [ev("started", type_="status")])
    dashboard.on_events("db", [ev("OOMKilled pod", type_="log"), ev("fine", type_="progress")])
    entries = list(dashboard.timeline)

    def kept(needle: str) -> list[str]:
        return [e.record.data for e in entries if entry_matches(e, needle.lower())]

    assert kept("deploy") == ["started"]
    assert kept("PROGRESS") == ["fine"]
    assert kept("oomkilled") == ["OOMKilled pod"]
    assert kept("") == ["started", "OOMKilled pod", "fine"]


def test_a_job_colour_depends_only_on_its_name_the_same_in_every_run() -> None:
    assert [colour_index(name) for name in ("deploy-api", "db-migrate", "build-api")] == [9, 2, 4]
    colours = {colour_index(f"runner-{n}") for n in range(40)}
    assert colours == set(range(PALETTE_SIZE))


def test_up_to_palette_size_jobs_get_distinct_colours_each_kept_once_given() -> None:
    colours = Colours()
    names = [f"runner-{n}" for n in range(PALETTE_SIZE)]
    assert len({colour_index(name) for name in names}) < PALETTE_SIZE  # their preferences collide...
    given = [colours.of(name) for name in names]
    assert sorted(given) == list(range(PALETTE_SIZE))  # ...yet each gets its own colour
    assert [colours.of(name) for name in reversed(names)] == given[::-1]


def test_the_first_job_gets_its_preferred_colour_and_later_ones_spread_evenly() -> None:
    colours = Colours()
    assert colours.of("deploy-api") == colour_index("deploy-api")
    for n in range(3 * PALETTE_SIZE - 1):
        colours.of(f"job-{n}")
    counts = [0] * PALETTE_SIZE
    for name in ["deploy-api", *(f"job-{n}" for n in range(3 * PALETTE_SIZE - 1))]:
        counts[colours.of(name)] += 1
    assert counts == [3] * PALETTE_SIZE
