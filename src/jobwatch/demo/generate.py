"""Realistic CI-job events, generated on demand by index, and their SSE wire encoding.

Every event is a pure function of (seed, job id, index), so a 20,000-event job costs no memory and a
resumed connection re-creates exactly the bytes the first one would have sent.
"""

from __future__ import annotations

import hashlib
import json
import re

from jobwatch.demo.scripts import JobScript

_MASK = (1 << 64) - 1
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "checkout",
        (
            "$ git fetch --depth=1 origin refs/heads/main",
            "Receiving objects: {a}% ({b}/{c}), done.",
            "HEAD is now at {h} Merge pull request #{b}",
        ),
    ),
    (
        "install",
        (
            "Collecting package-{a}==1.{b}.{a}",
            "Downloading wheel {h} ({b} kB)",
            "Successfully installed {b} packages in {a}.{a}s",
            "npm WARN deprecated left-pad@1.{a}.0",
        ),
    ),
    (
        "lint",
        (
            "ruff check src: {a} files, 0 errors",
            "mypy: checked module_{a}.py ✓",
            "eslint: {b} files linted — 0 problems",
        ),
    ),
    (
        "test",
        (
            "tests/test_module_{a}.py::test_case_{b} PASSED",
            "tests/test_module_{a}.py::test_case_{b} PASSED [{a}%]",
            "tests/test_api_{a}.py::test_retry_{b} SKIPPED (needs network)",
            "WARNING: flaky test test_timeout_{a} took {b}ms",
        ),
    ),
    (
        "build",
        (
            "Step {a}/{c} : RUN pip install --no-cache-dir -r requirements.txt",
            " ---> Using cache {h}",
            "Compiling crate_{a} v0.{b}.0 → target/release",
        ),
    ),
    (
        "publish",
        (
            "Pushing layer sha256:{h}: {a}% of {b} MB",
            "Uploaded artifact build-{b}.tar.gz ({a} MB)",
            "Deploy: rolled out {a}/{c} replicas",
        ),
    ),
)

_ERRORS = (
    "registry timeout pulling base image, retrying",
    "runner lost connection to cache server, retrying",
    "rate limited by artifact store (429), backing off",
)


def _mix(x: int) -> int:
    """splitmix64: a fast, well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def job_key(seed: int, job_id: str) -> int:
    """A stable 64-bit key for (seed, job id); independent of PYTHONHASHSEED."""
    digest = hashlib.blake2b(f"{seed}:{job_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def encode_event(event_id: str | None, event: str, data: str) -> bytes:
    """One SSE message block (`id`, `event`, one `data` line per line of data, blank line)."""
    parts = [] if event_id is None else [f"id: {event_id}\n"]
    if event:
        parts.append(f"event: {event}\n")
    parts.extend(f"data: {line}\n" for line in _LINE_BREAK.split(data))
    parts.append("\n")
    return "".join(parts).encode()


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _log_line(h: int, step_lines: tuple[str, ...]) -> str:
    template = step_lines[(h >> 8) % len(step_lines)]
    a, b = (h >> 16) % 97 + 1, (h >> 24) % 4096 + 1
    return template.format(a=a, b=b, c=a + (h >> 40) % 20 + 1, h=f"{(h >> 12) & 0xFFFFFFF:07x}")


def generated_event(script: JobScript, key: int, index: int) -> tuple[str, str]:
    """Event `index` (0-based) of a generated job of `script.count` events."""
    n = script.count
    if index == n - 1:
        return "status", _dumps({"status": script.final_status})
    if index == 0:
        return "status", _dumps({"status": "queued"})
    if index == 1:
        return "status", _dumps({"status": "running"})
    h = _mix(key ^ index)
    step_no = min(len(_STEPS) - 1, index * len(_STEPS) // max(n, 1))
    step, lines = _STEPS[step_no]
    roll = h % 100
    if script.payload_bytes is None:
        if roll < 2 and index > 4:
            message = _ERRORS[(h >> 8) % len(_ERRORS)]
            return "error", _dumps({"message": message, "retryable": True})
        if roll < 14:
            return "progress", _dumps({"step": step, "percent": index * 100 // max(n - 1, 1)})
    stream = "stderr" if roll % 10 == 9 else "stdout"
    line = _log_line(h, lines)
    if script.payload_bytes is not None:
        line = _pad(line, stream, index, script.payload_bytes)
    return "log", _dumps({"line": line, "stream": stream})


def _pad(line: str, stream: str, index: int, size: int) -> str:
    base = len(encode_event(str(index + 1), "log", _dumps({"line": line, "stream": stream})))
    missing = size - base
    if missing < 2:
        return line
    filler = "abcdefghijklmnopqrstuvwxyz0123456789" * (missing // 36 + 1)
    return f"{line} {filler[: missing - 1]}"
