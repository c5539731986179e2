"""Compare two `newsflow enrich` outputs (JSON lines) as JSON, not as bytes: key order
aside, every value the same, except the places named with --ignore: a path of keys,
list positions written [], matched at the end of a value's path
("canonical_entities[]/id" is the id of every canonical entity, "speaker/entity" the
entity of every speaker, in the articles and in the messages alike).

    python bench/compare_enriched.py OLD.jsonl NEW.jsonl \
        [--ignore canonical_entities[]/id speaker/entity] [--messages]

Prints one line per difference (article, JSON path, old, new) and a count; exits 1 when
there is any. --messages compares the quote and entity messages each article makes
(topics/messages.py) too, built from each file's articles; --old-messages FILE builds the
old side's with another copy of messages.py (``git show REV:topics/messages.py > FILE``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path

MISSING = object()


def ignored(path: str, ignore: frozenset[str]) -> bool:
    shape = re.sub(r"\[\d+\]", "[]", path)
    return any(shape.endswith("/" + pattern) for pattern in ignore)


def differences(old, new, ignore: frozenset[str], path: str = "") -> list[tuple[str, object, object]]:
    """(path, old, new) for each place where two JSON values differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new)):
            if ignored(f"{path}/{key}", ignore):
                continue
            out += differences(old.get(key, MISSING), new.get(key, MISSING), ignore, f"{path}/{key}")
        return out
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [(f"{path} (length)", len(old), len(new))]
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in differences(a, b, ignore, f"{path}[{i}]")]
    if type(old) is not type(new) or old != new:
        return [(path, old, new)]
    return []


def _messages(article: dict, module) -> dict:
    return {"quotes": module.quote_messages(article), "entities": module.entity_messages(article)}


def _module(path: Path | None):
    if path is None:
        from newsflow.topics import messages

        return messages
    spec = importlib.util.spec_from_file_location("old_messages", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--ignore", nargs="*", default=[], help="places left out of the comparison")
    parser.add_argument("--messages", action="store_true", help="compare the quote and entity messages too")
    parser.add_argument("--old-messages", type=Path, help="the messages.py that builds the old side's messages")
    args = parser.parse_args()
    ignore = frozenset(args.ignore)
    old = [json.loads(line) for line in args.old.read_text(encoding="utf-8").splitlines()]
    new = [json.loads(line) for line in args.new.read_text(encoding="utf-8").splitlines()]
    found = 0
    old_module, new_module = _module(args.old_messages), _module(None)
    if len(old) != len(new):
        print(f"articles: {len(old)} != {len(new)}")
        found += 1
    for a, b in zip(old, new):
        name = a.get("id", "?")
        diffs = differences(a, b, ignore)
        if args.messages:
            # lists of (key, message) pairs: JSON-like once tuples are lists
            pair = json.loads(json.dumps([_messages(a, old_module), _messages(b, new_module)]))
            diffs += differences(pair[0], pair[1], ignore, "/<messages>")
        for path, x, y in diffs:
            show = lambda v: "(missing)" if v is MISSING else json.dumps(v, ensure_ascii=False)[:120]  # noqa: E731
            print(f"{name}{path}: {show(x)} -> {show(y)}")
        found += len(diffs)
    print(f"{found} differences over {len(old)} articles (ignored keys: {', '.join(sorted(ignore)) or 'none'})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
