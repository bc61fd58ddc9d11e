"""The `[[alert]]` tables of the configuration file: checked and compiled once into `AlertRule`s.

Keys: `name`, `match` (regex searched in the event data), `event` (the event type, a name or a regex
matching the whole type), `job` (regex searched in the job name; default every job) and `on` (a job state
such as "failed": the rule matches the job turning into it, not events). Each error names the file and the
key path (`alert[2].match`), never echoing more of the value than a short escaped excerpt.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from jobwatch.alertrules import STATE_WORDS, AlertRule
from jobwatch.config.errors import ConfigError, shown

__all__ = ["ALERT_KEYS", "AlertRule", "parse_alerts"]

ALERT_KEYS = ("name", "match", "event", "job", "on")
MAX_PATTERN = 1000
"""Longest regex accepted (a rule is a few words; a huge one is a mistake)."""


def parse_alerts(value: object, file: str) -> tuple[AlertRule, ...]:
    """Every `[[alert]]` table of the document, in order, compiled; ConfigError on the first problem."""
    if not isinstance(value, list) or not all(isinstance(table, dict) for table in value):
        raise ConfigError(file, "alert", "expected an array of tables", "write [[alert]] tables")
    rules = [_rule(table, file, index) for index, table in enumerate(value, start=1)]
    seen: set[str] = set()
    for index, rule in enumerate(rules, start=1):
        if rule.name in seen:
            raise ConfigError(file, f"alert[{index}].name", f"duplicate alert name '{shown(rule.name)}'",
                              "give each [[alert]] a unique name")
        seen.add(rule.name)
    return tuple(rules)


def _rule(table: dict[str, Any], file: str, index: int) -> AlertRule:
    where = f"alert[{index}]"
    for key in table:
        if key not in ALERT_KEYS:
            close = difflib.get_close_matches(key[:100], ALERT_KEYS, n=1, cutoff=0.6)
            fix = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(ALERT_KEYS)}"
            raise ConfigError(file, f"{where}.{shown(key)}", f"unknown key '{shown(key)}'", fix)
    for key, raw in table.items():
        if not isinstance(raw, str) or not raw.strip():
            raise ConfigError(file, f"{where}.{key}", "expected a non-empty string",
                              f'write e.g. {key} = "{_EXAMPLES[key]}"')
    match, event, job = (_regex(table.get(key), file, f"{where}.{key}") for key in ("match", "event", "job"))
    on = table.get("on")
    if on is not None and on not in STATE_WORDS:
        raise ConfigError(file, f"{where}.on", f"unknown job state '{shown(on)}'",
                          f"use one of: {', '.join(STATE_WORDS)}")
    if on is not None and (match or event):
        raise ConfigError(file, where, "'on' cannot be combined with 'match' or 'event'",
                          "write one [[alert]] for the state change and another for the events")
    if not (match or event or on):
        raise ConfigError(file, where, "the rule matches nothing",
                          'give it match = "REGEX", event = "TYPE" or on = "failed"')
    name = table.get("name") or _default_name(table)
    return AlertRule(name=name.strip(), match=match, event=event, job=job, on=on)


_EXAMPLES = {"name": "oom", "match": "OOMKilled|FATAL", "event": "error", "job": "^deploy-", "on": "failed"}


def _regex(value: str | None, file: str, where: str) -> re.Pattern[str] | None:
    if value is None:
        return None
    if len(value) > MAX_PATTERN:
        raise ConfigError(file, where, f"regex longer than {MAX_PATTERN} characters", "write a shorter one")
    try:
        return re.compile(value)
    except re.error as exc:
        position = f" at position {exc.pos}" if exc.pos is not None else ""
        raise ConfigError(file, where, f"invalid regex: {exc.msg}{position}",
                          "check the pattern (Python re syntax; '...' TOML strings keep \\ as is)") from None


def _default_name(table: dict[str, Any]) -> str:
    """A readable name for an unnamed rule, from what it matches."""
    for key in ("on", "event", "match"):
        if key in table:
            return f"{key} {shown(table[key], 40)}"
    return "alert"
