"""Specification of the cursor store: round trip, atomic 0600 saves, debounce, merging, bad files,
completion marks, and a file keyed by URL digests that never holds a secret (migrated from version 1)."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

from jobwatch.redact import redact_url
from jobwatch.stream.cursor import CursorStore, url_key

A = "https://ci.example/jobs/1/events"
B = "https://ci.example/jobs/2/events"


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state" / "cursors.json"


def deny_reading(path: Path) -> bytes:
    raise PermissionError(13, "Permission denied", str(path))


def on_disk(path: Path) -> dict[str, str]:
    """The saved cursors by the (redacted) URL stored beside each digest."""
    data = json.loads(path.read_text())
    assert data["version"] == 2
    return {entry["url"]: entry["id"] for entry in data["cursors"].values()}


def test_unknown_url_has_an_empty_cursor(state: Path) -> None:
    assert CursorStore(state).get(A) == ""


def test_cursors_survive_a_restart(state: Path) -> None:
    store = CursorStore(state)
    store.set(A, "41")
    store.set(B, "7")
    store.flush()
    again = CursorStore(state)
    assert (again.get(A), again.get(B)) == ("41", "7")


def test_file_is_versioned_json_keyed_by_the_sha256_of_the_url(state: Path) -> None:
    store = CursorStore(state)
    store.set(A, "41")
    store.flush()
    digest = hashlib.sha256(A.encode()).hexdigest()
    assert json.loads(state.read_text()) == {"version": 2, "cursors": {digest: {"id": "41", "url": A}}}


def test_file_is_private_and_its_new_directory_too(state: Path) -> None:
    store = CursorStore(state)
    store.set(A, "1")
    store.flush()
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.parent.stat().st_mode) == 0o700


def test_save_leaves_no_temporary_files(state: Path) -> None:
    store = CursorStore(state, debounce=0)
    for n in range(3):
        store.set(A, str(n))
    assert sorted(p.name for p in state.parent.iterdir()) == ["cursors.json", "cursors.json.lock"]


def test_save_replaces_the_file_rather_than_rewriting_it(state: Path) -> None:
    store = CursorStore(state, debounce=0)
    store.set(A, "1")
    first = state.stat().st_ino
    store.set(A, "2")
    assert state.stat().st_ino != first
    assert on_disk(state) == {A: "2"}


def test_without_a_path_cursors_live_in_memory_only(tmp_path: Path) -> None:
    store = CursorStore(None, debounce=0)
    store.set(A, "5")
    store.flush()
    assert store.get(A) == "5"
    assert list(tmp_path.iterdir()) == []


# --- debounce ------------------------------------------------------------------------------------


def test_first_set_saves_immediately(state: Path) -> None:
    CursorStore(state, clock=FakeClock()).set(A, "1")
    assert on_disk(state) == {A: "1"}


def test_set_within_the_debounce_interval_does_not_save(state: Path) -> None:
    clock = FakeClock()
    store = CursorStore(state, clock=clock, debounce=1.0)
    store.set(A, "1")
    clock.now = 0.5
    store.set(A, "2")
    assert on_disk(state) == {A: "1"}


def test_set_after_the_debounce_interval_saves(state: Path) -> None:
    clock = FakeClock()
    store = CursorStore(state, clock=clock, debounce=1.0)
    store.set(A, "1")
    clock.now = 1.0
    store.set(A, "2")
    assert on_disk(state) == {A: "2"}


def test_flush_saves_pending_changes_at_once(state: Path) -> None:
    clock = FakeClock()
    store = CursorStore(state, clock=clock, debounce=1.0)
    store.set(A, "1")
    store.set(A, "2")
    store.flush()
    assert on_disk(state) == {A: "2"}


def test_maybe_flush_waits_for_the_debounce_interval(state: Path) -> None:
    clock = FakeClock()
    store = CursorStore(state, clock=clock, debounce=1.0)
    store.set(A, "1")
    store.set(A, "2")
    clock.now = 0.9
    store.maybe_flush()
    assert on_disk(state) == {A: "1"}
    clock.now = 1.1
    store.maybe_flush()
    assert on_disk(state) == {A: "2"}


def test_nothing_changed_means_nothing_written(state: Path) -> None:
    store = CursorStore(state, debounce=0)
    store.set(A, "1")
    written = state.stat().st_ino
    store.set(A, "1")
    store.flush()
    store.maybe_flush()
    assert state.stat().st_ino == written


# --- two processes -------------------------------------------------------------------------------


def test_two_stores_on_one_file_keep_each_others_cursors(state: Path) -> None:
    first, second = CursorStore(state), CursorStore(state)
    first.set(A, "10")
    second.set(B, "20")
    first.flush()
    second.flush()
    assert on_disk(state) == {A: "10", B: "20"}


def test_a_store_does_not_overwrite_cursors_it_only_loaded(state: Path) -> None:
    seed = CursorStore(state)
    seed.set(A, "1")
    seed.flush()
    first, second = CursorStore(state), CursorStore(state)
    first.set(A, "2")
    first.flush()
    second.set(B, "9")
    second.flush()
    assert on_disk(state) == {A: "2", B: "9"}


# --- bad files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        ('{"version": 1, "cursors": {"a', "corrupt or truncated"),
        ("\x00\x01garbage", "corrupt or truncated"),
        ("[1, 2]", "not a jobwatch cursor file"),
        ('{"version": 1, "cursors": {"u": 3}}', "corrupt 'cursors' table"),
        ('{"version": 2, "cursors": {"k": "7"}}', "corrupt 'cursors' table"),
        ('{"version": 2, "cursors": {"k": {"id": "7", "completed": "yes"}}}', "corrupt 'cursors' table"),
    ],
)
def test_corrupt_file_is_reported_once_and_ignored(state: Path, content: str, cause: str) -> None:
    state.parent.mkdir()
    state.write_text(content)
    errors: list[str] = []
    store = CursorStore(state, on_error=errors.append)
    store.set(A, "1")
    store.flush()
    assert len(errors) == 1
    assert str(state) in errors[0] and cause in errors[0]
    assert "\n" not in errors[0]
    assert store.get(A) == "1"


def test_corrupt_file_is_moved_aside_and_replaced_on_save(state: Path) -> None:
    state.parent.mkdir()
    state.write_text("{trunc")
    store = CursorStore(state)
    store.set(A, "1")
    store.flush()
    assert on_disk(state) == {A: "1"}
    assert state.with_name("cursors.json.corrupt").read_text() == "{trunc"


def test_file_of_an_unknown_version_is_never_overwritten(state: Path) -> None:
    state.parent.mkdir()
    state.write_text('{"version": 3, "cursors": {}}')
    errors: list[str] = []
    store = CursorStore(state, on_error=errors.append)
    store.set(A, "1")
    store.flush()
    assert state.read_text() == '{"version": 3, "cursors": {}}'
    assert store.get(A) == "1"
    assert len(errors) == 1 and "unknown format version 3" in errors[0]


def test_unwritable_location_is_reported_once_and_cursors_stay_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    errors: list[str] = []
    store = CursorStore(blocker / "cursors.json", debounce=0, on_error=errors.append)
    store.set(A, "1")
    store.set(A, "2")
    store.flush()
    assert store.get(A) == "2"
    assert len(errors) == 1
    assert str(blocker / "cursors.json") in errors[0] and "cannot save" in errors[0]


def test_unreadable_file_is_reported_and_left_alone(
    state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state.parent.mkdir()
    state.write_text('{"version": 1, "cursors": {}}')
    monkeypatch.setattr(Path, "read_bytes", deny_reading)
    errors: list[str] = []
    store = CursorStore(state, on_error=errors.append)
    store.set(A, "1")
    store.flush()
    assert len(errors) == 1 and "cannot read (Permission denied)" in errors[0]
    assert state.read_text() == '{"version": 1, "cursors": {}}'
    assert store.get(A) == "1"


def test_bad_file_without_an_error_callback_is_still_worked_around(state: Path) -> None:
    state.parent.mkdir()
    state.write_text("nonsense")
    store = CursorStore(state)
    store.set(A, "1")
    assert store.get(A) == "1"


# --- completion marks ----------------------------------------------------------------------------


def test_a_source_is_not_completed_until_marked(state: Path) -> None:
    store = CursorStore(state)
    store.set(A, "3")
    assert (store.is_completed(A), store.is_completed(B)) == (False, False)


def test_completion_mark_survives_a_restart_with_its_cursor(state: Path) -> None:
    store = CursorStore(state)
    store.set(A, "9", completed=True)
    store.set(B, "4")
    store.flush()
    again = CursorStore(state)
    assert (again.get(A), again.is_completed(A), again.is_completed(B)) == ("9", True, False)


def test_a_later_set_without_completed_clears_the_mark(state: Path) -> None:
    store = CursorStore(state, debounce=0)
    store.set(A, "9", completed=True)
    store.set(A, "9")
    assert not store.is_completed(A)
    assert not CursorStore(state).is_completed(A)


def test_marking_an_unchanged_cursor_completed_is_saved(state: Path) -> None:
    store = CursorStore(state, debounce=0)
    store.set(A, "9")
    store.set(A, "9", completed=True)
    assert CursorStore(state).is_completed(A)


# --- no secret in the file -----------------------------------------------------------------------

SECRET_URL = "https://bob:hunter22@ci.example/jobs/1/events?token=t0ps3cret"


def test_the_file_holds_neither_credentials_nor_the_raw_url(state: Path) -> None:
    store = CursorStore(state)
    store.set(SECRET_URL, "5", completed=True)
    store.flush()
    text = state.read_text()
    assert "hunter22" not in text and "t0ps3cret" not in text and SECRET_URL not in text
    assert CursorStore(state).get(SECRET_URL) == "5"


def test_the_url_beside_each_digest_is_the_redacted_url(state: Path) -> None:
    store = CursorStore(state)
    store.set(SECRET_URL, "5")
    store.flush()
    (entry,) = json.loads(state.read_text())["cursors"].values()
    assert entry["url"] == redact_url(SECRET_URL)


def test_a_version_1_file_is_read_and_its_raw_urls_are_gone_after_the_next_save(state: Path) -> None:
    state.parent.mkdir()
    state.write_text(json.dumps({"version": 1, "cursors": {SECRET_URL: "41", A: "7"}}))
    store = CursorStore(state)
    assert (store.get(SECRET_URL), store.get(A), store.is_completed(A)) == ("41", "7", False)
    store.flush()
    text = state.read_text()
    assert "hunter22" not in text and "t0ps3cret" not in text
    assert json.loads(text)["version"] == 2
    again = CursorStore(state)
    assert (again.get(SECRET_URL), again.get(A)) == ("41", "7")


def test_a_version_1_file_written_by_another_process_is_migrated_by_the_merge(state: Path) -> None:
    store = CursorStore(state)
    state.parent.mkdir()
    state.write_text(json.dumps({"version": 1, "cursors": {SECRET_URL: "41"}}))
    store.set(A, "1")
    store.flush()
    assert "t0ps3cret" not in state.read_text()
    assert on_disk(state) == {A: "1", redact_url(SECRET_URL): "41"}
    assert url_key(SECRET_URL) in json.loads(state.read_text())["cursors"]
