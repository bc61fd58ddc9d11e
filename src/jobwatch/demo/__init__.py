"""The demo / fault-injection SSE server: scripted jobs over real loopback sockets (no Textual).

`jobwatch demo-server` lives in `jobwatch.demo.cli` (main, serve_forever).
"""

from jobwatch.demo.chaos import random_faults
from jobwatch.demo.ledger import Ledger
from jobwatch.demo.mix import demo_jobs
from jobwatch.demo.scripts import Fault, JobScript, RawResponse, RecordedRequest
from jobwatch.demo.server import DemoServer

__all__ = [
    "DemoServer",
    "Fault",
    "JobScript",
    "Ledger",
    "RawResponse",
    "RecordedRequest",
    "demo_jobs",
    "random_faults",
]
