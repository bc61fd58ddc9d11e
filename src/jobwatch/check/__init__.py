"""`jobwatch check URL`: inspect an SSE endpoint and report what will break its clients (no Textual).

`run_check(Options(url), Show(redactor))` returns a `Report`; `jobwatch.check.cli.main` is the command.
"""

from jobwatch.check.model import Finding, Options, Show, Thresholds, Verdict
from jobwatch.check.report import Report, render_json, render_text
from jobwatch.check.run import run_check

__all__ = [
    "Finding",
    "Options",
    "Report",
    "Show",
    "Thresholds",
    "Verdict",
    "render_json",
    "render_text",
    "run_check",
]
