"""JSON Schemas of an item file and of plan.toml, for editors (`afi schema item|plan`).

Generated from the declarations in schema.py, so a field added there reaches the editor
with no edit here. The generic schemas ship in the package (`tui/core/schemas/`); a plan's
own schemas add its statuses, inspections, areas and boards as enumerations, and `afi init`
and `afi setup` commit them with a `.taplo.toml` that points the taplo language server
(VS Code's Even Better TOML) at them (editor_config.py).

An editor is stricter than afi about keys: afi keeps keys it does not know untouched, but
the editor schema allows only the declared ones (`additionalProperties: false`), so a
misspelt key is flagged as it is typed instead of silently becoming a new key.
"""

from __future__ import annotations

import json

from tui.core.model import schema
from tui.core.model.items import ASSESSMENTS, COLOUR_NAMES, GRADE_SCALES, ID_RE, KINDS, PlanConfig

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


DRAFT = "https://json-schema.org/draft-07/schema#"  # the draft taplo's validator reads
# Vocabularies that never depend on the plan.
_FIXED = {"kinds": KINDS, "scales": tuple(GRADE_SCALES), "colours": COLOUR_NAMES,
          "rags": ASSESSMENTS}


def item_schema(config: PlanConfig | None = None) -> dict[str, Any]:
    """The schema of `afis/<id>.toml`: generic, or with `config`'s vocabularies."""
    out = _object(schema.ITEM_FIELDS, config, "afi item",
                  "One finding of an inspection and what is being done about it.")
    out["properties"]["id"]["pattern"] = ID_RE.pattern
    if config is not None:
        rules = [{"if": {"properties": {"inspection": {"const": inspection.id}},
                         "required": ["inspection"]},
                  "then": {"properties": {"area": {"enum": list(areas)}}}}
                 for inspection in config.inspections
                 if (areas := config.areas_for(inspection.id))]
        if rules:
            out["allOf"] = rules
    return out


def plan_schema(config: PlanConfig | None = None) -> dict[str, Any]:
    """The schema of plan.toml: generic, or with `config`'s vocabularies."""
    return _object(schema.PLAN_FIELDS, config, "afi plan.toml",
                   "The improvement plan: its inspections, areas, vocabularies and views.")


def dumps(document: dict[str, Any]) -> str:
    """A schema as the text afi writes and prints (stable, so a regenerated file that
    says the same is byte for byte the same)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _object(fields: tuple[schema.Field, ...], config: PlanConfig | None, title: str = "",
            description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if title:
        out = {"$schema": DRAFT, "title": title, "description": description}
    out.update({
        "type": "object",
        "properties": {f.key: _value(f, config) for f in fields},
        "required": [f.key for f in fields if f.required],
        "additionalProperties": False,
    })
    if not out["required"]:
        del out["required"]
    return out


def _value(field: schema.Field, config: PlanConfig | None) -> dict[str, Any]:
    description = f"{field.label}: {field.meaning}"
    if field.type == schema.TABLES:
        return {"description": description, "type": "array",
                "items": _object(field.parts, config)}
    if field.type == schema.TABLE:
        return {"description": description, **_object(field.parts, config)}
    if field.type == schema.MAP:
        return {"description": description, "type": "object",
                "additionalProperties": _value(field.parts[0], config)}
    out: dict[str, Any] = {"description": description, **_SCALAR[field.type]}
    values = _vocabulary(field.vocabulary, config)
    if field.type in (schema.STRINGS, schema.IDS):
        if values:
            out["items"] = {"type": "string", "enum": list(values)}
    elif values:
        out["enum"] = list(values)
    return out


_SCALAR: dict[str, dict[str, Any]] = {
    schema.STRING: {"type": "string"},
    schema.DATE: {"type": "string", "format": "date"},  # a TOML local date
    schema.INTEGER: {"type": "integer"},
    schema.BOOLEAN: {"type": "boolean"},
    schema.STRINGS: {"type": "array", "items": {"type": "string"}},
    schema.IDS: {"type": "array", "items": {"type": "string", "pattern": ID_RE.pattern}},
}


def _vocabulary(name: str | None, config: PlanConfig | None) -> tuple[str, ...] | None:
    if name is None:
        return None
    if name in _FIXED:
        return _FIXED[name]
    if config is None or name == "areas":  # areas: per inspection (item_schema's rules)
        return None
    try:
        return config.vocabulary(name) or None
    except KeyError:  # a vocabulary this module does not know yet: any value
        return None
