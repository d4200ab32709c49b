"""The editor schema: generated from schema.py, shipped with the package, true to every
item of the shipped plan (read from git, as committed), and strict about misspelt keys."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from tui.core.model import json_schema
from tui.core.store.reading import config_from_text

from .conftest import git

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "tui" / "core" / "schemas"


def committed_plan(plan: Path) -> tuple[str, dict[str, str]]:
    """plan.toml and every afis/*.toml of the shipped plan (conftest's `shipped_plan`)."""
    texts = {path.name: path.read_text(encoding="utf-8")
             for path in sorted((plan / "afis").glob("*.toml"))}
    return (plan / "plan.toml").read_text(encoding="utf-8"), texts


def as_json(value):
    """TOML values as an editor's schema validator sees them: dates are strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def validator(schema: dict) -> jsonschema.Draft7Validator:
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("name", ["item", "plan"])
def test_the_shipped_schemas_are_the_generated_ones(name, afi):
    code, out, _ = afi("schema", name)
    assert code == 0
    assert (SHIPPED / f"{name}.json").read_text(encoding="utf-8") == out, \
        f"regenerate: afi schema {name} > tui/core/schemas/{name}.json"


def test_every_shipped_item_and_the_plan_are_valid(shipped_plan):
    plan_text, items = committed_plan(shipped_plan)
    assert len(items) >= 30
    config, problems, _ = config_from_text(Path("plan.toml"), plan_text)
    assert problems == []
    plan_data = as_json(tomllib.loads(plan_text))
    for schema in (json_schema.plan_schema(), json_schema.plan_schema(config)):
        assert list(validator(schema).iter_errors(plan_data)) == []
    generic, own = validator(json_schema.item_schema()), validator(
        json_schema.item_schema(config))
    for name, text in items.items():
        data = as_json(tomllib.loads(text))
        for check in (generic, own):
            errors = [e.message for e in check.iter_errors(data)]
            assert errors == [], f"{name}: {errors}"


def test_a_misspelt_key_and_a_wrong_value_are_flagged(shipped_plan):
    plan_text, items = committed_plan(shipped_plan)
    config = config_from_text(Path("plan.toml"), plan_text)[0]
    data = as_json(tomllib.loads(next(iter(items.values()))))
    own = validator(json_schema.item_schema(config))
    misspelt = {**data, "staus": "complete"}
    assert [e.message for e in own.iter_errors(misspelt)] == [
        "Additional properties are not allowed ('staus' was unexpected)"]
    assert any("is not one of" in e.message
               for e in own.iter_errors({**data, "status": "finished"}))
    assert any("is not one of" in e.message
               for e in own.iter_errors({**data, "kind": "afl"}))
    assert list(own.iter_errors({**data, "due": "31/12/2024"}))  # not a date
    bad_action = {**data, "actions": [{"txt": "typo"}]}
    assert list(own.iter_errors(bad_action))
    # An area of another inspection is flagged; the plan's own boards are enumerated.
    other = next((a for a in config.areas if a.inspection != data["inspection"]), None)
    if other is not None and config.areas_for(data["inspection"]):
        assert list(own.iter_errors({**data, "area": other.name}))
    closure = own.schema["properties"]["closure"]["properties"]["board"]
    assert closure.get("enum") == list(config.boards)


def test_init_and_setup_commit_the_editor_configuration(repo, afi):
    code, _, err = afi("init", cwd=repo)
    assert code == 0, err
    assert git(repo, "status", "--porcelain") == ""
    taplo = tomllib.loads((repo / ".taplo.toml").read_text(encoding="utf-8"))
    assert [(r["include"], r["schema"]["path"]) for r in taplo["rule"]] == [
        (["plan/afis/*.toml"], "./plan/.schema/item.json"),
        (["plan/plan.toml"], "./plan/.schema/plan.json")]
    item = json.loads((repo / "plan/.schema/item.json").read_text(encoding="utf-8"))
    assert item["properties"]["status"]["enum"][0] == "not-started"
    # The plan gains an inspection, areas and boards: setup brings the schema up to date.
    plan_toml = repo / "plan" / "plan.toml"
    plan_toml.write_text(plan_toml.read_text(encoding="utf-8").replace("[views]", (
        'boards = ["Force Improvement Board"]\n\n[[inspections]]\nid = "PEEL22"\n\n'
        '[[areas]]\ninspection = "PEEL22"\nname = "Investigating crime"\n\n[views]'), 1),
        encoding="utf-8")
    git(repo, "commit", "-qam", "Inspection and board")
    code, out, err = afi("setup", cwd=repo)
    assert code == 0, err
    assert "plan/.schema/item.json" in out
    item = json.loads((repo / "plan/.schema/item.json").read_text(encoding="utf-8"))
    assert item["properties"]["inspection"]["enum"] == ["PEEL22"]
    assert item["properties"]["closure"]["properties"]["board"]["enum"] == [
        "Force Improvement Board"]
    assert item["allOf"][0]["then"]["properties"]["area"]["enum"] == ["Investigating crime"]
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%s").startswith("Editor schema")
    # Nothing new to say: setup commits nothing.
    before = git(repo, "rev-parse", "HEAD")
    assert afi("setup", cwd=repo)[0] == 0
    assert git(repo, "rev-parse", "HEAD") == before


def test_a_taplo_file_of_the_users_own_is_left_alone(repo, afi):
    (repo / ".taplo.toml").write_text("[formatting]\nalign_entries = true\n", encoding="utf-8")
    git(repo, "add", ".taplo.toml")
    git(repo, "commit", "-qm", "Own taplo settings")
    assert afi("init", cwd=repo)[0] == 0
    assert (repo / ".taplo.toml").read_text(encoding="utf-8") == \
        "[formatting]\nalign_entries = true\n"
    assert (repo / "plan/.schema/item.json").is_file()


def test_schema_plan_specific_needs_a_plan(tmp_path, afi):
    code, _, err = afi("schema", "item", "--plan-specific", cwd=tmp_path)
    assert code == 1 and "no plan found" in err
    code, out, _ = afi("schema", "plan", cwd=tmp_path)
    assert code == 0 and json.loads(out)["required"] == ["title"]


def test_every_plan_setting_afi_reads_is_declared():
    """plan.toml's settings are read in validate.check_plan; the editor schema allows only
    those schema.py declares, so a setting read there but not declared would be flagged
    in every editor. Every key check_plan reads from the raw file must be declared."""
    import ast
    import inspect

    from tui.core.model import validate
    from tui.core.model.schema import PLAN_KEYS

    tree = ast.parse(inspect.getsource(validate.check_plan))
    read = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        on_raw = (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                  and node.func.value.id == "raw") or any(
            isinstance(a, ast.Name) and a.id == "raw" for a in node.args)
        if on_raw:
            read |= {a.value for a in node.args
                     if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    assert len(read) >= 10
    assert read <= set(PLAN_KEYS), f"declare in schema.PLAN_FIELDS: {read - set(PLAN_KEYS)}"


def test_committing_a_plan_toml_edit_says_when_the_editor_schema_falls_behind(repo, afi):
    assert afi("init", cwd=repo)[0] == 0
    plan_toml = repo / "plan" / "plan.toml"
    plan_toml.write_text(plan_toml.read_text(encoding="utf-8").replace(
        "[views]", 'boards = ["Force Improvement Board"]\n\n[views]', 1), encoding="utf-8")
    code, out, err = afi("commit", cwd=repo)
    assert code == 0, err
    assert "the editor schema (plan/.schema) no longer matches plan.toml: `afi setup` " \
           "brings it up to date" in err
    assert afi("setup", cwd=repo)[0] == 0
    # A plan.toml edit the schema does not depend on: nothing to say.
    plan_toml.write_text(plan_toml.read_text(encoding="utf-8").replace(
        'title = "', 'title = "Renamed: ', 1), encoding="utf-8")
    code, out, err = afi("commit", cwd=repo)
    assert code == 0 and "plan.toml: title" in out and "editor schema" not in err, (out, err)
