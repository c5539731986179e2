"""serve-ingest's door settings: bearer tokens (several, from env and a file reread when it
changes), the refusal to listen beyond loopback without authentication, TLS files, and the
connection cap kept under the descriptor limit."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from newsflow.ingest.http import guard as http_guard
from newsflow.ingest.http import auth as ingest_auth
from newsflow.config import Settings
from newsflow.ingest.http.server import Door
from newsflow.ingest.http.auth import DoorError, Tokens, check_exposure, is_loopback, server_tls
from newsflow.local.broker import free_port

A, B, C = "token-a-0123456789abcdef", "token-b-0123456789abcdef", "token-c-0123456789abcdef"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_tokens_from_the_environment_and_a_file_are_all_accepted(tmp_path):
    path = tmp_path / "tokens"
    path.write_text(f"# rotated monthly\n{B}\n\n  {C}  \n")
    tokens = Tokens(f"{A}, ", str(path))
    assert tokens.configured
    assert all(tokens.accepts(t) for t in (A, B, C))
    assert not any(tokens.accepts(t) for t in ("", A[:-1], A + "x", "# rotated monthly"))


def test_every_token_is_compared_with_hmac_compare_digest(monkeypatch):
    """Constant time: the presented token is compared (by digest) with each of them, the
    first match does not stop the loop."""
    compared = []
    real = ingest_auth.hmac.compare_digest
    monkeypatch.setattr(ingest_auth.hmac, "compare_digest",
                        lambda a, b: compared.append(b) or real(a, b))
    tokens = Tokens(f"{A},{B},{C}")
    assert tokens.accepts(A)
    assert sorted(compared) == sorted(hashlib.sha256(t.encode()).digest() for t in (A, B, C))


def test_the_token_file_is_reread_when_it_changes_and_on_reload(tmp_path):
    path, clock = tmp_path / "tokens", Clock()
    path.write_text(f"{A}\n{B}\n")
    tokens = Tokens("", str(path), clock=clock)
    replacement = tmp_path / "tokens.new"
    replacement.write_text(f"{B}\n{C}\n")
    os.replace(replacement, path)  # as a secret manager rotates it
    assert tokens.accepts(A)  # looked at once a second at most
    clock.now = 1.5
    assert not tokens.accepts(A) and tokens.accepts(B) and tokens.accepts(C)
    path.write_text(f"{A}\n")
    tokens.reload()  # SIGHUP
    assert tokens.accepts(A) and not tokens.accepts(C)


def test_a_bad_rewrite_keeps_the_tokens_and_a_deleted_file_revokes_them(tmp_path):
    path, clock = tmp_path / "tokens", Clock()
    path.write_text(f"{A}\n")
    tokens = Tokens("", str(path), clock=clock)
    path.write_text("short\n")
    clock.now = 2
    assert tokens.accepts(A)
    path.unlink()
    clock.now = 4
    assert not tokens.accepts(A)
    assert tokens.configured  # still required: nothing is accepted, not everything


@pytest.mark.parametrize("inline, says", [
    ("short", "at least 16 characters"),
    ("has space in it 0123456789", "letters, digits"),
    ("quote\"0123456789abcdef", "letters, digits"),
])
def test_bad_tokens_are_refused_at_start_with_the_setting_named(inline, says):
    with pytest.raises(DoorError, match=f"NEWSFLOW_INGEST_TOKENS: .*{says}"):
        Tokens(inline)


def test_a_missing_token_file_is_refused_at_start(tmp_path):
    with pytest.raises(DoorError, match="NEWSFLOW_INGEST_TOKENS_FILE="):
        Tokens("", str(tmp_path / "nowhere"))


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.5.0.1", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("", False), ("::", False), ("10.1.2.3", False), ("ingest.example", False),
])
def test_loopback_is_told_apart(host, loopback):
    assert is_loopback(host) is loopback


def test_listening_beyond_loopback_needs_tokens_mutual_tls_or_an_explicit_yes():
    wide = Settings(bind="0.0.0.0")
    with pytest.raises(DoorError, match="refusing to listen on 0.0.0.0 without authentication"):
        check_exposure(wide, Tokens(), None)
    check_exposure(wide, Tokens(A), None)
    check_exposure(Settings(bind="0.0.0.0", ingest_allow_unauthenticated=True), Tokens(), None)
    check_exposure(Settings(), Tokens(), None)


def test_the_command_refuses_in_one_line_before_connecting_anywhere():
    env = {"PATH": "/usr/bin:/bin", "NEWSFLOW_BIND": "0.0.0.0",
           "NEWSFLOW_BOOTSTRAP": f"127.0.0.1:{free_port()}"}
    result = subprocess.run([sys.executable, "-m", "newsflow.cli", "serve-ingest", "--port",
                             str(free_port())], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2  # a setting that cannot work (README, Exit status)
    assert result.stderr.strip() == (
        "newsflow serve-ingest: refusing to listen on 0.0.0.0 without authentication: set "
        "NEWSFLOW_INGEST_TOKENS or NEWSFLOW_INGEST_TOKENS_FILE (or mutual TLS), or "
        "NEWSFLOW_INGEST_ALLOW_UNAUTHENTICATED=true on a trusted network")


def test_tls_settings_that_cannot_work_are_refused(tmp_path):
    assert server_tls(Settings()) is None
    with pytest.raises(DoorError, match="need NEWSFLOW_INGEST_TLS_CERTFILE"):
        server_tls(Settings(ingest_tls_client_cafile="ca.pem"))
    (tmp_path / "cert.pem").write_text("not a certificate")
    with pytest.raises(DoorError, match="cannot load the TLS files"):
        server_tls(Settings(ingest_tls_certfile=str(tmp_path / "cert.pem")))


def test_the_tokens_are_masked_in_the_settings_repr():
    settings = Settings.from_env({"NEWSFLOW_INGEST_TOKENS": f"{A},{B}"})
    assert A not in repr(settings) and "ingest_tokens='***'" in repr(settings)


def test_the_connection_cap_stays_under_the_descriptor_limit(monkeypatch):
    monkeypatch.setattr(http_guard.resource, "getrlimit", lambda kind: (300, 4096))
    assert http_guard.connection_limit(256) == 300 - http_guard.RESERVED_DESCRIPTORS
    assert http_guard.connection_limit(100) == 100
    monkeypatch.setattr(http_guard.resource, "getrlimit", lambda kind: (32, 4096))
    with pytest.raises(DoorError, match="descriptor limit"):
        Door.from_settings(Settings())
