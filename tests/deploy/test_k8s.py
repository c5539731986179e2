"""deploy/k8s: every manifest passes the Kubernetes JSON schemas (strict, offline: they
ship inside the kubernetes-validate package), and the worker Deployment is wired as the
worker expects (settings, probes, port, resources, Service)."""

from __future__ import annotations

import os

import pytest
import yaml

from newsflow.config import Settings, settable
from tests.deploy.conftest import DEPLOY

K8S = DEPLOY / "k8s"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
SETTING_VARS = {f"NEWSFLOW_{field.name.upper()}" for field in settable(Settings)}


@pytest.fixture(scope="module")
def kubernetes_validate():
    try:
        import kubernetes_validate
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("kubernetes-validate is not installed but CI is set", pytrace=False)
        pytest.skip("kubernetes-validate is not installed (pip install kubernetes-validate)")
    return kubernetes_validate


def documents() -> dict[tuple[str, str], dict]:
    found = {}
    for path in MANIFESTS:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                found[(doc["kind"], doc["metadata"]["name"])] = doc
    return found


def latest(kubernetes_validate) -> str:
    return kubernetes_validate.latest_version()


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid(kubernetes_validate, path):
    for doc in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(doc, latest(kubernetes_validate), strict=True)


@pytest.mark.parametrize("broken", [
    {"spec": {"replicas": "two"}},                    # wrong type
    {"spec": {"replica": 2}},                         # unknown field (strict)
    {"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}},  # no container name
], ids=["type", "unknown-field", "missing-required"])
def test_validator_rejects_broken_manifests(kubernetes_validate, broken):
    def merge(base, change):
        for key, value in change.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                merge(base[key], value)
            else:
                base[key] = value
        return base

    doc = merge(yaml.safe_load((K8S / "worker-deployment.yaml").read_text()), broken)
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, latest(kubernetes_validate), strict=True)


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(p.name for p in MANIFESTS)


def test_settings_are_newsflow_settings():
    docs = documents()
    config = docs[("ConfigMap", "newsflow-config")]["data"]
    secret = docs[("Secret", "newsflow-kafka")]["stringData"]
    assert set(config) | set(secret) <= SETTING_VARS
    assert {"NEWSFLOW_SASL_PASSWORD"} <= set(secret)
    assert not set(secret) & set(config)
    assert config["NEWSFLOW_BIND"] == "0.0.0.0" and config["NEWSFLOW_WEB_PORT"] == "6066"
    assert all(isinstance(value, str) for value in config.values())


def test_worker_deployment():
    docs = documents()
    deployment = docs[("Deployment", "newsflow-worker")]
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert container["args"] == ["worker"]
    assert {ref.get("configMapRef", ref.get("secretRef"))["name"]
            for ref in container["envFrom"]} == {"newsflow-config", "newsflow-kafka"}
    env = {item["name"] for item in container["env"]}
    assert "NEWSFLOW_WORKER_ID" in env
    assert env - {"HOME"} <= SETTING_VARS
    (port,) = container["ports"]
    assert (port["name"], port["containerPort"]) == ("web", 6066)
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "web"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "web"}
    assert container["resources"]["requests"] == {"cpu": "1", "memory": "700Mi"}
    data_dir = docs[("ConfigMap", "newsflow-config")]["data"]["NEWSFLOW_DATA_DIR"]
    assert data_dir in {mount["mountPath"] for mount in container["volumeMounts"]}
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod["metadata"]["labels"].items()

    service = docs[("Service", "newsflow-worker-metrics")]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    (service_port,) = service["spec"]["ports"]
    assert (service_port["port"], service_port["targetPort"]) == (6066, "web")
    hpa = docs[("HorizontalPodAutoscaler", "newsflow-worker")]
    partitions = int(docs[("ConfigMap", "newsflow-config")]["data"]["NEWSFLOW_PARTITIONS"])
    assert hpa["spec"]["maxReplicas"] <= partitions  # more workers than partitions idle


def pod_specs() -> list[dict]:
    docs = documents()
    return [doc["spec"]["template"]["spec"] for (kind, _), doc in docs.items()
            if kind in ("Deployment", "Job")]


def test_no_setting_names_a_file_of_an_optional_volume():
    """A path setting on a volume that may be absent (an optional secret) stops every
    command when it is ("cannot load the TLS files"): such a setting stays empty by
    default, and the operator sets it with the secret."""
    config = documents()[("ConfigMap", "newsflow-config")]["data"]
    for spec in pod_specs():
        optional = {volume["name"] for volume in spec["volumes"]
                    if (volume.get("secret") or volume.get("configMap") or {}).get("optional")}
        for container in spec["containers"]:
            for mount in container.get("volumeMounts", []):
                if mount["name"] not in optional:
                    continue
                on_it = {name: value for name, value in config.items()
                         if value.startswith(mount["mountPath"].rstrip("/") + "/")}
                assert on_it == {}, f"{on_it} on the optional volume {mount['name']}"


def test_prometheus_scrapes_only_services_deploy_k8s_defines():
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus-k8s.yml").read_text())
    services = {f"{name}.{doc['metadata']['namespace']}.svc.cluster.local"
                for (kind, name), doc in documents().items() if kind == "Service"}
    names = {name for job in config["scrape_configs"] for lookup in job.get("dns_sd_configs", [])
             for name in lookup["names"]}
    assert names and names <= services, f"no such Service in deploy/k8s: {names - services}"
