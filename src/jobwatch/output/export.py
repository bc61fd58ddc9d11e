"""Export a job's buffered events as JSONL with the encoder `jobwatch tail --format jsonl` uses, plus "ts"."""

from __future__ import annotations

import re
import time
from pathlib import Path

from jobwatch.model import JobModel
from jobwatch.output.jsonl import event_line, quote


def export_path(directory: Path, job: str, wall: float) -> Path:
    """A new file name in `directory` naming the job (made filename-safe) and the wall-clock time."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", job).strip("._") or "job"
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(wall))
    path = directory / f"jobwatch-{slug[:60]}-{stamp}.jsonl"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"jobwatch-{slug[:60]}-{stamp}-{n}.jsonl"
    return path


def export_jsonl(job: JobModel, path: Path) -> int:
    """Write every buffered event of `job` to `path` (created, never overwritten); returns the count.
    Notices are not events and are left out."""
    records = [r for r in job.events if not r.notice]
    quoted = quote(job.name)
    with path.open("x", encoding="ascii") as out:
        out.writelines(event_line(quoted, r.id, r.type, r.data, ts=r.wall) for r in records)
    return len(records)
