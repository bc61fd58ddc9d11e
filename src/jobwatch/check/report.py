"""The check's result and its two renderings: a one-screen text report and a JSON document
(schema `jobwatch-check/1`, documented in docs/check.md).

Every string goes through the redactor and `sanitize` once more here, whatever the checks did.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from jobwatch.check.model import Finding, Verdict, plural, seconds
from jobwatch.check.probe import Recording
from jobwatch.textsafe import sanitize

SCHEMA = "jobwatch-check/1"
SYMBOLS = {Verdict.OK: "✓", Verdict.WARN: "⚠", Verdict.FAIL: "✗", Verdict.SKIP: "-"}
ASCII_SYMBOLS = {Verdict.OK: "ok", Verdict.WARN: "!!", Verdict.FAIL: "XX", Verdict.SKIP: "--"}
ENDS = {
    "closed": "the server ended it",
    "time": "--duration reached",
    "events": "event limit reached",
    "size": "16 MiB read",
    "error": "error",
}


@dataclass(frozen=True)
class Report:
    """What `jobwatch check` found: the findings in order, and the connections it made."""

    url: str
    findings: Sequence[Finding]
    connections: Sequence[Recording]
    elapsed: float

    def count(self, verdict: Verdict) -> int:
        return sum(1 for finding in self.findings if finding.verdict is verdict)

    @property
    def exit_code(self) -> int:
        """0 when no check failed, 1 when one did."""
        return 1 if self.count(Verdict.FAIL) else 0

    @property
    def result(self) -> Verdict:
        for verdict in (Verdict.FAIL, Verdict.WARN):
            if self.count(verdict):
                return verdict
        return Verdict.OK


def _connection_line(rec: Recording) -> str:
    """One line per connection made: what it got and why it ended."""
    if rec.status is None:
        return f"{rec.purpose}: {rec.error or 'no response'}"
    head = f"{rec.http_version} {rec.status}".strip()
    what = f"{plural(len(rec.events), 'event')} in {seconds(rec.ended_at)}" if rec.streamed else "no stream"
    end = ENDS.get(rec.end, rec.end) + (f": {rec.error}" if rec.error else "")
    return f"{rec.purpose}: {head}, {what} ({end})"


def render_text(report: Report, redact: Callable[[str], str], unicode: bool = True) -> str:
    """The report as lines for a terminal: a header, one line per check, evidence and fix indented."""
    symbols = SYMBOLS if unicode else ASCII_SYMBOLS

    def safe(text: str) -> str:
        return sanitize(redact(text))

    out = [f"jobwatch check {safe(report.url)}"]
    out += [f"  {safe(_connection_line(rec))}" for rec in report.connections]
    out.append("")
    for finding in report.findings:
        name = f"{finding.group:<9} {finding.name:<17}"
        out.append(f"{symbols[finding.verdict]} {name} {safe(finding.summary)}")
        out += [f"{'':30}{safe(line)}" for line in finding.evidence]
        if finding.fix and finding.verdict in (Verdict.WARN, Verdict.FAIL):
            out.append(f"{'':30}fix: {safe(finding.fix)}")
    skipped = report.count(Verdict.SKIP)
    out += [
        "",
        f"{len(report.findings) - skipped} checks: {report.count(Verdict.OK)} ok, "
        f"{report.count(Verdict.WARN)} risky, {report.count(Verdict.FAIL)} failed"
        + (f" ({skipped} not checked)" if skipped else "")
        + f"; {seconds(report.elapsed)} in all",
    ]
    return "\n".join(out) + "\n"


def to_json(report: Report, redact: Callable[[str], str]) -> dict[str, object]:
    """The report as the `jobwatch-check/1` document (docs/check.md)."""

    def safe(text: str) -> str:
        return sanitize(redact(text))

    return {
        "schema": SCHEMA,
        "url": safe(report.url),
        "result": report.result.value,
        "exit_code": report.exit_code,
        "elapsed_s": round(report.elapsed, 3),
        "counts": {verdict.value: report.count(verdict) for verdict in Verdict},
        "connections": [
            {
                "purpose": rec.purpose,
                "last_event_id": None if rec.last_event_id is None else safe(rec.last_event_id),
                "url": safe(rec.url),
                "redirects": len(rec.hops),
                "status": rec.status,
                "http_version": rec.http_version or None,
                "events": len(rec.events),
                "bytes": sum(len(piece) for _, piece in rec.pieces),
                "seconds": round(rec.ended_at, 3),
                "end": rec.end,
                "error": None if rec.error is None else safe(rec.error),
            }
            for rec in report.connections
        ],
        "checks": [
            {
                "id": finding.key,
                "group": finding.group,
                "name": finding.name,
                "status": finding.verdict.value,
                "summary": safe(finding.summary),
                "evidence": [safe(line) for line in finding.evidence],
                "fix": None if finding.fix is None else safe(finding.fix),
            }
            for finding in report.findings
        ],
    }


def render_json(report: Report, redact: Callable[[str], str]) -> str:
    """One JSON document, pure ASCII (nothing from the server reaches a terminal raw)."""
    return json.dumps(to_json(report, redact), ensure_ascii=True, indent=2) + "\n"
