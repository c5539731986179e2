"""Brokers that require SASL (SCRAM-SHA-256; SASL_SSL with SCRAM-SHA-256, SCRAM-SHA-512 or
PLAIN) or mutual TLS: the shells work with the right credentials and, with wrong ones, stop
at once with one line saying what to fix; a SCRAM password changed on the running broker
takes effect for new connections."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import uuid

import orjson
import pytest

from newsflow.config import Settings
from newsflow.local.broker import BrokerTls, LocalKafka, free_port
from newsflow.errors import Unavailable
from newsflow.kafka.clients import check
from newsflow.local.worker_process import WorkerProcess
from tests.conftest import SEED

pytestmark = pytest.mark.integration

USER, PASSWORD = "alice", "s3cret-alice"


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kafka-sasl")
    broker = LocalKafka(folder, sasl_users={USER: PASSWORD}).start()
    yield broker
    broker.stop()
    shutil.rmtree(folder, ignore_errors=True)


def certificates(folder) -> BrokerTls:
    """A CA, a broker and a client certificate signed by it (ca.pem, broker.*, client.*)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
            "-keyout", "ca.key", "-out", "ca.pem")
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name in ("broker", "client"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                "-keyout", f"{name}.key", "-out", f"{name}.csr")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "1", "-extfile", "san.ext", "-out", f"{name}.pem")
    keystore = folder / "broker.keystore.pem"
    keystore.write_bytes((folder / "broker.key").read_bytes() + (folder / "broker.pem").read_bytes())
    return BrokerTls(keystore=keystore, truststore=folder / "ca.pem")


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A broker with an SSL listener that requires a client certificate (set up through
    extra_config)."""
    folder = tmp_path_factory.mktemp("kafka-tls")
    keystore = certificates(folder).keystore
    broker = LocalKafka(folder / "kafka")
    internal = free_port()
    broker.extra_config = {
        "listeners": f"SSL://127.0.0.1:{broker.port},PLAINTEXT://127.0.0.1:{internal},"
                     f"CONTROLLER://127.0.0.1:{broker.controller_port}",
        "advertised.listeners": f"SSL://127.0.0.1:{broker.port},PLAINTEXT://127.0.0.1:{internal}",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL",
        "ssl.keystore.type": "PEM", "ssl.keystore.location": str(keystore),
        "ssl.truststore.type": "PEM", "ssl.truststore.location": str(folder / "ca.pem"),
        "ssl.client.auth": "required",
    }
    broker.start()
    yield broker, folder
    broker.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def prefix() -> str:
    return f"s{uuid.uuid4().hex[:8]}."


def credentials(secured, prefix, user=USER, password=PASSWORD, protocol="SASL_PLAINTEXT",
                mechanism="SCRAM-SHA-256") -> dict[str, str]:
    return {"NEWSFLOW_BOOTSTRAP": secured.bootstrap, "NEWSFLOW_TOPIC_PREFIX": prefix,
            "NEWSFLOW_SECURITY_PROTOCOL": protocol, "NEWSFLOW_SASL_MECHANISM": mechanism,
            "NEWSFLOW_SASL_USERNAME": user, "NEWSFLOW_SASL_PASSWORD": password}


def newsflow(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    return subprocess.run([sys.executable, "-m", "newsflow.cli", *args], env={**clean, **env},
                          capture_output=True, text=True, timeout=timeout)


def round_trip(env: dict[str, str]) -> str:
    """Create the topics, publish the seed and read it back through ``env``; what the
    commands wrote on stderr."""
    assert newsflow(env, "topics", "create").returncode == 0
    ingested = newsflow(env, "ingest", str(SEED))
    assert ingested.returncode == 0, ingested.stderr
    tailed = newsflow(env, "tail", "raw", "--json", "--from-beginning", "--max-messages", "1",
                      "--timeout", "20")
    assert orjson.loads(tailed.stdout.splitlines()[0])["id"] == ingested.stdout.strip()
    return ingested.stderr + tailed.stderr


def test_right_credentials_create_topics_publish_and_read(secured, prefix):
    env = credentials(secured, prefix)
    created = newsflow(env, "topics", "create")
    assert created.returncode == 0, created.stderr
    assert f"{prefix}articles.raw" in created.stdout and "created" in created.stdout

    ingested = newsflow(env, "ingest", str(SEED))
    assert ingested.returncode == 0, ingested.stderr
    article_id = ingested.stdout.strip()

    tailed = newsflow(env, "tail", "raw", "--json", "--from-beginning", "--max-messages", "1",
                      "--timeout", "20", "--log-level", "DEBUG")
    assert tailed.returncode == 0, tailed.stderr
    assert orjson.loads(tailed.stdout.splitlines()[0])["id"] == article_id
    assert "<SASL request redacted>" in tailed.stderr  # aiokafka logs requests at DEBUG
    assert PASSWORD not in ingested.stderr + tailed.stderr + created.stderr


@pytest.mark.parametrize("command", [("topics", "create"), ("ingest", str(SEED)),
                                     ("tail", "raw", "--timeout", "5")])
@pytest.mark.parametrize("user, password", [(USER, "wrong-password"), ("mallory", PASSWORD)])
def test_wrong_credentials_fail_in_one_line(secured, prefix, command, user, password):
    result = newsflow(credentials(secured, prefix, user=user, password=password), *command)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and password not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"newsflow {command[0]}: Kafka authentication failed for user {user!r} "
        f"(SCRAM-SHA-256): check NEWSFLOW_SASL_USERNAME/PASSWORD"
    )
    assert "ERROR" not in result.stderr  # aiokafka's own log line is replaced by ours


@pytest.mark.parametrize("protocol, mechanism, says", [
    ("PLAINTEXT", "PLAIN", "check NEWSFLOW_SECURITY_PROTOCOL (PLAINTEXT) against its listener"),
    ("SASL_PLAINTEXT", "PLAIN", "does not accept SASL mechanism PLAIN"),
])
def test_wrong_protocol_or_mechanism_says_which(secured, prefix, protocol, mechanism, says):
    env = credentials(secured, prefix, protocol=protocol, mechanism=mechanism)
    result = newsflow(env, "tail", "raw", "--timeout", "5")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert says in result.stderr.strip().splitlines()[-1]


def test_worker_enriches_with_credentials(secured, prefix, tmp_path, monkeypatch):
    env = credentials(secured, prefix)
    assert newsflow(env, "topics", "create").returncode == 0
    for name, value in env.items():  # WorkerProcess passes its environment on
        monkeypatch.setenv(name, value)
    settings = Settings.from_env().override(web_port=free_port(), data_dir=str(tmp_path),
                                            app_id=f"newsflow-{prefix}", batch_seconds=0.2)
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:
        worker.wait_healthy()
        assert newsflow(env, "ingest", str(SEED)).returncode == 0
        tailed = newsflow(env, "tail", "enriched", "--json", "--from-beginning",
                          "--max-messages", "1", "--timeout", "60", timeout=90)
        assert tailed.returncode == 0, worker.tail_log()
        assert orjson.loads(tailed.stdout.splitlines()[0])["entities"]
    finally:
        worker.stop()


async def test_worker_preflight_check_names_the_problem(secured, prefix):
    await check(Settings.from_env(credentials(secured, prefix)))
    wrong = Settings.from_env(credentials(secured, prefix, password="wrong-password"))
    with pytest.raises(Unavailable, match="^Kafka authentication failed for user 'alice'"):
        await check(wrong)


def tls_env(tls, prefix, **changes: str) -> dict[str, str]:
    broker, folder = tls
    return {"NEWSFLOW_BOOTSTRAP": broker.bootstrap, "NEWSFLOW_TOPIC_PREFIX": prefix,
            "NEWSFLOW_SECURITY_PROTOCOL": "SSL", "NEWSFLOW_SSL_CAFILE": str(folder / "ca.pem"),
            "NEWSFLOW_SSL_CERTFILE": str(folder / "client.pem"),
            "NEWSFLOW_SSL_KEYFILE": str(folder / "client.key"), **changes}


def test_mutual_tls_creates_topics_publishes_and_reads(tls, prefix):
    round_trip(tls_env(tls, prefix))


def test_tls_failures_say_which_setting(tls, prefix):
    _, folder = tls
    wrong_ca = newsflow(tls_env(tls, prefix, NEWSFLOW_SSL_CAFILE=str(folder / "client.pem")),
                        "tail", "raw", "--timeout", "5")
    assert wrong_ca.returncode != 0 and "Traceback" not in wrong_ca.stderr
    assert wrong_ca.stderr.strip().splitlines()[-1].endswith(
        "failed (CERTIFICATE_VERIFY_FAILED): check NEWSFLOW_SSL_CAFILE and NEWSFLOW_SECURITY_PROTOCOL")
    no_cert = newsflow(tls_env(tls, prefix, NEWSFLOW_SSL_CERTFILE="", NEWSFLOW_SSL_KEYFILE=""),
                       "ingest", str(SEED))
    assert no_cert.returncode != 0 and "Traceback" not in no_cert.stderr
    assert no_cert.stderr.strip().splitlines()[-1].endswith(
        "closed the connection: check NEWSFLOW_SECURITY_PROTOCOL (SSL) and the client "
        "certificate (NEWSFLOW_SSL_CERTFILE, NEWSFLOW_SSL_KEYFILE)")


# SASL_SSL, one broker offering SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN on its client port
VARIANTS = ("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN")


@pytest.fixture(scope="module")
def sasl_ssl(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kafka-sasl-ssl")
    broker = LocalKafka(folder / "kafka", sasl_users={USER: PASSWORD, "bob": "s3cret-bob"},
                        sasl_mechanisms=VARIANTS, tls=certificates(folder)).start()
    yield broker, folder
    broker.stop()
    shutil.rmtree(folder, ignore_errors=True)


def sasl_ssl_env(sasl_ssl, prefix, mechanism, user=USER, password=PASSWORD) -> dict[str, str]:
    broker, folder = sasl_ssl
    return {**credentials(broker, prefix, user, password, "SASL_SSL", mechanism),
            "NEWSFLOW_SSL_CAFILE": str(folder / "ca.pem")}


def test_sasl_ssl_broker_offers_every_mechanism_on_a_tls_listener(sasl_ssl):
    broker, _ = sasl_ssl
    assert broker.security_protocol == "SASL_SSL"
    config = (broker.data_dir / "server.properties").read_text()
    assert "sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN" in config
    assert f"SASL_SSL://127.0.0.1:{broker.port}" in config


@pytest.mark.parametrize("mechanism", VARIANTS)
async def test_sasl_ssl_right_and_wrong_credentials(sasl_ssl, prefix, mechanism):
    await check(Settings.from_env(sasl_ssl_env(sasl_ssl, prefix, mechanism)))
    await check(Settings.from_env(sasl_ssl_env(sasl_ssl, prefix, mechanism, "bob", "s3cret-bob")))
    for user, password in ((USER, "wrong-password"), ("mallory", PASSWORD)):
        wrong = Settings.from_env(sasl_ssl_env(sasl_ssl, prefix, mechanism, user, password))
        with pytest.raises(Unavailable) as refused:
            await check(wrong)
        assert str(refused.value) == (
            f"Kafka authentication failed for user {user!r} ({mechanism}): "
            f"check NEWSFLOW_SASL_USERNAME/PASSWORD")


def test_sasl_ssl_with_scram_sha_512_creates_topics_publishes_and_reads(sasl_ssl, prefix):
    logged = round_trip(sasl_ssl_env(sasl_ssl, prefix, "SCRAM-SHA-512"))
    assert PASSWORD not in logged


def test_sasl_ssl_without_the_ca_says_which_setting(sasl_ssl, prefix):
    env = {**sasl_ssl_env(sasl_ssl, prefix, "SCRAM-SHA-256"), "NEWSFLOW_SSL_CAFILE": ""}
    result = newsflow(env, "tail", "raw", "--timeout", "5")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr.strip().splitlines()[-1]


async def test_a_scram_password_changed_at_run_time_takes_effect(sasl_ssl, prefix):
    broker, _ = sasl_ssl
    broker.set_scram_password("bob", "n3w-s3cret-bob", mechanism="SCRAM-SHA-512")
    new = Settings.from_env(sasl_ssl_env(sasl_ssl, prefix, "SCRAM-SHA-512", "bob", "n3w-s3cret-bob"))
    old = Settings.from_env(sasl_ssl_env(sasl_ssl, prefix, "SCRAM-SHA-512", "bob", "s3cret-bob"))
    for _ in range(40):  # the change reaches the broker through its metadata log
        try:
            await check(new)
            break
        except Unavailable:
            await asyncio.sleep(0.25)
    await check(new)
    with pytest.raises(Unavailable, match="authentication failed for user 'bob'"):
        await check(old)
    # the other mechanisms keep theirs
    await check(Settings.from_env(sasl_ssl_env(sasl_ssl, prefix, "SCRAM-SHA-256", "bob",
                                               "s3cret-bob")))
    # a user created at run time
    broker.set_scram_password("carol", "s3cret-carol-0", mechanism="SCRAM-SHA-256")
    carol = Settings.from_env(sasl_ssl_env(sasl_ssl, prefix, "SCRAM-SHA-256", "carol",
                                           "s3cret-carol-0"))
    for _ in range(40):
        try:
            await check(carol)
            return
        except Unavailable:
            await asyncio.sleep(0.25)
    await check(carol)
