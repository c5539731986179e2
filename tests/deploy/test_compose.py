"""docker-compose.yml: valid for docker-compose (no engine needed for `config`), the
existing services kept, Prometheus with the rules and Grafana with the provisioning."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import DEPLOY, REPO, require, run


@pytest.fixture(scope="module")
def compose() -> str:
    return require("docker-compose", "apt-get install docker-compose")


@pytest.fixture(scope="module")
def resolved(compose) -> dict:
    result = run(compose, "-f", str(REPO / "docker-compose.yml"), "--profile", "cli",
                 "--profile", "ingest", "config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def mounts(service: dict) -> dict[str, str]:
    """{container path: host path} of the bind mounts (volume syntax as resolved)."""
    found = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            found[volume["target"]] = volume["source"]
        else:
            source, target = volume.split(":")[:2]
            found[target] = source
    return found


def test_compose_config_is_valid(compose):
    result = run(compose, "-f", str(REPO / "docker-compose.yml"), "config", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""  # no warnings (unset variables, ...)


def test_compose_config_rejects_a_broken_file(compose, tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  worker:\n    image: x\n    depends_on: [nowhere]\n")
    result = run(compose, "-f", str(broken), "config", "-q", cwd=tmp_path)
    assert result.returncode != 0 and "nowhere" in result.stderr


def test_services(resolved):
    services = resolved["services"]
    assert {"kafka", "topics", "worker", "producer", "cli", "ingest", "prometheus",
            "grafana"} <= set(services)
    assert services["worker"]["command"] == ["worker"]
    assert services["worker"]["environment"]["NEWSFLOW_BOOTSTRAP"] == "kafka:9092"
    assert services["ingest"]["command"] == ["serve-ingest"]


def container_port(port: str | dict) -> int:
    """A service's port in the container, from compose's long form or its short string
    form (`127.0.0.1:6069:6069/tcp`, which docker-compose keeps for a host address)."""
    if isinstance(port, dict):
        return int(port["target"])
    return int(port.split("/")[0].split(":")[-1])


def test_prometheus_gets_its_config_and_rules(resolved):
    paths = mounts(resolved["services"]["prometheus"])
    assert Path(paths["/etc/prometheus/prometheus.yml"]) == DEPLOY / "prometheus" / "prometheus.yml"
    assert Path(paths["/etc/prometheus/rules"]) == DEPLOY / "prometheus" / "rules"
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert config["rule_files"] == ["rules/*.yml"]  # relative to /etc/prometheus
    targets = {t for job in config["scrape_configs"] for c in job.get("static_configs", [])
               for t in c["targets"]}
    published = {f"{name}:{container_port(port)}"
                 for name, service in resolved["services"].items()
                 for port in service.get("ports", [])}
    assert targets <= published, "every scrape target is a compose service port"


def test_grafana_gets_the_datasource_and_dashboard(resolved):
    grafana = resolved["services"]["grafana"]
    paths = mounts(grafana)
    assert Path(paths["/etc/grafana/provisioning"]) == DEPLOY / "grafana" / "provisioning"
    assert Path(paths["/etc/grafana/dashboards"]) == DEPLOY / "grafana" / "dashboards"
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (DEPLOY / "grafana" / "dashboards" / Path(home).name).is_file()
    provider = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "dashboards" / "newsflow.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/etc/grafana/dashboards"
    source = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert source["datasources"][0]["url"] == "http://prometheus:9090"
    assert "prometheus" in resolved["services"]


def test_listed_targets_run_in_the_default_stack(resolved):
    """A plain `docker compose up` runs every statically listed target: one behind a
    profile would be down on a fresh stack and fire its alert (NewsflowIngestDown)."""
    default = {name for name, service in resolved["services"].items()
               if not service.get("profiles")}
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    hosts = {t.split(":")[0] for job in config["scrape_configs"]
             for c in job.get("static_configs", []) for t in c["targets"]}
    assert hosts and hosts <= default, f"listed but not in the default stack: {hosts - default}"


def test_profile_services_are_found_by_name_on_their_port(resolved):
    """A profile's service is scraped through Docker's DNS: no target while it is off."""
    services = resolved["services"]
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    [lookup] = jobs["newsflow-ingest"]["dns_sd_configs"]
    assert lookup["names"] == ["ingest"] and lookup["type"] == "A"
    ingest = services["ingest"]
    assert ingest.get("profiles") == ["ingest"]
    assert any(str(p.get("target") if isinstance(p, dict) else p).endswith(str(lookup["port"]))
               for p in ingest["ports"])
