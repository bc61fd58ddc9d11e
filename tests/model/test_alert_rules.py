"""Specification of alert rules: matching events are flagged and counted on their job, state changes can
alert, and a rule rings at most once per quiet period (one bell per burst), measured on a fake clock."""

from __future__ import annotations

import re

from jobwatch.model import DashboardModel
from jobwatch.model.alerts import AlertRule, Ring
from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.spec import StreamSpec


class FakeClock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def ev(data: str, type_: str = "log", id_: str = "") -> SSEvent:
    return SSEvent(type_, data, id_, id_ or None)


OOM = AlertRule("oom", match=re.compile("OOMKilled|FATAL"))
ERRORS = AlertRule("errors", event=re.compile("error"))
DEPLOY_FAILED = AlertRule("deploy failed", on="failed", job=re.compile("^deploy-"))


def model(clock: FakeClock, *rules: AlertRule) -> DashboardModel:
    dashboard = DashboardModel(clock=clock, wall_clock=lambda: 1.7e9, alert_rules=rules)
    for name in ("api", "deploy-web"):
        dashboard.add(StreamSpec(name, f"http://127.0.0.1/{name}"))
    return dashboard


def test_a_matching_event_is_flagged_in_the_job_buffer_and_the_timeline_and_counted() -> None:
    dashboard = model(FakeClock(), OOM)
    dashboard.on_events("api", [ev("ok"), ev("pod OOMKilled"), ev("fine")])
    assert [r.alert for r in dashboard["api"].events] == ["", "oom", ""]
    assert [e.record.alert for e in dashboard.timeline] == ["", "oom", ""]
    assert dashboard["api"].alerts == 1
    assert dashboard["deploy-web"].alerts == 0


def test_event_names_the_whole_type_and_match_searches_the_data() -> None:
    dashboard = model(FakeClock(), ERRORS)
    dashboard.on_events("api", [ev("x", "error"), ev("x", "error_count"), ev("error", "log")])
    assert [r.alert for r in dashboard["api"].events] == ["errors", "", ""]


def test_both_keys_of_one_rule_must_match() -> None:
    both = AlertRule("fatal errors", match=re.compile("FATAL"), event=re.compile("error"))
    dashboard = model(FakeClock(), both)
    dashboard.on_events("api", [ev("FATAL", "log"), ev("soft", "error"), ev("FATAL disk", "error")])
    assert [r.alert for r in dashboard["api"].events] == ["", "", "fatal errors"]


def test_a_rule_limited_by_job_name_ignores_other_jobs() -> None:
    only_deploy = AlertRule("deploy oom", match=re.compile("OOM"), job=re.compile("^deploy-"))
    dashboard = model(FakeClock(), only_deploy)
    dashboard.on_events("api", [ev("OOM")])
    dashboard.on_events("deploy-web", [ev("OOM")])
    assert (dashboard["api"].alerts, dashboard["deploy-web"].alerts) == (0, 1)


def test_notices_never_match() -> None:
    dashboard = model(FakeClock(), OOM)
    dashboard.on_notice("api", "job error: OOMKilled")
    assert dashboard["api"].alerts == 0
    assert dashboard.alerts.take_rings() == []


def test_a_burst_rings_once_and_the_next_burst_after_the_quiet_period_rings_again() -> None:
    clock = FakeClock()
    dashboard = model(clock, OOM)
    for n in range(20):
        clock.now = 100.0 + n * 0.4  # 20 matches within 8 s
        dashboard.on_events("api", [ev(f"FATAL {n}")])
    assert dashboard.alerts.take_rings() == [Ring("oom", "api", "log FATAL 0")]
    clock.now = 109.9
    dashboard.on_events("deploy-web", [ev("FATAL late")])
    assert dashboard.alerts.take_rings() == []
    clock.now = 110.0
    dashboard.on_events("deploy-web", [ev("FATAL again")])
    assert dashboard.alerts.take_rings() == [Ring("oom", "deploy-web", "log FATAL again")]
    assert dashboard["api"].alerts == 20


def test_each_rule_has_its_own_quiet_period() -> None:
    dashboard = model(FakeClock(), OOM, ERRORS)
    dashboard.on_events("api", [ev("FATAL", "log"), ev("x", "error"), ev("FATAL", "log")])
    assert [ring.rule for ring in dashboard.alerts.take_rings()] == ["oom", "errors"]


def test_a_job_turning_failed_is_an_alert_of_an_on_failed_rule() -> None:
    dashboard = model(FakeClock(), DEPLOY_FAILED)
    failed = StreamStatus(StreamState.FAILED, last_error="HTTP 401 Unauthorized")
    dashboard.on_status("deploy-web", StreamStatus(StreamState.OPEN, status_code=200))
    dashboard.on_status("deploy-web", failed)
    dashboard.on_status("deploy-web", failed)  # still failed: not a change
    dashboard.on_status("api", failed)  # not a deploy- job
    rings = dashboard.alerts.take_rings()
    assert rings == [Ring("deploy failed", "deploy-web", "failed: HTTP 401 Unauthorized")]
    assert (dashboard["deploy-web"].alerts, dashboard["api"].alerts) == (1, 0)


def test_without_rules_no_record_is_flagged_and_nothing_rings() -> None:
    dashboard = model(FakeClock())
    dashboard.on_events("api", [ev("FATAL")])
    dashboard.on_status("api", StreamStatus(StreamState.FAILED, last_error="x"))
    assert [r.alert for r in dashboard["api"].events] == [""]
    assert dashboard.alerts.take_rings() == []
