"""The docs and comments kept in step with the tree: docs/architecture.md lists every
module, and nothing in the repository cites a tracker number or a document kept
outside it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
MODULE_LINE = re.compile(r"^(tui/\S+\.py)\s+\S", re.MULTILINE)


def listed_modules(text: str) -> list[str]:
    """The module list's paths: lines that start with a path under tui/, then a job."""
    return MODULE_LINE.findall(text)


def test_architecture_lists_every_module_and_only_those():
    listed = listed_modules(ARCHITECTURE.read_text(encoding="utf-8"))
    tree = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tui").rglob("*.py")}
    assert len(listed) == len(set(listed)), "listed twice: " + ", ".join(
        sorted({m for m in listed if listed.count(m) > 1}))
    assert sorted(tree - set(listed)) == [], "add to docs/architecture.md's module list"
    assert sorted(set(listed) - tree) == [], "listed in docs/architecture.md, not in tui/"


def test_the_module_list_is_read_as_written():
    text = "tui/core/a.py   a job\n  tui/core/b.py indented: prose, not the list\ntui/c.py\n"
    assert listed_modules(text) == ["tui/core/a.py"]


def test_architecture_answers_the_three_questions():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    for question, where in [("Where is a save committed?", "tui/core/write/transaction.py"),
                            ("Where are the fields declared?", "tui/core/model/schema.py"),
                            ("Where is git run?", "tui/core/git/")]:
        answer = text.split(question, 1)[1].split("\n- ", 1)[0]
        assert where in answer, question
        assert (ROOT / where).exists(), where


# What cites our own tracker or a document outside the repository. A library's tracker
# (`Textualize/textual#6666`, `tomlkit#601`) is a citation of its own and allowed; so are
# colours (#1f2933), HTML character references and Markdown anchors.
OUTSIDE_DOCUMENTS = ("SPEC" + ".md", "ENGINEERING" + ".md", "HOUSE" + ".md",
                     "shared" + "/", "seeds" + "/")
CITATIONS = [
    re.compile(r"\bissues?\s+#?\d+", re.IGNORECASE),
    re.compile(r"(?<![\w/&(#-])#\d{1,5}(?![\w-])"),
    *(re.compile(re.escape(name)) for name in OUTSIDE_DOCUMENTS),
]
SUFFIXES = {".py", ".md", ".toml", ".j2", ".tcss", ".txt", ".sh", ".cfg", ".yml", ".yaml"}


def citations(text: str) -> list[str]:
    return [m.group() for pattern in CITATIONS for m in pattern.finditer(text)]


def test_no_file_cites_an_issue_or_an_outside_document():
    paths = [ROOT / "README.md", *(p for folder in ("tui", "tests", "scripts", "docs", ".ci")
                                   for p in (ROOT / folder).rglob("*")
                                   if p.is_file() and (p.suffix in SUFFIXES or
                                                       p.parent.name == ".ci")
                                   and "__snapshots__" not in p.parts
                                   and p != Path(__file__))]  # this file holds examples
    assert len(paths) > 100
    found = [f"{p.relative_to(ROOT)}:{n}: {hit}" for p in paths
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             for hit in citations(line)]
    assert found == []


def test_the_citation_check_tells_ours_from_a_library_s():
    cited = ["see issue 12", "(Issue #8)", "fixed in #42.", "per SPEC" + ".md",
             "in /work/" + "shared/ENGINEERING" + ".md", "from seeds" + "/x"]
    assert all(citations(text) for text in cited), [t for t in cited if not citations(t)]
    allowed = ["Textualize/textual#6666", "(tomlkit#601)", "color: #1f2933;", "#121212",
               "&#160;", "[Queries](#5-queries)", "Issue, Cause of concern", "a # comment"]
    assert [t for t in allowed if citations(t)] == []


# -- README shell flows, run as written -----------------------------------------------------

def readme_blocks(section: str) -> list[list[str]]:
    """The ```sh blocks of one README section: each a list of commands, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    body = text[start:end if end > 0 else len(text)]
    blocks = re.findall(r"```sh\n(.*?)\n```", body, re.DOTALL)
    return [[line.split("  #")[0].strip() for line in block.splitlines()
             if line.strip() and not line.lstrip().startswith("#")] for block in blocks]


def test_the_team_setup_runs_as_written_in_a_clone_of_a_plan(tmp_path, afi):
    """README "Working as a team": a colleague clones the plan repository (one `afi init`
    made, with no copy of afi in it) and sets it up, then syncs, exactly as written."""
    import shlex

    from .conftest import git

    git(tmp_path, "config", "--global", "user.name", "Team Lead")
    git(tmp_path, "config", "--global", "user.email", "lead@example.org")
    assert afi("init", "made", "--title", "Team plan", cwd=tmp_path)[0] == 0
    server = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(tmp_path / "made"), str(server))
    setup, sync = readme_blocks("Working as a team")[:2]
    where = tmp_path
    for line in setup + sync:
        for step in (s.strip() for s in line.split("&&")):
            words = shlex.split(step)
            if words[:2] == ["git", "clone"]:
                into = words[3] if len(words) > 3 else Path(words[2]).stem
                git(where, "clone", "-q", str(server), into)
            elif words[0] == "cd":
                where = where / words[1]
            elif words[0] in ("afi", ".venv/bin/afi"):
                code, _, err = afi(*words[1:], cwd=where)
                assert code == 0, (step, err)
            elif "pip" in step and "install" in words:
                # pip needs a Python project where it runs; a plan repository is not one
                assert (where / "pyproject.toml").exists(), \
                    f"{step!r} in {where.name}: a plan repository is no Python project"
            elif words[:3] != ["python3", "-m", "venv"]:
                raise AssertionError(f"a step this test cannot run: {step!r}")
    assert where == tmp_path / "peel-plan"
    assert git(where, "config", "merge.afi.driver").strip()


def leaf_commands() -> dict[str, list[list[str]]]:
    """'afi COMMAND [VERB]' -> the option strings of each of its options (argparse's own)."""
    import argparse

    from tui.cli.arguments import build_parser

    found: dict[str, list[list[str]]] = {}

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if name != "afi" and not subs:
            found[name] = [a.option_strings for a in parser._actions if a.option_strings
                           and not {"--help", "--plan", "--quiet"} & set(a.option_strings)]
        for action in subs:
            shown = {choice.dest for choice in action._choices_actions}  # in --help
            for verb, sub in action.choices.items():
                if verb in shown:  # not git's merge driver or the completion hook
                    walk(sub, f"{name} {verb}")

    walk(build_parser(), "afi")
    return found


def synopsis(doc: Path, heading: str) -> dict[str, str]:
    """The first fenced block after `heading`: 'afi COMMAND' -> its lines (continuations
    included)."""
    text = doc.read_text(encoding="utf-8")
    body = text[text.index(heading):]
    start = body.index("```\n") + 4
    lines = body[start:body.index("\n```", start)].splitlines()
    out: dict[str, str] = {}
    command = ""
    for line in lines:
        for part in re.split(r"\s\|\s(?=afi )", line):  # afi setup | afi sync | ...
            if part.startswith("afi "):
                command = re.sub(r"^afi (\[--plan DIR\] )?", "", part).split()[0]
            if command:
                out[command] = out.get(command, "") + "\n" + part
    return out


def test_format_md_lists_every_option_of_every_command_and_no_other():
    lines = synopsis(ROOT / "docs" / "format.md", "## 4. The command line")
    commands = leaf_commands()
    assert commands
    for name, options in commands.items():
        top = name.split()[1]
        assert top in lines, f"docs/format.md section 4 does not list `{name}`"
        shown = lines[top]
        for strings in options:
            assert any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", shown)
                       for s in strings), f"docs/format.md: `{name}` lacks {strings[-1]}"
    for top, shown in lines.items():
        known = {s for name, options in commands.items() if name.split()[1] == top
                 for strings in options for s in strings}
        for option in re.findall(r"(?<![\w-])--[a-z][\w-]*", shown):
            assert option in known | {"--plan"}, f"docs/format.md: `afi {top}` has no {option}"


def test_readme_command_list_names_no_option_afi_lacks():
    lines = synopsis(ROOT / "README.md", "## Commands")
    commands = leaf_commands()
    for top, shown in lines.items():
        known = {s for name, options in commands.items() if name.split()[1] == top
                 for strings in options for s in strings}
        for option in re.findall(r"(?<![\w-])--[a-z][\w-]*", shown):
            assert option in known | {"--plan"}, f"README: `afi {top}` has no {option}"
    assert "--tags" in lines["check"]


def test_the_board_cycle_runs_as_written_on_the_shipped_plan(tmp_path, afi, shipped_plan):
    """README "A board cycle", line by line on a copy of the shipped plan: each line
    succeeds, and each line that changes the plan is one commit (`board mark` a tag,
    `chase` and `report` only read)."""
    import shlex
    import shutil

    from .conftest import git

    repo = tmp_path / "kent"
    shutil.copytree(shipped_plan, repo / "plan")
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "config", "user.name", "Inspectorate Lead")
    git(repo, "config", "user.email", "lead@example.org")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "The shipped plan")
    [block] = readme_blocks("A board cycle")[:1]
    commands = " ".join(line.rstrip("\\").strip() for line in block).split("afi ")[1:]
    assert len(commands) == 14
    for command in commands:
        before = git(repo, "rev-parse", "HEAD")
        words = shlex.split(command)
        code, out, err = afi(*words, cwd=repo)
        assert code == 0, (command, err)
        made = int(git(repo, "rev-list", "--count", f"{before.strip()}..HEAD"))
        assert made == (0 if words[0] in ("board", "chase", "report") else 1), command
    assert git(repo, "tag", "--list", "board/*").strip()
    assert (repo / "pack.html").read_text(encoding="utf-8").startswith("<!")
    assert not git(repo, "status", "--porcelain", "--untracked-files=no")


def test_the_readme_item_file_is_a_valid_item(tmp_path, afi, shipped_plan):
    """README "The plan repository": the item file shown passes `afi check` in a plan with
    its inspection, area and board (the shipped plan's)."""
    import shutil

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("An item file:\n\n```toml\n") + len("An item file:\n\n```toml\n")
    plan = tmp_path / "plan"
    shutil.copytree(shipped_plan, plan)
    (plan / "afis" / "PEEL22-08.toml").write_text(text[start:text.index("\n```", start)] + "\n",
                                                   encoding="utf-8")
    code, out, err = afi("--plan", str(plan), "check", cwd=tmp_path)
    assert code == 0, out + err
