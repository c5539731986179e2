""".ci/run stops nothing it did not start: no process is killed by name, and the Debian
prometheus package's service is kept from starting at install instead of stopped after."""

from __future__ import annotations

import re
import subprocess

from tests.deploy.conftest import REPO

CI = REPO / ".ci" / "run"


def test_ci_kills_nothing_by_name():
    script = CI.read_text()
    assert not re.search(r"\b(pkill|killall)\b", script)
    assert not re.search(r"\bservice \S+ stop\b|\bsystemctl stop\b", script)


def test_packages_install_with_services_kept_from_starting():
    script = CI.read_text()
    policy = script.index("/usr/sbin/policy-rc.d")
    assert policy < script.index("apt-get install")
    # the policy it writes answers 101, "action not allowed", to invoke-rc.d
    [written] = re.findall(r"printf '([^']*)' >\"\$policy\"", script)
    text = written.encode().decode("unicode_escape")
    result = subprocess.run(["sh", "-c", text, "policy-rc.d", "prometheus", "start"])
    assert result.returncode == 101
    assert "rm -f \"$policy\"" in script  # and it is removed after the install
