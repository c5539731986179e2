"""Validating messages against the JSON Schemas shipped in topics/schemas/."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).with_name("schemas")


@functools.cache
def _validators() -> dict[str, Draft202012Validator]:
    schemas = {
        path.name.removesuffix(".schema.json"): json.loads(path.read_text())
        for path in SCHEMA_DIR.glob("*.schema.json")
    }
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return {
        name: Draft202012Validator(schema, registry=registry)
        for name, schema in schemas.items()
        if name != "defs"
    }


def validate(message: dict) -> None:
    """Raise jsonschema.ValidationError unless ``message`` matches the schema it names."""
    message_type = str(message.get("schema", "")).split("/")[0]
    validator = _validators().get(message_type)
    if validator is None:
        raise ValueError(f"unknown message schema {message.get('schema')!r}")
    validator.validate(message)
