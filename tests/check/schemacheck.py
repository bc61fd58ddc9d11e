"""A small validator for the JSON Schema subset docs/check.md uses (type, enum, required, properties,
additionalProperties: false, items, minimum), and the schema read from that document."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "check.md"
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "integer": (int,), "number": (int, float),
    "boolean": (bool,), "null": (type(None),),
}  # fmt: skip


def documented_schema() -> dict[str, Any]:
    """The JSON block under the "JSON schema" heading of docs/check.md."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## JSON schema") :]
    match = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert match is not None, "docs/check.md: no ```json block under ## JSON schema"
    schema: dict[str, Any] = json.loads(match.group(1))
    return schema


def _is(value: object, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def errors(value: object, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Every way `value` breaks `schema`, each naming where."""
    found: list[str] = []
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is(value, name) for name in names):
            return [f"{path}: {value!r} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and isinstance(value, int | float) and value < schema["minimum"]:
        found.append(f"{path}: {value!r} < {schema['minimum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{path}: missing {key!r}" for key in schema.get("required", []) if key not in value]
        if schema.get("additionalProperties") is False:
            found += [f"{path}: unexpected {key!r}" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                found += errors(item, properties[key], f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += errors(item, schema["items"], f"{path}[{index}]")
    return found
