"""Runs a check: the first connection for the duration, the resume probes, then every group of checks."""

from __future__ import annotations

import asyncio

from jobwatch.check.framing import check_framing
from jobwatch.check.ids import check_ids
from jobwatch.check.liveness import check_liveness
from jobwatch.check.model import Options, Show
from jobwatch.check.probe import record
from jobwatch.check.report import Report
from jobwatch.check.response import check_response
from jobwatch.check.resume import check_resume, run_probes
from jobwatch.stream.http import make_client


async def run_check(options: Options, show: Show | None = None) -> Report:
    """Watch `options.url` as jobwatch would, try resuming it, and judge what was seen."""
    show = show or Show()
    clock = asyncio.get_running_loop().time
    start = clock()
    async with make_client(options.verify) as client:
        main = await record(
            client,
            options.url,
            options.headers,
            purpose="first connection",
            seconds=options.duration,
            max_events=options.events,
            insecure=options.verify is False,
        )
        probes = await run_probes(client, options, main)
    limits = options.thresholds
    findings = [
        *check_response(main, show),
        *check_framing(main, show, limits),
        *check_ids(main, probes.recordings(), show),
        *check_liveness(main, limits),
        *check_resume(main, probes, show),
    ]
    return Report(show.plain(options.url, 300), findings, [main, *probes.recordings()], clock() - start)
