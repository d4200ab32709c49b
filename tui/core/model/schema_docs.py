"""The field tables of docs/format.md, written from the schema (schema.py).

docs/format.md holds each table between `<!-- schema:NAME -->` and `<!-- /schema -->`;
`python -m tui.core.model.schema_docs docs/format.md` rewrites them from the schema, and a
test fails when the page and the schema differ.
"""

from __future__ import annotations

import re

from tui.core.model.schema import (
    BOOLEAN,
    DATE,
    GRADE_SCALES,
    IDS,
    INTEGER,
    ITEM_FIELDS,
    MAP,
    PLAN_FIELDS,
    STRING,
    STRINGS,
    TABLE,
    TABLES,
    Field,
)

TYPE_WORDS = {STRING: "string", DATE: "date", INTEGER: "integer", BOOLEAN: "boolean",
              STRINGS: "array of strings", IDS: "array of ids", TABLES: "array of tables",
              TABLE: "table", MAP: "table of names"}
_BLOCK = re.compile(r"(<!-- schema:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /schema -->)",
                    re.DOTALL)


def key_cell(field: Field) -> str:
    """How a key is written in TOML: `id`, `[[actions]]`, `[closure]`, `[views]`."""
    if field.type == TABLES:
        return f"`[[{field.key}]]`"
    if field.type in (TABLE, MAP):
        return f"`[{field.key}]`"
    return f"`{field.key}`"


def _part_words(part: Field) -> str:
    required = ", required" if part.required else ""
    return f"`{part.key}` ({TYPE_WORDS[part.type]}{required}: {part.meaning})"


def meaning_cell(field: Field) -> str:
    """The field's meaning; a table's keys follow, each with its type and meaning."""
    parts = field.parts
    if field.type == MAP and parts:  # name -> one value, or name -> a table
        value = parts[0]
        parts = value.parts
        if not parts:
            return f"{field.meaning}: each name holds a {TYPE_WORDS[value.type]} " \
                   f"({value.meaning})"
    if not parts:
        return field.meaning
    return f"{field.meaning}: " + ", ".join(_part_words(p) for p in parts)


def _default_cell(field: Field) -> str:
    value = field.default
    if value is None:
        return ""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return ", ".join(f"`{v}`" for v in value)
    return f"`{value}`"


def item_table() -> str:
    rows = ["| key | type | required | meaning |", "|---|---|---|---|"]
    rows += [f"| {key_cell(f)} | {TYPE_WORDS[f.type]} | {'yes' if f.required else 'no'} | "
             f"{meaning_cell(f)} |" for f in ITEM_FIELDS]
    return "\n".join(rows) + "\n"


def plan_table() -> str:
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    rows += [f"| {key_cell(f)} | {TYPE_WORDS[f.type]} | "
             f"{'required' if f.required else _default_cell(f)} | {meaning_cell(f)} |"
             for f in PLAN_FIELDS]
    return "\n".join(rows) + "\n"


def scales_table() -> str:
    rows = ["| scale | grades, best first |", "|---|---|"]
    rows += [f"| `{name}` | {', '.join(grades)} |" for name, grades in GRADE_SCALES.items()]
    return "\n".join(rows) + "\n"


TABLES_BY_NAME = {"item-fields": item_table, "plan-settings": plan_table,
                  "grade-scales": scales_table}


def documented(text: str) -> dict[str, str]:
    """Each schema block of a page: its name -> its text."""
    return {m.group("name"): m.group("body") for m in _BLOCK.finditer(text)}


def rewrite(text: str) -> str:
    """`text` with every schema block written afresh from the schema."""
    return _BLOCK.sub(lambda m: m.group(1) + TABLES_BY_NAME[m.group("name")]() + m.group(4),
                      text)


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool, run by hand
    import sys
    from pathlib import Path

    page = Path(sys.argv[1])
    page.write_text(rewrite(page.read_text(encoding="utf-8")), encoding="utf-8")
