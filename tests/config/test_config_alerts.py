"""Specification of `[[alert]]` in the configuration: rules compiled once, in order, and every mistake a
one-line ConfigError naming the file and the key path, with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobwatch.config import ConfigError, Settings, load_specs

JOB = '[[job]]\nname = "api"\nurl = "https://ci.example/jobs/1/events"\n'


def load(tmp_path: Path, alerts: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(alerts + JOB)
    path.chmod(0o600)
    return load_specs([], Settings(), path, explicit=True)


def test_rules_are_compiled_in_order_with_their_keys(tmp_path: Path) -> None:
    loaded = load(tmp_path, '[[alert]]\nname = "oom"\nmatch = "OOMKilled|FATAL"\njob = "^api"\n'
                  '[[alert]]\nevent = "error"\n[[alert]]\non = "failed"\n')
    rules = loaded.alerts  # type: ignore[attr-defined]
    assert [r.name for r in rules] == ["oom", "event error", "on failed"]
    assert rules[0].match.pattern == "OOMKilled|FATAL" and rules[0].job.pattern == "^api"
    assert rules[1].event.pattern == "error" and rules[1].match is None
    assert rules[2].on == "failed"


def test_no_alert_tables_means_no_rules(tmp_path: Path) -> None:
    assert load(tmp_path, "").alerts == ()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("alerts", "where", "problem"),
    [
        ('[[alert]]\nmatch = "OOM(Killed"\n', "alert[1].match", "invalid regex: missing ), unterminated"),
        ('[[alert]]\nevent = "error"\n[[alert]]\njob = "[a-"\nmatch = "x"\n', "alert[2].job",
         "invalid regex: unterminated character set"),
        ('[[alert]]\nevent = "*"\n', "alert[1].event", "invalid regex: nothing to repeat"),
        ('[[alert]]\nmatc = "x"\n', "alert[1].matc", "unknown key 'matc' (did you mean 'match'?)"),
        ('[[alert]]\non = "stale"\n', "alert[1].on", "unknown job state 'stale'"),
        ('[[alert]]\nmatch = 3\n', "alert[1].match", "expected a non-empty string"),
        ('[[alert]]\nname = "x"\n', "alert[1]", "the rule matches nothing"),
        ('[[alert]]\non = "failed"\nmatch = "x"\n', "alert[1]", "'on' cannot be combined"),
        ('[[alert]]\nname = "a"\nevent = "e"\n[[alert]]\nname = "a"\non = "failed"\n', "alert[2].name",
         "duplicate alert name 'a'"),
        ('alert = "x"\n', "alert", "expected an array of tables"),
    ],
)
def test_a_bad_rule_names_the_file_and_key(tmp_path: Path, alerts: str, where: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, alerts)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'config.toml'}:{where}: ")
    assert problem in message
    assert "\n" not in message
