"""`jobwatch tail` with `[[alert]]` rules in the config (the real process): one stderr line per matching
event, after the stdout lines before it; stdout still gets every event."""

from __future__ import annotations

import subprocess
from pathlib import Path

from prockit import JOBWATCH, fed_stream, process

PIPE = subprocess.PIPE


def test_each_matching_event_adds_one_escaped_alert_line_on_stderr(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    with fed_stream() as server:
        config.write_text(f'[[job]]\nname = "api"\nurl = "{server.url}"\n'
                          '[[alert]]\nname = "oom"\nmatch = "OOMKilled"\n'
                          '[[alert]]\nname = "other jobs"\nmatch = "step"\njob = "^db"\n')
        config.chmod(0o600)
        args = [*JOBWATCH, "tail", "--no-state", "--config", str(config)]
        with process(args, stdout=PIPE, stderr=PIPE) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            server.send(b"id: 1\ndata: step 1\n\nid: 2\ndata: pod OOMKilled \x1b[2J\n\n")
            server.send(b"id: 3\ndata: step 3\n\n")
            out = [proc.stdout.readline() for _ in range(3)]
            server.send(b"id: 4\ndata: OOMKilled again\n\n")
            out.append(proc.stdout.readline())
            server.end()
            proc.terminate()
            err = proc.stderr.read().decode()
    assert [line.split(b"  ", 3)[3] for line in out] == [
        b"step 1\n", b"pod OOMKilled \\x1b[2J\n", b"step 3\n", b"OOMKilled again\n"]
    alerts = [line for line in err.splitlines() if " alert " in line]
    assert alerts == ["jobwatch: api: alert oom: message pod OOMKilled \\x1b[2J",
                      "jobwatch: api: alert oom: message OOMKilled again"]
