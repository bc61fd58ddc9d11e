"""Specification of configuration errors: one line naming file, line or key, what is wrong and the fix,
and never a header value or a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

from jobwatch.config import ConfigError, Settings, load_specs

URL = "https://ci.example/jobs/1/events"
SECRET = "s3cr3t-value-77"
ENV = {"JOBS_TOKEN": SECRET, "EMPTY": "", "NEWLINE": f"{SECRET}\nX-Injected: 1"}
AUTH = f'headers = {{ Authorization = "Bearer {SECRET}" }}'


@dataclass(frozen=True)
class Case:
    """A bad configuration and what its error must say."""

    id: str
    content: str | None
    location: str
    """Expected `<file>:<line or key>` prefix; `FILE` stands for the config path."""
    fix: str
    """A fragment of the expected fix, shown in parentheses."""
    sources: Sequence[str] = ()
    settings: Settings = field(default_factory=Settings)
    env: Mapping[str, str] = field(default_factory=lambda: ENV)


def job(*lines: str) -> str:
    return "\n".join(["[[job]]", *lines, ""])


CASES = [
    Case("toml syntax", f'{AUTH}\n[[job]]\nurl = "{URL}\nname = "x"\n', "FILE:3:", "double quotes"),
    Case("unknown top key", f"[[jobs]]\n{AUTH}\n", "FILE:jobs:", "did you mean 'job'?"),
    Case("unknown defaults key", "[defaults]\nheartbeat = 3\n", "FILE:defaults.heartbeat:",
         "did you mean 'heartbeat_timeout'?"),
    Case("unknown job key", job(f'urll = "{URL}"', AUTH), "FILE:job[1].urll:", "'url'"),
    Case("unknown key far from all", job("zzz = 1"), "FILE:job[1].zzz:", "known keys: name, url"),
    Case("job is a single table", f'[job]\nurl = "{URL}"\n', "FILE:job:", "[[job]]"),
    Case("defaults not a table", "defaults = 3\n", "FILE:defaults:", "[defaults]"),
    Case("timeout is a string", job(f'url = "{URL}"', 'heartbeat_timeout = "45"', AUTH),
         "FILE:job[1].heartbeat_timeout:", "write e.g. 45"),
    Case("timeout is a boolean", job(f'url = "{URL}"', "max_backoff = true"),
         "FILE:job[1].max_backoff:", "write e.g. 45"),
    Case("negative backoff", "[defaults]\nmax_backoff = -1\n", "FILE:defaults.max_backoff:", "45"),
    Case("zero heartbeat", job(f'url = "{URL}"', "heartbeat_timeout = 0"),
         "FILE:job[1].heartbeat_timeout:", "45"),
    Case("infinite heartbeat", "[defaults]\nheartbeat_timeout = inf\n",
         "FILE:defaults.heartbeat_timeout:", "45"),
    Case("negative retries", job(f'url = "{URL}"', "max_retries = -1"),
         "FILE:job[1].max_retries:", "0 never reconnects"),
    Case("fractional retries", "[defaults]\nmax_retries = 1.5\n", "FILE:defaults.max_retries:",
         "write e.g. 5"),
    Case("events not a list", job(f'url = "{URL}"', 'complete_events = "done"'),
         "FILE:job[1].complete_events:", '["complete", "done"]'),
    Case("line bytes zero", "[defaults]\nmax_line_bytes = 0\n", "FILE:defaults.max_line_bytes:",
         "1048576"),
    Case("missing url", job('name = "a"', AUTH), "FILE:job[1].url:", 'add url = "https://..."'),
    Case("ftp url", job('url = "ftp://h/x"', AUTH), "FILE:job[1].url:", "https://ci.example"),
    Case("url without host", job('url = "https:///x"'), "FILE:job[1].url:", "https://ci.example"),
    Case("relative url", job('url = "jobs/1"'), "FILE:job[1].url:", "full URL"),
    Case("bad poll url", job(f'url = "{URL}"', 'poll_url = "nope"'), "FILE:job[1].poll_url:",
         "full URL"),
    Case("empty name", job('name = ""', f'url = "{URL}"'), "FILE:job[1].name:", "deploy-api"),
    Case("duplicate job name", job('name = "a"', f'url = "{URL}"') + job('name = "a"', f'url = "{URL}"'),
         "FILE:job[2]:", "unique name"),
    Case("duplicate with command line", job('name = "a"', f'url = "{URL}"'),
         "command line:source #1", "NAME=URL", sources=[f"a={URL}"]),
    Case("missing env var", job(f'url = "{URL}"', 'headers = { X-Key = "${NOPE}" }'),
         "FILE:job[1].headers.X-Key:", "set NOPE or remove the header"),
    Case("empty env var", '[defaults]\nheaders = { X-Key = "${EMPTY}" }\n',
         "FILE:defaults.headers.X-Key:", "set EMPTY or remove the header"),
    Case("malformed reference", job(f'url = "{URL}"', f'headers = {{ X-Key = "${{{SECRET}" }}'),
         "FILE:job[1].headers.X-Key:", "${NAME}"),
    Case("env value with line break", '[defaults]\nheaders = { X-Key = "${NEWLINE}" }\n',
         "FILE:defaults.headers.X-Key:", "printable ASCII"),
    Case("bad header name in file", f'[defaults]\nheaders = {{ "Bearer {SECRET}" = "x" }}\n',
         "FILE:defaults.headers[1]:", "letters, digits and '-'"),
    Case("header value not a string", job(f'url = "{URL}"', "headers = { X-Key = 3 }"),
         "FILE:job[1].headers.X-Key:", "double quotes"),
    Case("header line without colon", None, "command line:-H #1:", "-H 'Name: value'",
         settings=Settings(headers=[f"Bearer {SECRET}"])),
    Case("bad header name on command line", None, "command line:-H #2:", "letters, digits",
         settings=Settings(headers=["X-Ok: 1", f"Bearer {SECRET}: x"])),
    Case("missing env var on command line", None, "command line:-H #1 (X-Key):",
         "set NOPE or remove the header", settings=Settings(headers=["X-Key: ${NOPE}"])),
    Case("bad command-line source", None, "command line:source #1 'deploy'", "full URL",
         sources=["deploy"]),
    Case("duplicate command-line sources", None, "command line:source #2", "NAME=URL",
         sources=[URL, URL]),
    Case("duplicate sources with a token", None, "command line:source #2", "NAME=URL",
         sources=[f"{URL}?token={SECRET}"] * 2),
    Case("zero heartbeat on command line", None, "command line:--heartbeat-timeout:", "45",
         settings=Settings(heartbeat_timeout=0)),
    Case("negative backoff on command line", None, "command line:--max-backoff:", "45",
         settings=Settings(max_backoff=-2)),
    Case("negative retries on command line", None, "command line:--max-retries:", "0 never",
         settings=Settings(max_retries=-1)),
    Case("empty completion event on command line", None, "command line:--complete-event:",
         "--complete-event done", settings=Settings(complete_events=["done", ""])),
    Case("forward_headers not a list", job(f'url = "{URL}"', 'forward_headers = "h.example"'),
         "FILE:job[1].forward_headers:", 'forward_headers = ["artifacts.ci.example"]'),
    Case("forward_headers entry not a string", job(f'url = "{URL}"', "forward_headers = [1]"),
         "FILE:job[1].forward_headers[1]:", "only the host"),
    Case("forward_headers entry with a scheme", job(f'url = "{URL}"', 'forward_headers = ["a.example", "https://h"]'),
         "FILE:job[1].forward_headers[2]:", "no scheme, port, path or wildcard"),
    Case("forward_headers entry with a port", job(f'url = "{URL}"', 'forward_headers = ["h.example:8443"]'),
         "FILE:job[1].forward_headers[1]:", "no scheme, port"),
    Case("forward_headers entry with a path", job(f'url = "{URL}"', 'forward_headers = ["h.example/x"]'),
         "FILE:job[1].forward_headers[1]:", "path"),
    Case("forward_headers wildcard", job(f'url = "{URL}"', 'forward_headers = ["*.h.example"]'),
         "FILE:job[1].forward_headers[1]:", "wildcard"),
    Case("forward_headers empty host", job(f'url = "{URL}"', 'forward_headers = [""]'),
         "FILE:job[1].forward_headers[1]:", "only the host"),
    Case("forward_headers non-ascii host", job(f'url = "{URL}"', 'forward_headers = ["bücher.example"]'),
         "FILE:job[1].forward_headers[1]:", "xn--"),
    Case("forward_headers with credentials", job(f'url = "{URL}"', f'forward_headers = ["https://u:{SECRET}@h"]'),
         "FILE:job[1].forward_headers[1]:", "only the host"),
    Case("forward_headers in defaults", '[defaults]\nforward_headers = ["h.example"]\n',
         "FILE:defaults.forward_headers:", "[[job]]"),
    Case("header value over 8 KiB in the file",
         job(f'url = "{URL}"', f'headers = {{ X-Key = "{"a" * 9000}" }}'),
         "FILE:job[1].headers.X-Key:", "8 KiB"),
    Case("header line over 8 KiB on the command line", None, "command line:-H #1:", "8 KiB",
         sources=[URL], settings=Settings(headers=["X-Key: " + "a" * 9000])),
    Case("header value over 8 KiB once expanded", '[defaults]\nheaders = { X-Key = "${BIG}" }\n',
         "FILE:defaults.headers.X-Key:", "8 KiB", env={**ENV, "BIG": "b" * 9000}),
    Case("headers over 64 KiB in all", job(f'url = "{URL}"', "headers = { "
         + ", ".join(f'X-H{i} = "{"c" * 8000}"' for i in range(9)) + " }"),
         "FILE:job[1].headers:", "64 KiB"),
    Case("config file over 1 MiB", "# " + "x" * (1 << 20) + "\n", "FILE:", "1 MiB"),
    Case("deeply nested TOML", "a = " + "[" * 5000 + "]" * 5000 + "\n", "FILE:", "nested"),
    Case("unknown key with escape bytes", '[defaults]\n"\\u001b]0;PWNED\\u0007" = 1\n',
         "FILE:defaults.\\x1b]0;PWNED\\x07:", "known keys"),
    Case("command-line source with escape bytes", None, "command line:source #1 'http://h/\\x1b]0;PWNED\\x07'",
         "full URL", sources=["http://h/\x1b]0;PWNED\x07"]),
    Case("duplicate names with invisible characters", None, "command line:source #2",
         "NAME=URL", sources=[f"a\u200b={URL}", f"a\u200b={URL}/2"]),
    Case("missing ca bundle", None, "command line:--ca-bundle:", "PEM file", sources=[URL],
         settings=Settings(ca_bundle="/nonexistent/ca.pem")),
]


def error_for(tmp_path: Path, case: Case) -> tuple[str, str]:
    """The error message and the config path it should name."""
    path = tmp_path / "config.toml"
    if case.content is not None:
        path.write_text(case.content, encoding="utf-8")
    config = path if case.content is not None else None
    with pytest.raises(ConfigError) as caught:
        load_specs(case.sources, case.settings, config, env=case.env, explicit=True)
    return str(caught.value), str(path)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_error_names_the_file_and_line_or_key_and_the_fix(tmp_path: Path, case: Case) -> None:
    message, path = error_for(tmp_path, case)
    assert message.startswith(case.location.replace("FILE", path))
    assert message.endswith(")")
    assert case.fix in message


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_error_is_one_line_without_secrets(tmp_path: Path, case: Case) -> None:
    message, _ = error_for(tmp_path, case)
    assert "\n" not in message
    assert message.isprintable()
    assert SECRET not in message
    assert "s3cr3t" not in message


def test_explicit_config_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    with pytest.raises(ConfigError, match=r"missing\.toml: file not found \(check the --config"):
        load_specs([], Settings(), path, env={}, explicit=True)


def test_config_that_is_a_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load_specs([], Settings(), tmp_path, env={}, explicit=True)


def test_unreadable_default_config_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text("")

    def deny_reading(self: Path, *args: object, **kwargs: object) -> NoReturn:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", deny_reading)
    with pytest.raises(ConfigError, match=r"config\.toml: cannot read: Permission denied \(check"):
        load_specs([], Settings(), path, env={}, explicit=False)


def test_truncated_toml_names_the_last_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[defaults]\nheartbeat_timeout = 4\nmax_backoff =\n")
    with pytest.raises(ConfigError, match=r"config\.toml:3: invalid TOML"):
        load_specs([], Settings(), path, env={}, explicit=True)


def test_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[defaults]\n# caf\xe9\n')
    with pytest.raises(ConfigError, match=r"config\.toml:2: not valid UTF-8"):
        load_specs([], Settings(), path, env={}, explicit=True)


def test_error_keeps_its_parts_as_attributes() -> None:
    error = ConfigError("c.toml", "job[1].url", "missing url", "add one")
    assert (error.file, error.where, error.problem, error.fix) == (
        "c.toml",
        "job[1].url",
        "missing url",
        "add one",
    )
    assert str(error) == "c.toml:job[1].url: missing url (add one)"


def test_error_text_shows_control_and_invisible_characters_escaped() -> None:
    error = ConfigError("c\x1b.toml", "k\x07", "bad \x1b]0;t\x07 \u202e", "fix \u200b")
    assert str(error) == "c\\x1b.toml:k\\x07: bad \\x1b]0;t\\x07 \\u202e (fix \\u200b)"


def test_a_huge_unknown_key_is_shown_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[defaults]\n{"k" * 100_000} = 1\n')
    with pytest.raises(ConfigError) as caught:
        load_specs([], Settings(), path, env={}, explicit=True)
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize(
    ("content", "env", "problem"),
    [
        ("a = " + "[" * 20_000 + "]" * 20_000 + "\n", {}, "nested too deeply"),
        ("x = " + "{ a = " * 3000 + "1" + " }" * 3000 + "\n", {}, "nested too deeply"),
        ('[defaults]\nheaders = { X-Key = "' + "v" * 50_000_000 + '" }\n', {}, "over the 1 MiB limit"),
        ('[defaults]\nheaders = { X-Key = "' + "v" * 500_000 + '" }\n', {}, "over the 8 KiB limit"),
        ('[defaults]\nheaders = { X-Key = "${BIG}" }\n', {"BIG": "b" * 100_000}, "over the 8 KiB limit"),
        (b"[defaults]\n# \xff\xfe\n", {}, "not valid UTF-8"),
    ],
    ids=["deep arrays", "deep inline tables", "50 MB header", "500 KB header", "huge env value", "not utf-8"],
)
def test_every_config_failure_is_a_usage_error_of_one_line_naming_the_file(
    tmp_path: Path, content: str | bytes, env: dict[str, str], problem: str
) -> None:
    path = tmp_path / "config.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    result = subprocess.run(
        [sys.executable, "-m", "jobwatch", "tail", "--no-state", "--config", str(path), URL],
        capture_output=True, text=True, timeout=60, env={**os.environ, **env},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"jobwatch: {path}") and result.stderr.count("\n") == 1
    assert problem in result.stderr
