"""Shell completion, driven as the shells drive it: the generated bash script run by a
real bash with COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT set, COMPREPLY read back; fish's
own `complete -C`; zsh's parser on its script."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli.complete import script

BIN = str(Path(sys.executable).parent)  # where `pip install -e .` put the afi command


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}


def bash_complete(line: str, cwd: Path) -> list[str]:
    """COMPREPLY for `line` with the cursor at its end, the words split as bash splits
    them (COMP_WORDBREAKS: ':' and '=' are words of their own)."""
    words = re.findall(r"[:=]|(?:\\.|[^\s:=])+", line)
    if line.endswith(" ") or not words:
        words.append("")
    program = (script("bash")
               + f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
               + f"COMP_CWORD={len(words) - 1}\n"
               + 'COMP_LINE="$LINE"; COMP_POINT=${#LINE}\n'
               + "_afi_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], cwd=cwd,
                          env={**_env(), "LINE": line}, capture_output=True, text=True,
                          check=True)
    assert done.stderr == ""
    return [w for w in done.stdout.split("\n") if w]


def test_commands_and_options_complete(plan_dir):
    repo = plan_dir.parent
    assert bash_complete("afi sh", repo) == ["show"]
    assert "completion" in bash_complete("afi ", repo)
    assert "merge-driver" not in bash_complete("afi ", repo)
    assert bash_complete("afi list --fo", repo) == ["--format"]
    assert bash_complete("afi list --format ", repo) == ["csv", "json", "table"]
    assert bash_complete("afi completion ", repo) == ["bash", "fish", "zsh"]


def test_ids_complete_from_the_plan(plan_dir):
    repo = plan_dir.parent
    assert bash_complete("afi show PEEL", repo) == ["PEEL22-01", "PEEL22-02"]
    assert bash_complete("afi show peel22-0", repo) == ["PEEL22-01", "PEEL22-02"]
    assert bash_complete("afi close HM", repo) == ["HMIC07-R01"]
    assert bash_complete("afi --plan repo/plan log HM", plan_dir.parent.parent) == ["HMIC07-R01"]


def test_set_completes_fields_and_each_fields_values(plan_dir):
    repo = plan_dir.parent
    assert bash_complete("afi set PEEL22-01 ow", repo) == ["owner="]
    assert bash_complete("afi set PEEL22-01 ta", repo) == ["tags+=", "tags-="]
    # bash replaces what follows the '=' (a word break): the value alone comes back.
    assert bash_complete("afi set PEEL22-01 status=", repo) == [
        "closed", "complete", "in-progress", "not-started", "superseded"]
    assert bash_complete("afi set PEEL22-01 status=in", repo) == ["in-progress"]
    assert bash_complete("afi set PEEL22-01 kind=r", repo) == ["recommendation"]
    # The areas of the item's own inspection, quoted for the shell.
    assert bash_complete("afi set PEEL22-01 area=", repo) == [r"Responding\ to\ the\ public"]
    # Owners and leads already in the plan.
    assert bash_complete("afi set PEEL22-01 owner=", repo) == [r"DCI\ Jones", r"Supt\ Smith"]
    assert bash_complete("afi set PEEL22-01 due=n", repo) == ["none"]
    assert bash_complete("afi close PEEL22-01 --by DCC --board ", repo) == []  # none listed


def test_query_fields_and_values_complete(plan_dir):
    repo = plan_dir.parent
    assert bash_complete("afi list stat", repo) == ["status:"]
    assert bash_complete("afi list status:", repo) == [
        "closed", "complete", "in-progress", "not-started", "superseded"]
    assert bash_complete("afi list -status:cl", repo) == ["closed"]
    assert bash_complete("afi list is:over", repo) == ["overdue"]
    assert bash_complete("afi list view:", repo) == ["mine", "overdue"]
    assert bash_complete("afi list inspection:", repo) == ["HMIC07", "PEEL22"]
    # A value with spaces is quoted for the query language and escaped for the shell.
    assert bash_complete("afi list owner:Su", repo) == [r'\"Supt\ Smith\"']
    assert bash_complete("afi set --where status:n", repo) == ["not-started"]
    words = bash_complete("afi report ow", repo)
    assert words == ["owner:"]


def test_board_tags_complete_after_a_board_is_marked(plan_dir, afi):
    repo = plan_dir.parent
    assert afi("--plan", str(plan_dir), "board", "mark", "Force Improvement Board")[0] == 0
    found = bash_complete("afi report --since ", repo)
    assert found == ["board/2025-01-15-force-improvement-board", "last-board"]
    # bash cuts at the '=' of --since=...
    assert bash_complete("afi list --as-of=last", repo) == ["last-board"]


def test_a_tab_outside_a_plan_offers_nothing_and_prints_no_error(tmp_path):
    assert bash_complete("afi show ", tmp_path) == []
    assert bash_complete("afi sh", tmp_path) == ["show"]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed here")
def test_fish_completes_through_its_own_engine(plan_dir, tmp_path):
    completions = tmp_path / "afi.fish"
    completions.write_text(script("fish"), encoding="utf-8")
    program = f"source {shlex.quote(str(completions))}; complete -C'afi set PEEL22-01 status=in'"
    done = subprocess.run(["fish", "--no-config", "-c", program], cwd=plan_dir.parent,
                          env=_env(), capture_output=True, text=True, check=True)
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == [
        "status=in-progress"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed here")
def test_zsh_script_parses_and_registers(tmp_path):
    completions = tmp_path / "_afi"
    completions.write_text(script("zsh"), encoding="utf-8")
    assert subprocess.run(["zsh", "-n", str(completions)], capture_output=True).returncode == 0
    program = (f"autoload -U compinit && compinit -u -d {tmp_path}/dump && "
               f"source {shlex.quote(str(completions))} && print -r -- $_comps[afi]")
    done = subprocess.run(["zsh", "-f", "-c", program], env=_env(), capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "_afi"


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed here")
def test_zsh_function_offers_what_afi_answers(plan_dir, tmp_path):
    """_afi run as the completion system would, with compadd recording what it is given
    (a function of that name stands in for the builtin)."""
    completions = tmp_path / "_afi"
    completions.write_text(script("zsh"), encoding="utf-8")
    program = (f"source {shlex.quote(str(completions))}\n"
               'compadd() { print -r -- "ADD $*" }\n'
               "BUFFER='afi set PEEL22-01 owner=Supt'; CURSOR=${#BUFFER}; _afi\n"
               "BUFFER='afi list stat'; CURSOR=${#BUFFER}; _afi\n")
    done = subprocess.run(["zsh", "-f", "-c", program], cwd=plan_dir.parent, env=_env(),
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        r"ADD -Q -U -- owner=Supt\ Smith",
        "ADD -Q -U -S  -- status:"]


def test_completion_prints_each_script(afi):
    for shell, marker in (("bash", "complete -F _afi_complete afi"), ("zsh", "compdef _afi afi"),
                          ("fish", "complete -c afi")):
        code, out, _ = afi("completion", shell)
        assert code == 0 and marker in out
    assert afi("completion", "tcsh")[0] == 2
