"""The alert rules are valid, each one is unit-tested firing and staying quiet, and each has its runbook."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from tests.deploy.tools import PROMETHEUS

RULES = PROMETHEUS / "rules" / "ic-alerts.yml"
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.test.yml"))
RUNBOOK = PROMETHEUS / "RUNBOOK.md"
ANNOTATIONS = ("summary", "description", "runbook", "runbook_url")


def alerts() -> list[dict]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def run(promtool: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(promtool), *args], capture_output=True, text=True, timeout=120, cwd=PROMETHEUS)


def test_the_rules_and_the_prometheus_config_are_valid(promtool):
    checked = run(promtool, "check", "rules", str(RULES))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    config = run(promtool, "check", "config", str(PROMETHEUS / "prometheus.yml"))
    assert config.returncode == 0, config.stdout + config.stderr
    assert "1 rule files found" in config.stdout  # the config loads the rules it is shipped with


def test_every_alert_fires_on_its_fault_and_stays_quiet_otherwise(promtool):
    tested = run(promtool, "test", "rules", *(str(p) for p in RULE_TESTS))
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_has_a_firing_case_and_a_quiet_case():
    firing, quiet = set(), set()
    for path in RULE_TESTS:
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            for case in group.get("alert_rule_test", []):
                (firing if case.get("exp_alerts") else quiet).add(case["alertname"])
    names = {rule["alert"] for rule in alerts()}
    assert names - firing == set(), "alerts never tested firing"
    assert names - quiet == set(), "alerts never tested staying quiet"
    assert (firing | quiet) - names == set(), "tests of alerts that do not exist"


def test_every_alert_says_what_it_means_and_what_to_do_here_and_in_the_runbook():
    runbook = RUNBOOK.read_text(encoding="utf-8")
    sections = set(re.findall(r"^### (\w+)$", runbook, flags=re.MULTILINE))
    for rule in alerts():
        name = rule["alert"]
        assert rule["labels"]["severity"] in ("critical", "warning"), name
        missing = [key for key in ANNOTATIONS if not rule.get("annotations", {}).get(key)]
        assert not missing, f"{name} lacks {missing}"
        assert rule["annotations"]["runbook_url"].endswith("#" + name.lower()), name
        assert name in sections, f"RUNBOOK.md has no section for {name}"
        section = runbook.split(f"### {name}\n", 1)[1].split("\n### ", 1)[0]
        assert "**Means:**" in section and "**Do:**" in section, name
    assert sections == {rule["alert"] for rule in alerts()}, "runbook sections for alerts that do not exist"
