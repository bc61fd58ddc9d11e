"""Export a job's buffered events as JSONL, one object per event in `jobwatch tail --format jsonl` shape."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from jobwatch.model import JobModel


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
    with path.open("x", encoding="utf-8") as out:
        for r in records:
            obj = {"job": job.name, "id": r.id, "event": r.type, "data": r.data, "ts": r.wall}
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return len(records)
