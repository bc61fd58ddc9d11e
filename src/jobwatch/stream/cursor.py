"""Persists each source's last event ID (and whether its job completed) so a restarted jobwatch resumes.

`set` is O(1) and saves at most once per debounce interval; a save re-reads the file under an
`flock` on a sidecar lock file and merges, so several jobwatch processes can share one state file.
The file never holds a secret: sources are keyed by the SHA-256 of their URL, shown only redacted.
Problems are reported once through `on_error` and worked around (cursors kept in memory), never raised.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from jobwatch.redact import redact_url

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no cross-process locking
    fcntl = None  # type: ignore[assignment]  # the module or None: callers check before locking

VERSION = 2
"""2: `{digest: {"id", "url" (redacted), "completed"?}}`; 1 (read and migrated): `{raw url: id}`."""


class Entry(NamedTuple):
    """One source's saved state: its cursor, whether its job completed, and its URL for humans."""

    last_event_id: str
    completed: bool
    shown_url: str
    """The URL redacted by `jobwatch.redact.redact_url`; never used to look anything up."""
    fingerprint: str | None = None
    """`jobwatch.stream.replay.fingerprint` of the cursor's event, so its replay after a restart is
    recognised by content (None: unknown, nothing is dropped)."""


def url_key(url: str) -> str:
    """The state file key of `url`: the hex SHA-256 of the URL as given, so no secret is stored."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


class _Unusable(Exception):
    """The state file cannot be used; the message is the one-line cause and the workaround."""

    def __init__(self, message: str, *, keep_file: bool = False) -> None:
        super().__init__(message)
        self.keep_file = keep_file
        """True: never overwrite the file (unreadable, or a format we do not know)."""


class CursorStore:
    """Last event ID and completion mark per source URL, in memory and saved (debounced, atomically).

    `path=None` (--no-state) keeps cursors in memory only. A version 1 file (raw URLs as keys) is read
    and rewritten in the current format by the next `flush`, which removes the raw URLs from disk.
    """

    def __init__(
        self,
        path: Path | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        debounce: float = 1.0,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self._clock = clock
        self._debounce = debounce
        self._on_error = on_error
        self._entries: dict[str, Entry] = {}
        self._dirty: dict[str, Entry] = {}
        self._keys: dict[str, tuple[str, str]] = {}
        self._last_save = float("-inf")
        self._reported: set[str] = set()
        self._read_only = False
        self._migrate = False
        if path is not None:
            self._entries = self._load_reporting()

    def get(self, url: str) -> str:
        """The saved last event ID for `url`, or "" when unknown."""
        entry = self._entries.get(self._key(url)[0])
        return entry.last_event_id if entry is not None else ""

    def is_completed(self, url: str) -> bool:
        """True when `url`'s job was recorded as ended for good by its server."""
        entry = self._entries.get(self._key(url)[0])
        return entry is not None and entry.completed

    def fingerprint(self, url: str) -> str | None:
        """The saved fingerprint of the event `url`'s cursor points at, if known."""
        entry = self._entries.get(self._key(url)[0])
        return entry.fingerprint if entry is not None else None

    def set(
        self, url: str, last_event_id: str, *, completed: bool = False, fingerprint: str | None = None
    ) -> None:
        """Record `url`'s cursor, its event's fingerprint and completion (a later set with completed=False
        clears the mark; the same cursor without a fingerprint keeps the one known); saves now if the
        debounce interval has passed since the last save."""
        key, shown = self._key(url)
        known = self._entries.get(key)
        if fingerprint is None and known is not None and known.last_event_id == last_event_id:
            fingerprint = known.fingerprint
        entry = Entry(last_event_id, completed, shown, fingerprint)
        if self._entries.get(key) == entry:
            return
        self._entries[key] = entry
        if self.path is None:
            return
        self._dirty[key] = entry
        self.maybe_flush()

    def maybe_flush(self) -> None:
        """Save if something changed and the debounce interval has passed (for periodic timers)."""
        if (self._dirty or self._migrate) and self._clock() - self._last_save >= self._debounce:
            self.flush()

    def flush(self) -> None:
        """Save now if something changed since the last save (or the file still has the old format)."""
        if not (self._dirty or self._migrate) or self.path is None or self._read_only:
            return
        self._last_save = self._clock()
        try:
            with self._locked(self.path):
                on_disk = self._load_reporting(move_aside=True)
                if self._read_only:
                    return
                merged = {**on_disk, **self._dirty}
                _write_atomic(self.path, {"version": VERSION, "cursors": _encode(merged)})
        except OSError as exc:
            cause = f"cannot save cursors to {self.path}: {_cause(exc)}; keeping them in memory"
            self._report("write", cause)
            return
        self._dirty.clear()
        self._migrate = False
        self._reported.discard("write")
        for key, entry in on_disk.items():
            self._entries.setdefault(key, entry)

    def _key(self, url: str) -> tuple[str, str]:
        known = self._keys.get(url)
        if known is None:
            known = self._keys[url] = (url_key(url), redact_url(url))
        return known

    def _load_reporting(self, *, move_aside: bool = False) -> dict[str, Entry]:
        """The file's entries, or {} after reporting why it is unusable. With `move_aside` (only
        under the lock) an unparsable file is renamed to `<name>.corrupt` so it can be replaced."""
        assert self.path is not None
        try:
            entries, old_format = _load(self.path)
        except _Unusable as exc:
            self._report("read", f"cursor state {self.path}: {exc}")
            self._read_only = self._read_only or exc.keep_file
            if move_aside and not exc.keep_file:
                os.replace(self.path, _aside(self.path))
            return {}
        self._migrate = self._migrate or old_format
        return entries

    def _report(self, kind: str, message: str) -> None:
        if kind in self._reported:
            return
        self._reported.add(kind)
        if self._on_error is not None:
            self._on_error(message)

    @staticmethod
    @contextlib.contextmanager
    def _locked(path: Path) -> Iterator[None]:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock


def _load(path: Path) -> tuple[dict[str, Entry], bool]:
    """The entries in `path` ({} when absent) and whether it is a version 1 file to migrate;
    _Unusable names why the file cannot be used."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return {}, False
    except OSError as exc:
        raise _Unusable(f"cannot read ({_cause(exc)}); cursors kept in memory only", keep_file=True) from None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _corrupt(path, "corrupt or truncated (not JSON)") from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise _corrupt(path, "not a jobwatch cursor file")
    cursors = data.get("cursors")
    if data["version"] == 1:
        if not isinstance(cursors, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in cursors.items()
        ):
            raise _corrupt(path, "corrupt 'cursors' table")
        return {url_key(url): Entry(cursor, False, redact_url(url)) for url, cursor in cursors.items()}, True
    if data["version"] != VERSION:
        raise _Unusable(
            f"unknown format version {data['version']}; cursors kept in memory only",
            keep_file=True,
        )
    if not isinstance(cursors, dict):
        raise _corrupt(path, "corrupt 'cursors' table")
    entries: dict[str, Entry] = {}
    for key, value in cursors.items():
        entry = _decode(value)
        if entry is None:
            raise _corrupt(path, "corrupt 'cursors' table")
        entries[key] = entry
    return entries, False


def _decode(value: object) -> Entry | None:
    """One version 2 entry, or None when it is malformed."""
    if not isinstance(value, dict):
        return None
    last_event_id, shown, completed = value.get("id"), value.get("url", ""), value.get("completed", False)
    fingerprint = value.get("fp")
    if not (isinstance(last_event_id, str) and isinstance(shown, str) and isinstance(completed, bool)):
        return None
    return Entry(last_event_id, completed, shown, fingerprint if isinstance(fingerprint, str) else None)


def _encode(entries: Mapping[str, Entry]) -> dict[str, dict[str, object]]:
    encoded: dict[str, dict[str, object]] = {}
    for key, entry in entries.items():
        item: dict[str, object] = {"id": entry.last_event_id, "url": entry.shown_url}
        if entry.completed:
            item["completed"] = True
        if entry.fingerprint is not None:
            item["fp"] = entry.fingerprint
        encoded[key] = item
    return encoded


def _corrupt(path: Path, what: str) -> _Unusable:
    return _Unusable(f"{what}; starting with no saved cursors (it will be moved to {_aside(path).name})")


def _aside(path: Path) -> Path:
    return path.with_name(path.name + ".corrupt")


def _write_atomic(path: Path, data: object) -> None:
    """Write JSON to a 0600 temp file beside `path`, fsync it, then rename it over `path`."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            os.fchmod(file.fileno(), 0o600)
            json.dump(data, file, separators=(",", ":"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _cause(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
