"""Connection settings: the client options built from them, the config file under the
environment, and secrets that never show in a repr."""

from __future__ import annotations

import logging
import shutil
import ssl
import subprocess

import pytest

from newsflow.config import Settings
from newsflow.kafka.clients import client_options, faust_options
from newsflow.errors import ConfigError

SCRAM = {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-256",
         "sasl_username": "alice", "sasl_password": "s3cret-pw"}


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A self-signed certificate and its key, encrypted with the password "keypass"."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "client.pem", folder / "client.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-days", "1", "-subj", "/CN=newsflow",
         "-keyout", str(key), "-out", str(cert), "-passout", "pass:keypass"],
        check=True, capture_output=True,
    )
    return cert, key


def test_plaintext_is_the_default_and_needs_nothing_else():
    options = client_options(Settings(bootstrap="a:9092, b:9093"))
    assert options == {"bootstrap_servers": ["a:9092", "b:9093"], "security_protocol": "PLAINTEXT"}
    assert faust_options(Settings(bootstrap="a:9092")) == {"broker": "kafka://a:9092"}


def test_sasl_plaintext_passes_mechanism_and_credentials():
    options = client_options(Settings(**SCRAM))
    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert (options["sasl_mechanism"], options["sasl_plain_username"],
            options["sasl_plain_password"]) == ("SCRAM-SHA-256", "alice", "s3cret-pw")
    assert "ssl_context" not in options


def test_sasl_ssl_verifies_the_broker_by_default():
    options = client_options(Settings(**{**SCRAM, "security_protocol": "sasl_ssl",
                                         "sasl_mechanism": "scram-sha-512"}))
    context = options["ssl_context"]
    assert (options["security_protocol"], options["sasl_mechanism"]) == ("SASL_SSL", "SCRAM-SHA-512")
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_hostname_check_can_be_turned_off_but_not_verification():
    context = client_options(Settings(security_protocol="SSL", ssl_check_hostname=False))["ssl_context"]
    assert not context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED


def test_client_certificate_with_encrypted_key(tls_files):
    cert, key = tls_files
    settings = Settings(security_protocol="SSL", ssl_cafile=str(cert), ssl_certfile=str(cert),
                        ssl_keyfile=str(key), ssl_key_password="keypass")
    assert isinstance(client_options(settings)["ssl_context"], ssl.SSLContext)
    with pytest.raises(ConfigError, match="NEWSFLOW_SSL_CAFILE"):
        client_options(settings.override(ssl_key_password="wrong"))


def test_missing_tls_file_is_named_in_one_line(tmp_path):
    with pytest.raises(ConfigError, match="cannot load the TLS files"):
        client_options(Settings(security_protocol="SSL", ssl_cafile=str(tmp_path / "none.pem")))


@pytest.mark.parametrize("settings, message", [
    (Settings(security_protocol="TLS"), "NEWSFLOW_SECURITY_PROTOCOL='TLS' is not one of"),
    (Settings(**{**SCRAM, "sasl_mechanism": "GSSAPI"}), "NEWSFLOW_SASL_MECHANISM='GSSAPI'"),
    (Settings(security_protocol="SASL_SSL"), "SASL_SSL needs NEWSFLOW_SASL_USERNAME"),
])
def test_settings_that_cannot_work_are_refused(settings, message):
    with pytest.raises(ConfigError, match=message):
        client_options(settings)
    with pytest.raises(ConfigError, match=message):
        faust_options(settings)


def test_faust_gets_the_same_connection_as_the_other_clients():
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    for settings in (Settings(**SCRAM), Settings(**{**SCRAM, "security_protocol": "SASL_SSL"}),
                     Settings(security_protocol="SSL")):
        faust = credentials_to_aiokafka_auth(faust_options(settings)["broker_credentials"])
        ours = client_options(settings)
        del ours["bootstrap_servers"]
        assert faust.keys() >= ours.keys()
        assert {k: v for k, v in faust.items() if k != "ssl_context"} == \
            {k: v for k, v in ours.items() if k != "ssl_context"}
        assert isinstance(faust.get("ssl_context"), type(ours.get("ssl_context")))


def test_secrets_are_masked_wherever_settings_are_shown(caplog):
    settings = Settings(**SCRAM, ssl_key_password="k3y-pw")
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("settings: %s %r", settings, settings)
    for shown in (repr(settings), str(settings), caplog.text,
                  repr(faust_options(settings)["broker_credentials"])):
        assert "s3cret-pw" not in shown and "k3y-pw" not in shown
    assert "sasl_password='***'" in repr(settings) and "sasl_username='alice'" in repr(settings)
    assert "sasl_password=''" in repr(Settings())  # unset stays visibly unset


def test_config_file_under_environment_under_flags(tmp_path):
    path = tmp_path / "newsflow.toml"
    path.write_text('bootstrap = "file:9092"\ntopic_prefix = "file."\npartitions = 3\n'
                    'batch_seconds = 1\nssl_check_hostname = false\nsasl_password = "pw"\n')
    env = {"NEWSFLOW_CONFIG": str(path), "NEWSFLOW_TOPIC_PREFIX": "env."}
    settings = Settings.from_env(env)
    assert (settings.bootstrap, settings.topic_prefix, settings.partitions,
            settings.batch_seconds, settings.ssl_check_hostname, settings.sasl_password) == \
        ("file:9092", "env.", 3, 1.0, False, "pw")
    assert settings.override(bootstrap="flag:9092", topic_prefix=None).bootstrap == "flag:9092"


@pytest.mark.parametrize("content, message", [
    ('bootstrapp = "x"', "unknown setting 'bootstrapp'"),
    ('partitions = "4"', "partitions must be int, not str"),
    ("ssl_check_hostname = 1", "ssl_check_hostname must be bool, not int"),
    ("partitions = true", "partitions must be int, not bool"),
    ("bootstrap = ", "NEWSFLOW_CONFIG="),
])
def test_bad_config_file_is_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content + "\n")
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({"NEWSFLOW_CONFIG": str(path)})


def test_missing_config_file_is_named():
    with pytest.raises(ConfigError, match="NEWSFLOW_CONFIG='/nonexistent.toml'"):
        Settings.from_env({"NEWSFLOW_CONFIG": "/nonexistent.toml"})


@pytest.mark.parametrize("raw, value", [("false", False), ("0", False), ("YES", True), ("on", True)])
def test_boolean_environment_values(raw, value):
    assert Settings.from_env({"NEWSFLOW_SSL_CHECK_HOSTNAME": raw}).ssl_check_hostname is value


def test_bad_boolean_names_the_variable():
    with pytest.raises(ConfigError, match="NEWSFLOW_SSL_CHECK_HOSTNAME='maybe'"):
        Settings.from_env({"NEWSFLOW_SSL_CHECK_HOSTNAME": "maybe"})


def test_sasl_requests_are_redacted_from_aiokafka_debug_logs(caplog):
    from aiokafka.protocol.admin import SaslAuthenticateRequest_v1

    request = SaslAuthenticateRequest_v1(sasl_auth_bytes=b"\x00alice\x00s3cret-pw")
    with caplog.at_level(logging.DEBUG, logger="aiokafka.conn"):  # as aiokafka logs requests
        logging.getLogger("aiokafka.conn").debug("Request to %s:%d %d: %s", "h", 9092, 7, request)
    assert "Request to h:9092 7" in caplog.text and "s3cret-pw" not in caplog.text
