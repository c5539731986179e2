"""A real Apache Kafka (KRaft) on this machine, without Docker: one node (LocalKafka) or a
cluster of several (LocalCluster).

The jars come from Maven Central through deploy/kafka/pom.xml into a cache folder outside
git; storage is formatted with kafka.tools.StorageTool and each node runs as kafka.Kafka
on the machine's Java. The demo, `newsflow broker` and the integration and fault tests
all use it.
"""

from __future__ import annotations

import base64
import json
import logging
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from newsflow.config import Settings
from newsflow.kafka.admin import replication
from newsflow.kafka.clients import MAX_REQUEST_BYTES
from newsflow.local.processes import tail, terminate

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy" / "kafka"
READY_LINE = "Kafka Server started"
SCRAM = "SCRAM-SHA-256"
SCRAM_MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")
MECHANISMS = (*SCRAM_MECHANISMS, "PLAIN")
_LOGIN_MODULES = {"PLAIN": "org.apache.kafka.common.security.plain.PlainLoginModule",
                  **{m: "org.apache.kafka.common.security.scram.ScramLoginModule"
                     for m in SCRAM_MECHANISMS}}


def cache_dir(settings: Settings) -> Path:
    """Where the jars live: NEWSFLOW_KAFKA_CACHE, else ~/.cache/newsflow/kafka."""
    return Path(settings.kafka_cache or Path.home() / ".cache" / "newsflow" / "kafka")


def ensure_jars(settings: Settings) -> Path:
    """The folder of broker jars, resolved with Maven on first use."""
    libs = cache_dir(settings) / "libs"
    if any(libs.glob("kafka_2.13-*.jar")):
        return libs
    if shutil.which("mvn") is None:
        raise RuntimeError("Maven (mvn) is needed once to fetch the Kafka jars; install it")
    log.info("fetching Kafka jars with Maven into %s (first use only)", libs)
    staging = libs.with_name("libs.partial")
    shutil.rmtree(staging, ignore_errors=True)
    subprocess.run(
        ["mvn", "-q", "-B", "-f", str(DEPLOY / "pom.xml"), "dependency:copy-dependencies",
         f"-DoutputDirectory={staging}", "-DincludeScope=runtime"],
        check=True,
    )
    staging.rename(libs)
    return libs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cluster_id() -> str:
    """A Kafka Uuid string: URL-safe base64 of 16 random bytes, unpadded; never starting
    with "-", which StorageTool would take for an option (1 start in 64 failed)."""
    while True:
        cluster = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode("ascii")
        if not cluster.startswith("-"):
            return cluster


@dataclass(frozen=True, slots=True)
class BrokerTls:
    """PEM files for a TLS listener: the broker's key followed by its certificate, and the
    CA certificate(s) it trusts."""

    keystore: Path
    truststore: Path


def _jaas_quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class LocalKafka:
    """One KRaft broker+controller process with its storage in ``data_dir``: alone, or
    node ``node_id`` of a cluster whose static controller quorum is ``voters`` ({node id:
    controller port}, this node's among them) formatted with the same ``cluster_id``. The
    internal topics (offsets, transaction state) are replicated as newsflow's are by
    default: to min(3, nodes) of them, one fewer in sync (1 to 2).

    With ``sasl_users`` ({name: password}) the client port is a SASL listener offering
    ``sasl_mechanisms`` (SCRAM-SHA-256, SCRAM-SHA-512, PLAIN; default SCRAM-SHA-256):
    SASL_PLAINTEXT, or SASL_SSL with ``tls``. SCRAM users are created when the storage is
    formatted (and their passwords can change at run time: :meth:`set_scram_password`);
    PLAIN users live in the listener's JAAS configuration. The broker talks to itself, and
    the admin tools to it, on a second, PLAINTEXT port on 127.0.0.1.

    stop() then start() restarts it on the same storage and the same ports (clients
    reconnect to the same address), as the fault tests do.
    """

    def __init__(self, data_dir: Path, port: int | None = None, extra_config: dict | None = None,
                 sasl_users: dict[str, str] | None = None, controller_port: int | None = None,
                 sasl_mechanisms: tuple[str, ...] = (SCRAM,), tls: BrokerTls | None = None,
                 settings: Settings | None = None, node_id: int = 1,
                 voters: dict[int, int] | None = None, cluster_id: str | None = None):
        unknown = set(sasl_mechanisms) - set(MECHANISMS)
        if unknown or not sasl_mechanisms:
            raise ValueError(f"SASL mechanisms are some of {MECHANISMS}, not {sasl_mechanisms}")
        if tls is not None and not sasl_users:
            raise ValueError("tls is for the SASL_SSL listener: give sasl_users too")
        # the jar cache and the heap (NEWSFLOW_KAFKA_CACHE, NEWSFLOW_KAFKA_HEAP)
        self.settings = settings if settings is not None else Settings.from_env()
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.node_id = node_id
        self.controller_port = (voters or {}).get(node_id) or controller_port or free_port()
        self.voters = dict(voters or {node_id: self.controller_port})
        self.cluster_id = cluster_id
        self.extra_config = extra_config or {}
        self.sasl_users = dict(sasl_users or {})
        self.sasl_mechanisms, self.tls = tuple(sasl_mechanisms), tls
        self.internal_port = free_port() if self.sasl_users else None
        self.process: subprocess.Popen | None = None

    @property
    def security_protocol(self) -> str:
        """What clients use on the client port: PLAINTEXT, SASL_PLAINTEXT or SASL_SSL."""
        if not self.sasl_users:
            return "PLAINTEXT"
        return "SASL_SSL" if self.tls else "SASL_PLAINTEXT"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "kafka.log"

    def _write_config(self) -> Path:
        # the internal topics replicated as `topics create` does ours ("auto")
        internal = replication(Settings(), len(self.voters))
        replicas, in_sync = str(internal.factor), str(internal.min_insync)
        config = {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            "controller.quorum.voters": ",".join(f"{node}@127.0.0.1:{port}"
                                                 for node, port in sorted(self.voters.items())),
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.data_dir / "logs"),
            "num.partitions": "1",
            "offsets.topic.replication.factor": replicas,
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.replication.factor": replicas,
            "transaction.state.log.min.isr": in_sync,
            "transaction.state.log.num.partitions": "4",
            "share.coordinator.state.topic.replication.factor": replicas,
            "share.coordinator.state.topic.min.isr": in_sync,
            "group.initial.rebalance.delay.ms": "0",
            # as production clusters run: reading (tail, a consumer) never creates a topic
            "auto.create.topics.enable": "false",
            "message.max.bytes": str(MAX_REQUEST_BYTES),
            **self._sasl_config(),
            **self.extra_config,
        }
        path = self.data_dir / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in config.items()))
        return path

    def _sasl_config(self) -> dict:
        if not self.sasl_users:
            return {}
        clients, internal = f"127.0.0.1:{self.port}", f"127.0.0.1:{self.internal_port}"
        protocol = self.security_protocol
        config = {
            "listeners": f"{protocol}://{clients},PLAINTEXT://{internal},"
                         f"CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"{protocol}://{clients},PLAINTEXT://{internal}",
            "listener.security.protocol.map":
                f"CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,{protocol}:{protocol}",
            "sasl.enabled.mechanisms": ",".join(self.sasl_mechanisms),
        }
        for mechanism in self.sasl_mechanisms:
            config[f"listener.name.{protocol.lower()}.{mechanism.lower()}.sasl.jaas.config"] = (
                self._jaas(mechanism))
        if self.tls:
            config.update({"ssl.keystore.type": "PEM", "ssl.keystore.location": str(self.tls.keystore),
                           "ssl.truststore.type": "PEM",
                           "ssl.truststore.location": str(self.tls.truststore)})
        return config

    def _jaas(self, mechanism: str) -> str:
        """The listener's login module; PLAIN's names its users and their passwords."""
        users = "".join(f" user_{name}={_jaas_quoted(password)}"
                        for name, password in self.sasl_users.items()) if mechanism == "PLAIN" else ""
        return f"{_LOGIN_MODULES[mechanism]} required{users};"

    def _scram_users(self) -> list[str]:
        """StorageTool arguments creating the SASL users' SCRAM credentials."""
        return [arg for mechanism in self.sasl_mechanisms if mechanism in SCRAM_MECHANISMS
                for name, password in self.sasl_users.items()
                for arg in ("--add-scram", f"{mechanism}=[name={name},password={password}]")]

    def set_scram_password(self, user: str, password: str, mechanism: str = SCRAM,
                           timeout: float = 60.0) -> None:
        """Create or change ``user``'s SCRAM credential on the running broker (Kafka's own
        kafka.admin.ConfigCommand, through the internal PLAINTEXT port). New connections
        authenticate with the new password; open ones stay authenticated. The password
        goes through a file only the owner can read, not the command line."""
        if mechanism not in SCRAM_MECHANISMS or self.internal_port is None:
            raise ValueError(f"a SCRAM mechanism of a SASL broker, not {mechanism}")
        if "," in password or "\n" in password:
            raise ValueError("ConfigCommand reads a SCRAM password up to a comma or line end")
        secret = self.data_dir / f"scram-{uuid.uuid4().hex}.properties"
        secret.touch(mode=0o600)
        # a Java properties line; the value is the SCRAM credential's "password=..."
        secret.write_text(f"{mechanism}=password={password.replace(chr(92), chr(92) * 2)}\n")
        try:
            subprocess.run(
                self._java(ensure_jars(self.settings), "kafka.admin.ConfigCommand", "--bootstrap-server",
                           f"127.0.0.1:{self.internal_port}", "--alter", "--entity-type", "users",
                           "--entity-name", user, "--add-config-file", str(secret)),
                check=True, capture_output=True, timeout=timeout)
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"ConfigCommand failed: {exc.stderr.decode(errors='replace')}") from None
        finally:
            secret.unlink()

    def _java(self, libs: Path, *args: str) -> list[str]:
        heap = self.settings.kafka_heap
        return [
            "java", f"-Xmx{heap}", f"-Xms{heap}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={DEPLOY / 'log4j2.properties'}",
            "-cp", f"{libs}/*", *args,
        ]

    def start(self, timeout: float = 90.0) -> "LocalKafka":
        """Format storage if new, start the broker, and wait until it serves clients."""
        self.launch()
        self.wait_ready(timeout)
        return self

    def launch(self) -> None:
        """Format storage if new and start the process, without waiting: a cluster's nodes
        only get ready once a majority of the quorum runs."""
        libs = ensure_jars(self.settings)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        if not (self.data_dir / "logs" / "meta.properties").exists():
            subprocess.run(
                self._java(libs, "kafka.tools.StorageTool", "format", "-t",
                           self.cluster_id or _cluster_id(),
                           "-c", str(config), *self._scram_users()),
                check=True, stdout=subprocess.DEVNULL,
            )
        logfile = self.log_path.open("ab")
        self._log_start = logfile.tell()  # a restart appends: look for READY_LINE after this
        self.process = subprocess.Popen(
            self._java(libs, "kafka.Kafka", str(config)),
            stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True,
        )
        logfile.close()

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Until the launched broker serves clients; stopped and TimeoutError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Kafka exited with {self.process.returncode}:\n{self.tail_log()}")
            with self.log_path.open("rb") as logfile:
                logfile.seek(self._log_start)
                started = READY_LINE.encode() in logfile.read()
            if started:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    log.info("Kafka %s ready (logs: %s)", self.bootstrap, self.log_path)
                    return
                except OSError:
                    pass
            time.sleep(0.25)
        self.stop()
        raise TimeoutError(f"Kafka not ready after {timeout:.0f}s:\n{self.tail_log()}")

    def tail_log(self, lines: int = 40) -> str:
        return tail(self.log_path, lines)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM for a clean shutdown; SIGKILL if it takes longer than ``timeout``."""
        if self.process is not None:
            terminate(self.process, timeout)

    def kill(self) -> None:
        """SIGKILL: no shutdown at all, as in a crash (start() brings it back)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def quorum_state(self) -> dict:
        """What this node last recorded of the controller quorum (KRaft's quorum-state
        file: leaderId, leaderEpoch); {} before it has one."""
        try:
            return json.loads((self.data_dir / "logs" / "__cluster_metadata-0" / "quorum-state").read_text())
        except (OSError, ValueError):
            return {}

    def __enter__(self) -> "LocalKafka":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LocalCluster:
    """``nodes`` LocalKafka processes, each a broker and a controller voter (a static quorum)
    with its storage in ``data_dir``/node-N, on free ports unless ``port`` gives the first
    client port (the next nodes take the following ones). Each node can be killed, stopped
    and started on its own (``cluster.nodes[i]``), as the fault tests do.
    """

    def __init__(self, data_dir: Path, nodes: int = 3, port: int | None = None,
                 settings: Settings | None = None, extra_config: dict | None = None):
        if nodes < 1:
            raise ValueError(f"a cluster has at least one node, not {nodes}")
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        voters = {node: free_port() for node in range(1, nodes + 1)}
        cluster_id = self._cluster_id()
        self.nodes = [
            LocalKafka(self.data_dir / f"node-{node}", port=port + node - 1 if port else None,
                       settings=settings, node_id=node, voters=voters, cluster_id=cluster_id,
                       extra_config=extra_config)
            for node in voters]

    def _cluster_id(self) -> str:
        """The cluster's id, kept beside the nodes' folders: a node whose storage is lost is
        formatted into the same cluster."""
        path = self.data_dir / "cluster-id"
        if not path.exists():
            path.write_text(_cluster_id())
        return path.read_text().strip()

    @property
    def bootstrap(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes)

    def node(self, node_id: int) -> LocalKafka:
        return self.nodes[node_id - 1]

    def start(self, timeout: float = 120.0) -> "LocalCluster":
        """Start every node not running, and wait until all serve clients."""
        waiting = [node for node in self.nodes if not node.running]
        for node in waiting:
            node.launch()
        try:
            for node in waiting:
                node.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def quorum_leader(self) -> int | None:
        """The node id of the active controller, as the nodes last recorded it (the
        highest epoch wins); None if none has been elected."""
        states = [node.quorum_state() for node in self.nodes]
        known = [state for state in states if state.get("leaderId", -1) >= 0]
        return max(known, key=lambda state: state["leaderEpoch"])["leaderId"] if known else None

    def stop(self, timeout: float = 30.0) -> None:
        """All nodes at once (one by one, the last ones would wait for a quorum gone)."""
        for node in self.nodes:
            if node.running:
                node.process.send_signal(signal.SIGTERM)
        for node in self.nodes:
            node.stop(timeout)

    def __enter__(self) -> "LocalCluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
