"""Persists each source's last event ID so a restarted jobwatch resumes where it stopped.

`set` is O(1) and saves at most once per debounce interval; a save re-reads the file under an
`flock` on a sidecar lock file and merges, so several jobwatch processes can share one state file.
Problems are reported once through `on_error` and worked around (cursors kept in memory), never raised.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no cross-process locking
    fcntl = None  # type: ignore[assignment]

VERSION = 1


def default_state_path(env: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_STATE_HOME/jobwatch/cursors.json`, falling back to `~/.local/state/jobwatch/`."""
    base = env.get("XDG_STATE_HOME", "")
    if os.path.isabs(base):
        root = Path(base)
    else:
        home = env.get("HOME", "")
        root = (Path(home) if home else Path.home()) / ".local" / "state"
    return root / "jobwatch" / "cursors.json"


class _Unusable(Exception):
    """The state file cannot be used; the message is the one-line cause and the workaround."""

    def __init__(self, message: str, *, keep_file: bool = False) -> None:
        super().__init__(message)
        self.keep_file = keep_file
        """True: never overwrite the file (unreadable, or a format we do not know)."""


class CursorStore:
    """Last event ID per source URL, kept in memory and saved (debounced, atomically) to a JSON file.

    `path=None` (--no-state) keeps cursors in memory only. URLs are stored as given (the file is 0600);
    never print them unredacted.
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
        self._cursors: dict[str, str] = {}
        self._dirty: dict[str, str] = {}
        self._last_save = float("-inf")
        self._reported: set[str] = set()
        self._read_only = False
        if path is not None:
            self._cursors = self._load_reporting()

    def get(self, url: str) -> str:
        """The saved last event ID for `url`, or "" when unknown."""
        return self._cursors.get(url, "")

    def set(self, url: str, last_event_id: str) -> None:
        """Record `url`'s cursor; saves now if the debounce interval has passed since the last save."""
        if self._cursors.get(url) == last_event_id:
            return
        self._cursors[url] = last_event_id
        if self.path is None:
            return
        self._dirty[url] = last_event_id
        self.maybe_flush()

    def maybe_flush(self) -> None:
        """Save if something changed and the debounce interval has passed (for periodic timers)."""
        if self._dirty and self._clock() - self._last_save >= self._debounce:
            self.flush()

    def flush(self) -> None:
        """Save now if something changed since the last save."""
        if not self._dirty or self.path is None or self._read_only:
            return
        self._last_save = self._clock()
        try:
            with self._locked(self.path):
                on_disk = self._load_reporting(move_aside=True)
                if self._read_only:
                    return
                merged = {**on_disk, **self._dirty}
                _write_atomic(self.path, {"version": VERSION, "cursors": merged})
        except OSError as exc:
            cause = f"cannot save cursors to {self.path}: {_cause(exc)}; keeping them in memory"
            self._report("write", cause)
            return
        self._dirty.clear()
        self._reported.discard("write")
        for url, last_event_id in on_disk.items():
            self._cursors.setdefault(url, last_event_id)

    def _load_reporting(self, *, move_aside: bool = False) -> dict[str, str]:
        """The file's cursors, or {} after reporting why it is unusable. With `move_aside` (only
        under the lock) an unparsable file is renamed to `<name>.corrupt` so it can be replaced."""
        assert self.path is not None
        try:
            return _load(self.path)
        except _Unusable as exc:
            self._report("read", f"cursor state {self.path}: {exc}")
            self._read_only = self._read_only or exc.keep_file
            if move_aside and not exc.keep_file:
                os.replace(self.path, _aside(self.path))
            return {}

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


def _load(path: Path) -> dict[str, str]:
    """The cursors in `path` ({} when absent); _Unusable names why the file cannot be used."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError as exc:
        raise _Unusable(f"cannot read ({_cause(exc)}); cursors kept in memory only", keep_file=True) from None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _corrupt(path, "corrupt or truncated (not JSON)") from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise _corrupt(path, "not a jobwatch cursor file")
    if data["version"] != VERSION:
        raise _Unusable(
            f"unknown format version {data['version']}; cursors kept in memory only",
            keep_file=True,
        )
    cursors = data.get("cursors")
    if not isinstance(cursors, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in cursors.items()
    ):
        raise _corrupt(path, "corrupt 'cursors' table")
    return dict(cursors)


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
