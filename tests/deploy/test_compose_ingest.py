"""The compose ingest service, as the image runs it (NEWSFLOW_BIND=0.0.0.0 from the
Dockerfile), passes serve-ingest's own door check only because it is given tokens."""

from __future__ import annotations

import dataclasses
import re

import pytest
import yaml

from newsflow.config import Settings
from newsflow.ingest.http.auth import DoorError, Tokens, check_exposure
from tests.deploy.conftest import DEPLOY, REPO, require, run


@pytest.fixture(scope="module")
def ingest() -> dict:
    compose = require("docker-compose", "apt-get install docker-compose")
    result = run(compose, "-f", str(REPO / "docker-compose.yml"), "--profile", "ingest", "config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]["ingest"]


def image_environment() -> dict[str, str]:
    dockerfile = (DEPLOY / "docker" / "Dockerfile").read_text()
    return dict(re.findall(r"(NEWSFLOW_\w+)=(\S+)", dockerfile))


def test_the_ingest_service_reads_its_tokens_from_a_compose_secret(ingest, tmp_path):
    environment = {**image_environment(), **ingest["environment"]}
    assert environment["NEWSFLOW_BIND"] == "0.0.0.0"
    secret = environment["NEWSFLOW_INGEST_TOKENS_FILE"]
    assert secret == "/run/secrets/ingest_tokens"
    assert [s["source"] for s in ingest["secrets"]] == ["ingest_tokens"]
    # as the container sees it, with a token in the secret file
    (tmp_path / "ingest_tokens").write_text("0123456789abcdef0123456789abcdef\n")
    settings = Settings.from_env({**environment, "NEWSFLOW_INGEST_TOKENS_FILE":
                                  str(tmp_path / "ingest_tokens")})
    check_exposure(settings, Tokens(settings.ingest_tokens, settings.ingest_tokens_file), None)
    # and without it the server would refuse to start
    bare = dataclasses.replace(settings, ingest_tokens_file="")
    with pytest.raises(DoorError, match="refusing to listen on 0.0.0.0"):
        check_exposure(bare, Tokens(), None)


def test_the_secret_file_is_kept_out_of_git():
    ignore = (DEPLOY / "secrets" / ".gitignore").read_text().split()
    assert ignore == ["*", "!.gitignore"]
