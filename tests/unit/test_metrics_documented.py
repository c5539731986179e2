"""docs/metrics.md documents every series newsflow registers, with its type and labels,
and nothing else: the table and the code cannot drift apart."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from prometheus_client import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "services" / "newsflow"
# a module that defines series imports their kinds from prometheus_client
DEFINES = re.compile(
    r"^from prometheus_client import .*\b(Counter|Gauge|Histogram|Summary|Info|Enum)\b", re.M)
ROW = re.compile(r"^\| `(newsflow_\w+)` \| (\w+) \|([^|]*)\|", re.M)


def defining_modules() -> list[str]:
    """Every module of the package (topics/ included, installed as newsflow.topics) that
    defines Prometheus series."""
    modules = []
    for base, package in ((PACKAGE, ("newsflow",)), (ROOT / "topics", ("newsflow", "topics"))):
        for path in sorted(base.rglob("*.py")):
            if DEFINES.search(path.read_text(encoding="utf-8")):
                modules.append(".".join(package + path.relative_to(base).with_suffix("").parts))
    return modules


def registered() -> dict[str, tuple[str, frozenset[str]]]:
    for module in defining_modules():
        importlib.import_module(module)
    series = {}
    for family in REGISTRY.collect():
        if family.name.startswith("newsflow_"):
            name = family.name + ("_total" if family.type == "counter" else "")
            collector = REGISTRY._names_to_collectors[name]
            series[name] = (family.type, frozenset(collector._labelnames))
    return series


def documented() -> dict[str, tuple[str, frozenset[str]]]:
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    return {name: (kind, frozenset(re.findall(r"`(\w+)`", labels)))
            for name, kind, labels in ROW.findall(text)}


def test_the_metrics_module_is_the_one_that_defines_series():
    assert defining_modules() == ["newsflow.metrics"]


def test_every_registered_series_is_documented_with_its_type_and_labels():
    code, docs = registered(), documented()
    assert len(code) >= 30
    assert sorted(set(code) - set(docs)) == [], "registered but not in docs/metrics.md"
    assert sorted(set(docs) - set(code)) == [], "in docs/metrics.md but registered nowhere"
    assert {n: d for n, d in docs.items() if code[n] != d} == {}, "type or labels differ"


def test_the_readme_links_the_table():
    assert "docs/metrics.md" in (ROOT / "README.md").read_text(encoding="utf-8")
