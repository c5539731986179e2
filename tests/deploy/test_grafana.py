"""deploy/grafana: the dashboard uses the provisioned datasource, and every panel query is
valid PromQL (checked by promtool) over series the rules record or newsflow exports."""

from __future__ import annotations

import json
import re

import yaml

from tests.deploy.conftest import DEPLOY, run
from tests.deploy.test_prometheus_rules import exported_series, rules

GRAFANA = DEPLOY / "grafana"
DASHBOARD = json.loads((GRAFANA / "dashboards" / "newsflow.json").read_text())
TOPICS = ("throughput", "latency", "lag", "dead letter", "quotes", "entities")


def targets() -> list[tuple[str, dict]]:
    return [(panel["title"], target) for panel in DASHBOARD["panels"]
            for target in panel.get("targets", [])]


def test_dashboard_uses_the_provisioned_datasource():
    (source,) = yaml.safe_load(
        (GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())["datasources"]
    assert source["type"] == "prometheus"
    for title, target in targets():
        assert target["datasource"] == {"type": "prometheus", "uid": source["uid"]}, title
    assert DASHBOARD["uid"] and DASHBOARD["title"]


def test_dashboard_covers_the_issue():
    text = " ".join(panel["title"].lower() for panel in DASHBOARD["panels"])
    assert all(topic in text for topic in TOPICS), text


def test_panels_do_not_overlap():
    seen = set()
    for panel in DASHBOARD["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24
        cells = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"])
                 for y in range(grid["y"], grid["y"] + grid["h"])}
        assert not cells & seen, panel["title"]
        seen |= cells
    ids = [panel["id"] for panel in DASHBOARD["panels"]]
    assert len(ids) == len(set(ids))


def test_queries_are_valid_promql(promtool, tmp_path):
    """Every query as a recording rule: `promtool check rules` parses it."""
    group = {"name": "dashboard", "rules": [
        {"record": f"dashboard:query:{n}", "expr": target["expr"]}
        for n, (_, target) in enumerate(targets())]}
    path = tmp_path / "dashboard.yml"
    path.write_text(yaml.safe_dump({"groups": [group]}))
    result = run(promtool, "check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(group['rules'])} rules found" in result.stdout


def test_queries_read_known_series():
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    exported = exported_series()
    for title, target in targets():
        for name in re.findall(r"\bnewsflow:[a-z_0-9:]+", target["expr"]):
            assert name in recorded, f"{title}: {name}"
        for name in re.findall(r"\bnewsflow_[a-z_]+\b", target["expr"]):
            assert name in exported, f"{title}: {name}"
