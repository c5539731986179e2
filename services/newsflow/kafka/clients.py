"""Every Kafka client newsflow uses is built here, one way: producers, consumers, the
admin client and faust apps, with the connection settings they share (where the brokers
are, how to authenticate: TLS, SASL; docs/security.md), and started by ``started``.

Bad connection settings raise ConfigError, a cluster that does not answer or refuses us
Unavailable, each with one line saying what to fix (the CLI prints it).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.conn import collect_hosts, create_conn
from aiokafka.errors import (
    AuthenticationFailedError,
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)
from aiokafka.helpers import create_ssl_context
from aiokafka.protocol.admin import SaslAuthenticateRequest_v0, SaslAuthenticateRequest_v1
from aiokafka.protocol.metadata import MetadataRequest

from newsflow.config import Settings
from newsflow.errors import ConfigError, Unavailable
from newsflow.topics.registry import TOPIC_MAX_BYTES

# The largest request newsflow sends: one message as large as the raw, enriched and
# dead-letter topics allow, plus the record batch's overhead.
MAX_REQUEST_BYTES = TOPIC_MAX_BYTES + 4096

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
_SASL_REQUESTS = (SaslAuthenticateRequest_v0, SaslAuthenticateRequest_v1)


class _RedactSasl(logging.Filter):
    """aiokafka logs every request at DEBUG, SASL ones too, whose bytes hold the password
    (PLAIN) or a proof of it (SCRAM): those arguments are replaced before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple("<SASL request redacted>" if isinstance(arg, _SASL_REQUESTS)
                                else arg for arg in record.args)
        return True


# Every process that talks to Kafka imports this module, so the filter is always there.
logging.getLogger("aiokafka.conn").addFilter(_RedactSasl())


def bootstrap_servers(settings: Settings) -> list[str]:
    return [server.strip() for server in settings.bootstrap.split(",") if server.strip()]


def faust_broker_url(settings: Settings) -> str:
    return ";".join(f"kafka://{server}" for server in bootstrap_servers(settings))


def _protocol(settings: Settings) -> str:
    """The security protocol, after refusing settings that cannot work."""
    protocol = settings.security_protocol.upper()
    if protocol not in PROTOCOLS:
        raise ConfigError(f"NEWSFLOW_SECURITY_PROTOCOL={settings.security_protocol!r} is not "
                         f"one of {', '.join(PROTOCOLS)}")
    if protocol.startswith("SASL_"):
        if settings.sasl_mechanism.upper() not in MECHANISMS:
            raise ConfigError(f"NEWSFLOW_SASL_MECHANISM={settings.sasl_mechanism!r} is not one "
                             f"of {', '.join(MECHANISMS)}")
        if not settings.sasl_username:
            raise ConfigError(f"{protocol} needs NEWSFLOW_SASL_USERNAME and NEWSFLOW_SASL_PASSWORD")
    return protocol


def ssl_context(settings: Settings) -> ssl.SSLContext:
    """A TLS client context: the CA (default: the system's), the client certificate for
    mutual TLS if given, and the hostname check unless turned off."""
    try:
        context = create_ssl_context(
            cafile=settings.ssl_cafile or None,
            certfile=settings.ssl_certfile or None,
            keyfile=settings.ssl_keyfile or None,
            password=settings.ssl_key_password or None,
        )
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"cannot load the TLS files (NEWSFLOW_SSL_CAFILE, _CERTFILE, _KEYFILE, "
                         f"_KEY_PASSWORD): {exc}") from None
    context.check_hostname = settings.ssl_check_hostname
    return context


def client_options(settings: Settings) -> dict:
    """Keyword arguments for any aiokafka client: producer, consumer or admin."""
    protocol = _protocol(settings)
    options: dict = {"bootstrap_servers": bootstrap_servers(settings), "security_protocol": protocol}
    if protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = ssl_context(settings)
    if protocol.startswith("SASL_"):
        options["sasl_mechanism"] = settings.sasl_mechanism.upper()
        options["sasl_plain_username"] = settings.sasl_username
        options["sasl_plain_password"] = settings.sasl_password
    return options


def faust_options(settings: Settings) -> dict:
    """Keyword arguments for faust.App: the broker URL and its credentials."""
    import faust  # slow to import; only the worker needs it

    protocol = _protocol(settings)
    options: dict = {"broker": faust_broker_url(settings)}
    context = ssl_context(settings) if protocol in ("SSL", "SASL_SSL") else None
    if protocol.startswith("SASL_"):
        options["broker_credentials"] = faust.SASLCredentials(
            username=settings.sasl_username,
            password=settings.sasl_password,
            ssl_context=context,
            mechanism=settings.sasl_mechanism.upper(),
        )
    elif context is not None:
        options["broker_credentials"] = faust.SSLCredentials(context)
    return options


class _Held(logging.Filter):
    """Holds log records back instead of letting them through."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        self.records.append(record)
        return False


async def started(client, settings: Settings):
    """``client``, started: the one way every Kafka client of newsflow starts. If it cannot
    start, it is closed again; when no broker could be reached, Unavailable is raised with
    one line saying why. aiokafka's own log lines meanwhile are held back: shown if it
    started, dropped (as said better by that line) if not."""
    aiokafka_log, held = logging.getLogger("aiokafka"), _Held()
    aiokafka_log.addFilter(held)
    try:
        await client.start()
    except BaseException as exc:
        aiokafka_log.removeFilter(held)
        await _closed(client)
        if not isinstance(exc, KafkaConnectionError):
            raise
        problem = await diagnose(settings)
        raise Unavailable(problem.text if problem else
                          f"cannot bootstrap from Kafka at {settings.bootstrap}") from None
    aiokafka_log.removeFilter(held)
    for record in held.records:
        aiokafka_log.handle(record)
    return client


async def _closed(client) -> None:
    """Stop (or, for the admin client, close) a client, whatever state it is in."""
    try:
        await asyncio.wait_for(
            client.close() if isinstance(client, AIOKafkaAdminClient) else client.stop(), 10)
    except Exception:  # noqa: BLE001 - it failed to start: nothing more to say
        pass


async def check(settings: Settings) -> None:
    """Unavailable with one line if the first bootstrap server refuses us: for the worker,
    whose faust clients would end in a traceback."""
    problem = await diagnose(settings)
    if problem:
        raise Unavailable(problem.text)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why Kafka does not serve us: ``refused`` when it answered and turned us away
    (credentials, mechanism, protocol, certificates: retrying changes nothing until the
    settings or the cluster do), else it could not be reached."""

    text: str
    refused: bool


async def diagnose(settings: Settings) -> Problem | None:
    """Why the first bootstrap server refuses us, or None if it answers. (aiokafka only
    says it could not bootstrap and logs the cause: this asks again for the error.)"""
    options = client_options(settings)
    host, port, _ = collect_hosts(options.pop("bootstrap_servers"), randomize=False)[0]
    protocol, where = options["security_protocol"], f"Kafka at {settings.bootstrap}"
    closed = Problem(f"{where} closed the connection: check NEWSFLOW_SECURITY_PROTOCOL ({protocol}) " + (
        "and the client certificate (NEWSFLOW_SSL_CERTFILE, NEWSFLOW_SSL_KEYFILE)"
        if "SSL" in protocol else "against its listener"), refused=True)
    try:
        conn = await create_conn(host, port, request_timeout_ms=10000, **options)
    except (SaslAuthenticationFailed, AuthenticationFailedError):
        return Problem(f"Kafka authentication failed for user {settings.sasl_username!r} "
                       f"({options['sasl_mechanism']}): check NEWSFLOW_SASL_USERNAME/PASSWORD", True)
    except UnsupportedSaslMechanismError:
        return Problem(f"{where} does not accept SASL mechanism {options['sasl_mechanism']}: "
                       f"check NEWSFLOW_SASL_MECHANISM", True)
    except ssl.SSLError as exc:
        return Problem(f"TLS with {where} failed ({exc.reason or exc}): check NEWSFLOW_SSL_CAFILE "
                       f"and NEWSFLOW_SECURITY_PROTOCOL", True)
    except (ConnectionResetError, KafkaConnectionError):
        return closed
    except (OSError, KafkaError, asyncio.TimeoutError) as exc:
        return Problem(f"cannot connect to {where}: {str(exc) or type(exc).__name__}", False)
    try:
        await conn.send(MetadataRequest([]))
    except (KafkaError, asyncio.TimeoutError):
        return closed
    finally:
        conn.close()
    return None


def producer(settings: Settings, linger_ms: int = 5, **options) -> AIOKafkaProducer:
    """An idempotent producer, acks=all, that takes the largest message the topics do;
    ``options`` (transactional_id, transaction_timeout_ms, ...) go to aiokafka."""
    return AIOKafkaProducer(**client_options(settings), enable_idempotence=True, acks="all",
                            linger_ms=linger_ms, max_request_size=MAX_REQUEST_BYTES, **options)


def fenced_producer(settings: Settings, transactional_id: str | None) -> "FencedProducer":
    """The worker's producer: transactional (with an id) and fenced by its consumer's group
    generation (kafka.fenced_commit); without an id, a plain idempotent one."""
    from newsflow.kafka.fenced_commit import FencedProducer

    transactional = ({"transactional_id": transactional_id,
                      "transaction_timeout_ms": settings.transaction_timeout_ms}
                     if transactional_id else {})
    return FencedProducer(**client_options(settings), enable_idempotence=True, acks="all",
                          linger_ms=5, max_request_size=MAX_REQUEST_BYTES, **transactional)


def consumer(settings: Settings, *topics: str, group_id: str | None = None,
             from_beginning: bool = True, **options) -> AIOKafkaConsumer:
    """A read_committed consumer taking the largest message the topics do, offsets
    committed by hand; group-less unless ``group_id`` (reading never moves anyone's
    offsets)."""
    return AIOKafkaConsumer(
        *topics, **client_options(settings), group_id=group_id, enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
        isolation_level="read_committed", max_partition_fetch_bytes=MAX_REQUEST_BYTES,
        fetch_max_bytes=MAX_REQUEST_BYTES * 2, **options)


def admin(settings: Settings) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(**client_options(settings))


def faust_app(settings: Settings, app_id: str, **options) -> "faust.App":
    """A faust app on the cluster, raw keys and values, acks=all, taking the largest
    message the topics do; ``options`` go to faust.App."""
    import faust  # slow to import; only the worker (and the bench's naive worker) need it

    return faust.App(app_id, **faust_options(settings), key_serializer="raw",
                     value_serializer="raw", consumer_max_fetch_size=MAX_REQUEST_BYTES,
                     producer_max_request_size=MAX_REQUEST_BYTES, producer_acks=-1, **options)
