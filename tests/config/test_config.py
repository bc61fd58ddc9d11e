"""Specification of configuration loading: sources, precedence, headers, env expansion, verify."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobwatch.config import (
    LoadedConfig,
    Settings,
    load_specs,
    parse_source,
)
from jobwatch.stream.spec import DEFAULT_COMPLETE_EVENTS, StreamSpec

URL = "https://ci.example/jobs/1/events"


def write(tmp_path: Path, content: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(content, encoding="utf-8")
    path.chmod(mode)
    return path


def load(
    tmp_path: Path,
    content: str | None = None,
    sources: Sequence[str] = (),
    settings: Settings | None = None,
    env: Mapping[str, str] | None = None,
) -> LoadedConfig:
    path = write(tmp_path, content) if content is not None else None
    return load_specs(sources, settings or Settings(), path, env=env or {}, explicit=True)


def only(result: LoadedConfig) -> StreamSpec:
    assert len(result.specs) == 1
    return result.specs[0]


# --- sources ---------------------------------------------------------------------------------


def test_source_without_name_is_named_by_its_url() -> None:
    assert parse_source(URL) == (URL, URL)


def test_source_without_name_is_named_by_its_url_without_credentials() -> None:
    url = "https://bob:pw@h/x?token=t0p&page=2"
    assert parse_source(url) == ("https://***@h/x?token=***&page=2", url)


def test_source_with_name_splits_at_the_first_equals_sign() -> None:
    assert parse_source("deploy=https://h/x?a=b") == ("deploy", "https://h/x?a=b")


def test_url_with_a_query_is_not_taken_for_name_equals_url() -> None:
    assert parse_source("http://h/x?a=b") == ("http://h/x?a=b", "http://h/x?a=b")


@pytest.mark.parametrize("text", ["h/x=1", "h?x=1", "http://h=1"])
def test_text_before_equals_with_url_marks_is_not_a_name(text: str) -> None:
    assert parse_source(text) == (text, text)


@given(
    path=st.text("abc/-_.", max_size=10),
    query=st.text("abc=&", max_size=10),
)
def test_any_url_with_a_scheme_stays_a_url(path: str, query: str) -> None:
    url = f"http://h/{path}?{query}"
    assert parse_source(url) == (url, url)


def test_source_name_and_url_are_stripped() -> None:
    assert parse_source(" deploy = https://h/x ") == ("deploy", "https://h/x")


# --- reading the file ----------------------------------------------------------------------------


def test_missing_default_file_means_no_configured_jobs(tmp_path: Path) -> None:
    result = load_specs([URL], Settings(), tmp_path / "absent.toml", env={}, explicit=False)
    assert [spec.name for spec in result.specs] == [URL]
    assert result.config_file is None


def test_no_config_path_reads_no_file() -> None:
    assert load_specs([], Settings(), None, env={}).specs == []


def test_configured_job_becomes_a_spec(tmp_path: Path) -> None:
    result = load(tmp_path, f'[[job]]\nname = "deploy"\nurl = "{URL}"\npoll_url = "{URL}/poll"\n')
    spec = only(result)
    assert (spec.name, spec.url, spec.poll_url) == ("deploy", URL, f"{URL}/poll")
    assert result.config_file == tmp_path / "config.toml"


def test_configured_job_without_name_is_named_by_its_url(tmp_path: Path) -> None:
    assert only(load(tmp_path, f'[[job]]\nurl = "{URL}"\n')).name == URL


def test_configured_job_without_name_is_named_by_its_url_without_credentials(
    tmp_path: Path,
) -> None:
    spec = only(load(tmp_path, '[[job]]\nurl = "https://h/x?token=t0p"\n'))
    assert (spec.name, spec.url) == ("https://h/x?token=***", "https://h/x?token=t0p")


def test_configured_job_name_masks_every_credential_parameter_of_its_url(tmp_path: Path) -> None:
    url = "https://h/x?private_token=p1&apikey=p2&X-Amz-Signature=p3&auth=p4&page=2"
    spec = only(load(tmp_path, f'[[job]]\nurl = "{url}"\n'))
    assert spec.name == "https://h/x?private_token=***&apikey=***&X-Amz-Signature=***&auth=***&page=2"


def test_name_from_a_url_masks_a_header_secret_that_the_url_also_carries(tmp_path: Path) -> None:
    settings = Settings(headers=["X-Token: ${TOKEN}"])
    result = load(tmp_path, sources=["https://h/jobs/tk-93a1f/events"], settings=settings,
                  env={"TOKEN": "tk-93a1f"})
    assert only(result).name == "https://h/jobs/***/events"


def test_name_given_with_name_equals_url_is_kept_as_given(tmp_path: Path) -> None:
    assert only(load(tmp_path, sources=["api=https://h/x?token=t0p"])).name == "api"


def test_redactor_knows_url_passwords_and_credential_parameters_of_every_url(tmp_path: Path) -> None:
    content = (
        '[[job]]\nurl = "https://bob:pw-f1le@h/x?sig=s1g-v4l"\n'
        'poll_url = "https://h/p?client_secret=p0ll-s3c"\n'
    )
    result = load(tmp_path, content, sources=["https://h/y?access_token=a%2Bcl1"])
    assert {"pw-f1le", "s1g-v4l", "p0ll-s3c", "a%2Bcl1", "a+cl1"} <= result.redactor.secrets
    assert result.redactor("echo pw-f1le a+cl1 a%2Bcl1") == "echo *** *** ***"


def test_forward_headers_become_lower_case_hosts_of_the_spec(tmp_path: Path) -> None:
    content = (
        f'[[job]]\nurl = "{URL}"\n'
        'forward_headers = ["Artifacts.CI.example", "127.0.0.1", "[::1]", "cache.example."]\n'
    )
    spec = only(load(tmp_path, content))
    assert spec.forward_headers_to == ("artifacts.ci.example", "127.0.0.1", "::1", "cache.example")


def test_without_forward_headers_no_host_gets_headers_after_a_redirect(tmp_path: Path) -> None:
    result = load(tmp_path, f'[[job]]\nurl = "{URL}"\n', sources=[URL + "/2"])
    assert [spec.forward_headers_to for spec in result.specs] == [(), ()]


def test_configured_jobs_come_before_command_line_sources(tmp_path: Path) -> None:
    result = load(tmp_path, f'[[job]]\nname = "a"\nurl = "{URL}"\n', sources=[f"b={URL}"])
    assert [spec.name for spec in result.specs] == ["a", "b"]


# --- precedence ----------------------------------------------------------------------------------

class Field(NamedTuple):
    """One setting at each precedence layer: TOML literals for the file, a value for the CLI."""

    key: str
    in_defaults: str
    in_job: str
    on_cli: Any
    want_defaults: Any
    want_job: Any
    want_cli: Any


FIELDS = [
    Field("heartbeat_timeout", "5", "7", 9.0, 5.0, 7.0, 9.0),
    Field("max_backoff", "5", "7", 9.0, 5.0, 7.0, 9.0),
    Field("max_retries", "5", "7", 9, 5, 7, 9),
    Field("complete_events", '["d"]', '["j"]', ["cli"], ("d",), ("j",), ("cli",)),
]
by_key = pytest.mark.parametrize("field", FIELDS, ids=[f.key for f in FIELDS])


@by_key
def test_built_in_value_applies_when_nothing_is_given(tmp_path: Path, field: Field) -> None:
    spec = only(load(tmp_path, f'[[job]]\nurl = "{URL}"\n'))
    assert getattr(spec, field.key) == getattr(StreamSpec("n", URL), field.key)


@by_key
def test_defaults_table_overrides_built_in(tmp_path: Path, field: Field) -> None:
    content = f'[defaults]\n{field.key} = {field.in_defaults}\n[[job]]\nurl = "{URL}"\n'
    assert getattr(only(load(tmp_path, content)), field.key) == field.want_defaults


@by_key
def test_job_overrides_defaults(tmp_path: Path, field: Field) -> None:
    content = (
        f"[defaults]\n{field.key} = {field.in_defaults}\n"
        f'[[job]]\nurl = "{URL}"\n{field.key} = {field.in_job}\n'
    )
    assert getattr(only(load(tmp_path, content)), field.key) == field.want_job


@by_key
def test_command_line_overrides_job(tmp_path: Path, field: Field) -> None:
    content = (
        f"[defaults]\n{field.key} = {field.in_defaults}\n"
        f'[[job]]\nurl = "{URL}"\n{field.key} = {field.in_job}\n'
    )
    spec = only(load(tmp_path, content, settings=Settings(**{field.key: field.on_cli})))
    assert getattr(spec, field.key) == field.want_cli


def test_command_line_sources_use_the_defaults_table(tmp_path: Path) -> None:
    spec = only(load(tmp_path, "[defaults]\nheartbeat_timeout = 5\n", sources=[URL]))
    assert spec.heartbeat_timeout == 5.0


def test_max_line_bytes_comes_from_the_defaults_table(tmp_path: Path) -> None:
    spec = only(load(tmp_path, "[defaults]\nmax_line_bytes = 4096\n", sources=[URL]))
    assert spec.max_line_bytes == 4096


def test_empty_complete_events_on_the_command_line_means_not_given(tmp_path: Path) -> None:
    spec = only(load(tmp_path, sources=[URL], settings=Settings(complete_events=())))
    assert spec.complete_events == DEFAULT_COMPLETE_EVENTS


# --- headers -------------------------------------------------------------------------------------


def test_job_headers_merge_over_default_headers_ignoring_case(tmp_path: Path) -> None:
    content = (
        '[defaults]\nheaders = { Authorization = "Bearer d", X-Team = "t" }\n'
        f'[[job]]\nurl = "{URL}"\nheaders = {{ authorization = "Bearer j" }}\n'
    )
    assert dict(only(load(tmp_path, content)).headers) == {
        "authorization": "Bearer j",
        "X-Team": "t",
    }


def test_command_line_headers_override_on_configured_and_command_line_sources(
    tmp_path: Path,
) -> None:
    content = f'[[job]]\nname = "a"\nurl = "{URL}"\nheaders = {{ X-Key = "job" }}\n'
    settings = Settings(headers=["x-key: cli", "X-Other: o"])
    result = load(tmp_path, content, sources=[f"b={URL}"], settings=settings)
    assert [dict(spec.headers) for spec in result.specs] == [
        {"x-key": "cli", "X-Other": "o"},
        {"x-key": "cli", "X-Other": "o"},
    ]


def test_env_references_are_expanded_in_config_headers(tmp_path: Path) -> None:
    content = f'[[job]]\nurl = "{URL}"\nheaders = {{ Authorization = "Bearer ${{JOBS_TOKEN}}" }}\n'
    spec = only(load(tmp_path, content, env={"JOBS_TOKEN": "tok-123"}))
    assert spec.headers == {"Authorization": "Bearer tok-123"}


def test_env_references_are_expanded_in_command_line_headers(tmp_path: Path) -> None:
    settings = Settings(headers=["X-Key: ${A}-${B}"])
    spec = only(load(tmp_path, sources=[URL], settings=settings, env={"A": "1", "B": "2"}))
    assert spec.headers == {"X-Key": "1-2"}


def test_redactor_knows_expanded_values_bearer_tokens_and_env_values(tmp_path: Path) -> None:
    content = (
        '[defaults]\nheaders = { Authorization = "Bearer ${JOBS_TOKEN}", Accept = "text/x" }\n'
        f'[[job]]\nurl = "{URL}"\n'
    )
    settings = Settings(headers=["X-Key: k-${SUFFIX}"])
    env = {"JOBS_TOKEN": "tok-123", "SUFFIX": "zz"}
    redactor = load(tmp_path, content, settings=settings, env=env).redactor
    assert {"Bearer tok-123", "tok-123", "k-zz", "zz"} <= redactor.secrets
    assert "text/x" not in redactor.secrets
    assert redactor("401 for Bearer tok-123 then tok-123") == "401 for *** then ***"


# --- TLS verification ----------------------------------------------------------------------------


def test_verify_is_on_by_default(tmp_path: Path) -> None:
    assert only(load(tmp_path, sources=[URL])).verify is True


def test_insecure_turns_verification_off(tmp_path: Path) -> None:
    assert only(load(tmp_path, sources=[URL], settings=Settings(insecure=True))).verify is False


def test_ca_bundle_becomes_the_verify_path(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("pem")
    spec = only(load(tmp_path, sources=[URL], settings=Settings(ca_bundle=str(bundle))))
    assert spec.verify == str(bundle)


# --- permission warning --------------------------------------------------------------------------

LITERAL = f'[[job]]\nurl = "{URL}"\nheaders = {{ Authorization = "Bearer lit-secret-99" }}\n'


def test_world_readable_file_with_a_literal_secret_warns(tmp_path: Path) -> None:
    path = write(tmp_path, LITERAL, mode=0o644)
    result = load_specs([], Settings(), path, env={}, explicit=True)
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert str(path) in warning and "job[1].headers.Authorization" in warning
    assert "chmod 600" in warning
    assert "lit-secret-99" not in warning


def test_private_file_with_a_literal_secret_does_not_warn(tmp_path: Path) -> None:
    path = write(tmp_path, LITERAL, mode=0o600)
    assert load_specs([], Settings(), path, env={}, explicit=True).warnings == []


def test_world_readable_file_with_only_env_references_does_not_warn(tmp_path: Path) -> None:
    content = f'[[job]]\nurl = "{URL}"\nheaders = {{ Authorization = "Bearer ${{T}}" }}\n'
    path = write(tmp_path, content, mode=0o644)
    assert load_specs([], Settings(), path, env={"T": "tok"}, explicit=True).warnings == []


def test_world_readable_file_with_only_harmless_literal_headers_does_not_warn(
    tmp_path: Path,
) -> None:
    content = f'[[job]]\nurl = "{URL}"\nheaders = {{ User-Agent = "me" }}\n'
    path = write(tmp_path, content, mode=0o644)
    assert load_specs([], Settings(), path, env={}, explicit=True).warnings == []


def test_config_redact_and_cursor_modules_never_import_textual() -> None:
    code = (
        "import sys, jobwatch.config, jobwatch.redact, jobwatch.stream.cursor;"
        "sys.exit('textual' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
