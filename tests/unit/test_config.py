"""Settings: environment first, flags over it, bad values refused with a clear message."""

from __future__ import annotations

import pytest

from newsflow.config import Settings
from newsflow.errors import ConfigError


def test_environment_sets_typed_values():
    settings = Settings.from_env({"NEWSFLOW_PARTITIONS": "8", "NEWSFLOW_BOOTSTRAP": "k:9092",
                                  "NEWSFLOW_BATCH_SECONDS": "0.2"})
    assert (settings.partitions, settings.bootstrap, settings.batch_seconds) == (8, "k:9092", 0.2)


def test_flags_override_the_environment_only_when_given():
    settings = Settings.from_env({"NEWSFLOW_TOPIC_PREFIX": "env."})
    assert settings.override(topic_prefix=None).topic_prefix == "env."
    assert settings.override(topic_prefix="flag.").topic_prefix == "flag."


def test_bad_number_names_the_variable():
    with pytest.raises(ConfigError, match="NEWSFLOW_MAX_BYTES"):
        Settings.from_env({"NEWSFLOW_MAX_BYTES": "lots"})


def test_worker_roles_are_checked():
    assert Settings().worker_roles == {"enrich", "trending"}
    assert Settings(roles=" trending ").worker_roles == {"trending"}
    for bad in ("", "enrich,bogus", ","):
        with pytest.raises(ConfigError, match="NEWSFLOW_ROLES"):
            Settings(roles=bad).worker_roles
