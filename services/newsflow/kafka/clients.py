"""Connection settings shared by every Kafka client newsflow creates: where the brokers are
and how to authenticate to them (TLS, SASL; docs/security.md).

Bad connection settings and failed connections end the command with one line saying what
to fix, not a traceback: SystemExit carries the message.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass

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
        raise SystemExit(f"NEWSFLOW_SECURITY_PROTOCOL={settings.security_protocol!r} is not "
                         f"one of {', '.join(PROTOCOLS)}")
    if protocol.startswith("SASL_"):
        if settings.sasl_mechanism.upper() not in MECHANISMS:
            raise SystemExit(f"NEWSFLOW_SASL_MECHANISM={settings.sasl_mechanism!r} is not one "
                             f"of {', '.join(MECHANISMS)}")
        if not settings.sasl_username:
            raise SystemExit(f"{protocol} needs NEWSFLOW_SASL_USERNAME and NEWSFLOW_SASL_PASSWORD")
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
        raise SystemExit(f"cannot load the TLS files (NEWSFLOW_SSL_CAFILE, _CERTFILE, _KEYFILE, "
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


async def start(client, settings: Settings, command: str) -> None:
    """``client.start()``; if no broker can be reached, close the client and exit with one
    line saying why. aiokafka's own log lines meanwhile are held back: shown if it started,
    dropped (as said better by that line) if not."""
    aiokafka_log, held = logging.getLogger("aiokafka"), _Held()
    aiokafka_log.addFilter(held)
    try:
        await client.start()
    except KafkaConnectionError:
        await (client.close() if isinstance(client, AIOKafkaAdminClient) else client.stop())
        problem = await diagnose(settings)
        text = problem.text if problem else f"cannot bootstrap from Kafka at {settings.bootstrap}"
        raise SystemExit(f"newsflow {command}: {text}") from None
    finally:
        aiokafka_log.removeFilter(held)
    for record in held.records:
        aiokafka_log.handle(record)


async def check(settings: Settings, command: str) -> None:
    """Exit with one line if the first bootstrap server refuses us: for the worker, whose
    faust clients would end in a traceback."""
    problem = await diagnose(settings)
    if problem:
        raise SystemExit(f"newsflow {command}: {problem.text}")


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
