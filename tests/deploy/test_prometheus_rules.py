"""deploy/prometheus: the configs and rules pass promtool, the rule unit tests pass (and
fail when a threshold changes), and every series they read is one newsflow exports."""

from __future__ import annotations

import re

import pytest
import yaml
from prometheus_client import REGISTRY

from newsflow import metrics  # noqa: F401 - registers the metrics
from tests.deploy.conftest import DEPLOY, run

PROMETHEUS = DEPLOY / "prometheus"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*_test.yml"))
ALERTS = {"NewsflowWorkerDown", "NewsflowNoWorkers", "NewsflowIngestDown",
          "NewsflowConsumerLagGrowing", "NewsflowDeadLetterRateHigh",
          "NewsflowEndToEndLatencyHigh", "NewsflowBatchLatencyHigh", "NewsflowNoArticles",
          "NewsflowArchiveLagHigh", "NewsflowArchiveBatchesFailing"}


def rules() -> list[dict]:
    return [rule for path in RULE_FILES
            for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]]


def exported_series() -> set[str]:
    """Every sample name the newsflow metrics module exports."""
    names = set()
    for family in REGISTRY.collect():  # families of labelled metrics without samples too
        if family.name.startswith("newsflow_"):
            suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"],
                        "gauge": [""]}.get(family.type, [""])
            names.update(family.name + suffix for suffix in suffixes)
    return names


@pytest.mark.parametrize("config", ["prometheus.yml", "prometheus-k8s.yml"])
def test_promtool_check_config(promtool, config):
    result = run(promtool, "check", "config", str(PROMETHEUS / config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout and "FAILED" not in result.stdout + result.stderr
    # The configs load the rule files, so promtool has checked them too.
    assert result.stdout.count("rules found") == len(RULE_FILES)


def test_promtool_check_rules(promtool):
    result = run(promtool, "check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(RULE_FILES)


def test_promtool_check_rules_rejects_a_broken_rule(promtool, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("groups:\n  - name: x\n    rules:\n"
                      "      - record: newsflow:broken\n        expr: sum(rate(x[5m])\n")
    result = run(promtool, "check", "rules", str(broken))
    assert result.returncode != 0 and "FAILED" in result.stdout + result.stderr


@pytest.mark.parametrize("test_file", RULE_TESTS, ids=lambda p: p.name)
def test_promtool_test_rules(promtool, test_file):
    result = run(promtool, "test", "rules", test_file.name, cwd=test_file.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_rule_tests_fail_when_a_threshold_changes(promtool, tmp_path):
    """The unit tests pin the thresholds: a copy of the rules with a different one fails."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "tests").mkdir()
    for path in RULE_FILES:
        text = path.read_text()
        if path.name == "alerts.yml":
            assert 'quantile="0.99"} > 30' in text
            text = text.replace('quantile="0.99"} > 30', 'quantile="0.99"} > 300')
        (tmp_path / "rules" / path.name).write_text(text)
    test = PROMETHEUS / "tests" / "alerts_test.yml"
    (tmp_path / "tests" / test.name).write_text(test.read_text())
    result = run(promtool, "test", "rules", test.name, cwd=tmp_path / "tests")
    assert result.returncode != 0
    assert "NewsflowEndToEndLatencyHigh" in result.stdout + result.stderr


def test_every_alert_is_unit_tested_and_documented():
    alerts = {rule["alert"] for rule in rules() if "alert" in rule}
    assert alerts == ALERTS
    tested = {case["alertname"] for path in RULE_TESTS
              for test in yaml.safe_load(path.read_text())["tests"]
              for case in test.get("alert_rule_test", [])}
    assert tested == alerts
    for rule in rules():
        if "alert" in rule:
            assert rule["labels"]["severity"] in ("warning", "critical")
            assert rule["annotations"]["summary"] and rule["annotations"]["description"]
    operations = (DEPLOY.parent / "docs" / "operations.md").read_text()
    assert all(name in operations for name in alerts)


def test_every_recording_rule_is_unit_tested():
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    tested_text = (PROMETHEUS / "tests" / "recording_test.yml").read_text()
    assert {name for name in recorded if name not in tested_text} == set()


def test_rules_read_only_series_that_newsflow_exports():
    exported = exported_series()
    assert {"newsflow_messages_produced_total", "newsflow_consumer_lag_messages",
            "newsflow_batch_processing_seconds_bucket"} <= exported
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    for rule in rules():
        for name in re.findall(r"\bnewsflow_[a-z_]+\b", rule["expr"]):
            assert name in exported, f"{rule.get('record') or rule['alert']} reads {name}"
        for name in re.findall(r"\bnewsflow:[a-z_0-9:]+", rule["expr"]):
            assert name in recorded, f"{rule.get('record') or rule['alert']} reads {name}"


def test_scrape_config_targets_the_worker_and_ingest_ports():
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["newsflow-worker"]["metrics_path"] == "/metrics"
    assert jobs["newsflow-worker"]["static_configs"][0]["targets"] == ["worker:6066"]
    # serve-ingest, behind a compose profile: found by name, so absent when not running
    [lookup] = jobs["newsflow-ingest"]["dns_sd_configs"]
    assert (lookup["names"], lookup["port"]) == (["ingest"], 6067)
    assert "static_configs" not in jobs["newsflow-ingest"]
