"""`max_line_bytes` in the configuration file, per job and in `[defaults]`, and `--max-line-bytes` (#8.2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobwatch.config import ConfigError, Settings, load_specs
from jobwatch.stream.spec import StreamSpec

URL = "https://ci.example/jobs/1/events"


def spec_for(tmp_path: Path, content: str, settings: Settings | None = None) -> StreamSpec:
    path = tmp_path / "config.toml"
    path.write_text(content)
    (spec,) = load_specs([], settings or Settings(), path, env={}, explicit=True).specs
    return spec


def test_max_line_bytes_is_accepted_per_job(tmp_path: Path) -> None:
    spec = spec_for(tmp_path, f'[[job]]\nurl = "{URL}"\nmax_line_bytes = 4096\n')
    assert spec.max_line_bytes == 4096


def test_job_max_line_bytes_overrides_the_defaults_table(tmp_path: Path) -> None:
    content = f'[defaults]\nmax_line_bytes = 2048\n[[job]]\nurl = "{URL}"\nmax_line_bytes = 4096\n'
    assert spec_for(tmp_path, content).max_line_bytes == 4096


def test_defaults_table_max_line_bytes_applies_to_a_job_without_one(tmp_path: Path) -> None:
    content = f'[defaults]\nmax_line_bytes = 2048\n[[job]]\nurl = "{URL}"\n'
    assert spec_for(tmp_path, content).max_line_bytes == 2048


def test_command_line_max_line_bytes_overrides_the_job(tmp_path: Path) -> None:
    content = f'[defaults]\nmax_line_bytes = 2048\n[[job]]\nurl = "{URL}"\nmax_line_bytes = 4096\n'
    assert spec_for(tmp_path, content, Settings(max_line_bytes=8192)).max_line_bytes == 8192


def test_max_line_bytes_defaults_to_1_mib(tmp_path: Path) -> None:
    assert spec_for(tmp_path, f'[[job]]\nurl = "{URL}"\n').max_line_bytes == 1 << 20


@pytest.mark.parametrize("value", ["1023", "0", "-5", "1.5e3", '"4096"', "true"])
def test_max_line_bytes_below_1024_or_not_a_whole_number_is_rejected_naming_the_key(
    tmp_path: Path, value: str
) -> None:
    with pytest.raises(ConfigError, match=r"job\[1\]\.max_line_bytes.*at least 1024"):
        spec_for(tmp_path, f'[[job]]\nurl = "{URL}"\nmax_line_bytes = {value}\n')
