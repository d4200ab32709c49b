"""Shell completion: `afi completion bash|zsh|fish` prints a small script; on every TAB it
runs the hidden `afi __complete SHELL LINE`, which answers here.

What is offered comes from the command line's own parser (commands, options, choices), the
schema (set's fields and, by vocabulary, their values) and the plan: ids from the file
names in afis/ (an id is its file's name: one directory scan, 10,000 ids in a few
milliseconds), statuses, inspections, areas, boards and saved views from plan.toml (the
cached config), owners, leads, groups and tags from the item cache, board tags from the
git directory's refs. docs/architecture.md says why this is hand-written.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


FILES = "\x00files"  # the answer that asks the shell for its own file-name completion
QUERY_COMMANDS = ("tui", "list", "report")
HIDDEN = ("merge-driver",)
_SHELL_SPECIAL = re.compile(r"""([\s'"\\$`!&|;()<>*?#~{}\[\]^])""")


# -- the scripts ---------------------------------------------------------------------------
BASH = r'''# afi completion for bash: eval "$(afi completion bash)" in ~/.bashrc
_afi_complete() {
    local out
    out=$(AFI_COMP_WORDBREAKS="$COMP_WORDBREAKS" afi __complete bash \
          "${COMP_LINE:0:$COMP_POINT}" 2>/dev/null)
    if [[ "$out" == $'\x01files' ]]; then
        COMPREPLY=()
        compopt -o default 2>/dev/null
        return 0
    fi
    COMPREPLY=()
    [[ -n "$out" ]] && mapfile -t COMPREPLY <<< "$out"
    if [[ ${#COMPREPLY[@]} -eq 1 && "${COMPREPLY[0]}" == *[=:] ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}
complete -F _afi_complete afi
'''

ZSH = r'''#compdef afi
# afi completion for zsh: eval "$(afi completion zsh)" in ~/.zshrc (after compinit)
_afi() {
    local -a out spaced bare
    out=("${(@f)$(afi __complete zsh "${BUFFER[1,$CURSOR]}" 2>/dev/null)}")
    if [[ "${out[1]}" == $'\x01files' ]]; then
        _files
        return
    fi
    local c
    for c in "${out[@]}"; do
        [[ -z "$c" ]] && continue
        if [[ "$c" == *[=:] ]]; then bare+=("$c"); else spaced+=("$c"); fi
    done
    (( ${#spaced} )) && compadd -Q -U -- "${spaced[@]}"
    (( ${#bare} )) && compadd -Q -U -S '' -- "${bare[@]}"
}
if (( $+functions[compdef] )); then
    compdef _afi afi
fi
'''

FISH = r'''# afi completion for fish: afi completion fish > ~/.config/fish/completions/afi.fish
function __afi_complete
    set -l out (afi __complete fish (commandline -cp) 2>/dev/null)
    if test "$out[1]" = (printf '\x01files')
        __fish_complete_path (commandline -ct)
        return
    end
    printf '%s\n' $out
end
complete -c afi -f -a '(__afi_complete)'
'''

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


def script(shell: str) -> str:
    return SCRIPTS[shell]


# -- answering a TAB -----------------------------------------------------------------------
def main(argv: list[str]) -> int:
    """`afi __complete SHELL LINE`: one candidate a line on stdout; never an error."""
    shell = argv[0] if argv else "bash"
    line = argv[1] if len(argv) > 1 else ""
    try:
        found = candidates(line)
    except Exception:  # noqa: BLE001 - a TAB must never print a traceback into the prompt
        found = []
    if found == FILES:
        sys.stdout.write("\x01files\n")
        return 0
    raw = split_line(line)[1]
    if shell in ("bash", "zsh"):
        found = [_escape(c) for c in found]
    if shell == "bash":  # bash replaces only what follows the last word break in the word
        breaks = os.environ.get("AFI_COMP_WORDBREAKS", " \t\n\"'><=;|&(:")
        cut = max((raw.rfind(ch) for ch in breaks if ch not in " \t\n\"'"), default=-1)
        if cut >= 0:
            found = [c[cut + 1:] if c[:cut + 1] == raw[:cut + 1] else c for c in found]
    sys.stdout.write("".join(f"{c}\n" for c in found))
    return 0


def _escape(text: str) -> str:
    return _SHELL_SPECIAL.sub(r"\\\1", text)


def split_line(line: str) -> tuple[list[str], str, str]:
    """The words before the cursor's (unquoted), and the cursor's word as typed and
    unquoted. A line that ends in a space is at the start of a new, empty word."""
    words: list[str] = []
    current, raw = [], []
    quote = None
    started = False
    escaped = False
    for ch in line:
        if escaped:
            current.append(ch)
            raw.append(ch)
            escaped = False
        elif ch == "\\" and quote != "'":
            raw.append(ch)
            escaped = True
            started = True
        elif quote:
            raw.append(ch)
            if ch == quote:
                quote = None
            else:
                current.append(ch)
        elif ch in "'\"":
            raw.append(ch)
            quote = ch
            started = True
        elif ch.isspace():
            if started:
                words.append("".join(current))
            current, raw, started = [], [], False
        else:
            current.append(ch)
            raw.append(ch)
            started = True
    return words, "".join(raw), "".join(current)


def candidates(line: str) -> list[str] | str:
    """What may complete the last word of `line` (`afi ...` up to the cursor), or FILES."""
    words, _, word = split_line(line)
    words = words[1:]  # the program's name
    found = _Context(words).complete(word)
    if found == FILES:
        return FILES
    return sorted(dict.fromkeys(found), key=_order)


def _order(text: str) -> tuple[Any, ...]:
    return (text.startswith("-"), text.lower())


def _matching(values, prefix: str, fold: bool = True) -> list[str]:
    if fold:
        low = prefix.lower()
        return [v for v in values if v.lower().startswith(low)]
    return [v for v in values if v.startswith(prefix)]


class _Context:
    """The words typed so far, read as the parser would: the command, its verb, the
    options and positional words given."""

    def __init__(self, words: list[str]):
        from tui.cli.arguments import COMMANDS

        self.plan_arg: str | None = None
        self.command: str | None = None
        self.rest: list[str] = []
        skip = False
        for n, token in enumerate(words):
            if skip:
                self.plan_arg, skip = token, False
            elif token == "--plan":
                skip = True
            elif token.startswith("--plan="):
                self.plan_arg = token.split("=", 1)[1]
            elif token.startswith("-"):
                continue
            else:
                self.command = token if token in COMMANDS else None
                self.rest = words[n + 1:] if self.command else []
                self.unknown = self.command is None
                break
        else:
            self.unknown = False
        self.pending_plan = skip
        self._plan_data = None

    # -- what the words mean -----------------------------------------------------------------
    def complete(self, word: str) -> list[str] | str:
        from tui.cli.arguments import COMMANDS

        if self.pending_plan:
            return FILES
        if self.command is None:
            if self.unknown:
                return []
            if word.startswith("-"):
                return _matching(["--plan", "--quiet", "--version", "--help"], word)
            return _matching([c for c in COMMANDS if c not in HIDDEN], word)
        parser = self._parser()
        positionals, option_value = self._read_rest(parser)
        if option_value is not None:
            return self._option_value(option_value, word)
        if word.startswith("--") and "=" in word:
            name, _, value = word.partition("=")
            action = parser._option_string_actions.get(name)
            if action is not None and _takes_value(action):
                return [f"{name}={v}" for v in self._option_value(action, value)
                        if v != FILES]
        options = [o for o in parser._option_string_actions if o.startswith("--")]
        if word.startswith("--") or (word.startswith("-") and
                                     self.command not in QUERY_COMMANDS):
            return _matching(options, word, fold=False)
        found = self._positional(parser, positionals, word)
        if word.startswith("-") and found != FILES:
            found = list(found) + _matching(options, word, fold=False)
        return found

    def _parser(self) -> argparse.ArgumentParser:
        """The parser of the command (or of its verb: board mark, action ID add)."""
        from tui.cli.arguments import build_parser

        command = self.command
        assert command is not None  # asked only once a command is typed
        commands = _subparsers(build_parser([command]))
        assert commands is not None
        parser = commands.choices[command]
        self.verb_at = None
        nested = _subparsers(parser)
        if nested is not None:
            index = 1 if self.command == "action" else 0
            plain = [w for w in self.rest if not w.startswith("-")]
            if len(plain) > index and plain[index] in nested.choices:
                parser = nested.choices[plain[index]]
                self.verb_at = index
        return parser

    def _read_rest(self, parser) -> tuple[list[str], argparse.Action | None]:
        """The positional words typed (verb excluded), and the option whose value the
        cursor's word is, if any."""
        positionals: list[str] = []
        pending = None
        for token in self.rest:
            if pending is not None:
                pending = None
                continue
            action = parser._option_string_actions.get(token)
            if action is not None:
                if _takes_value(action):
                    pending = action
                continue
            if token.startswith("--"):
                continue
            positionals.append(token)
        if self.verb_at is not None:
            del positionals[self.verb_at]
        return positionals, pending

    def _positional(self, parser, typed: list[str], word: str) -> list[str] | str:
        actions = [a for a in parser._actions if not a.option_strings
                   and not isinstance(a, argparse._SubParsersAction)]
        nested = _subparsers(parser)
        if nested is not None and self.verb_at is None:
            index = 1 if self.command == "action" else 0
            if len(typed) == index:
                return _matching(nested.choices, word)
        at = 0
        for action in actions:
            if action.nargs in ("*", "+", argparse.REMAINDER):
                break
            if at + 1 > len(typed):
                break
            at += 1
        else:
            return []
        action = actions[at] if at < len(actions) else None
        if action is None:
            return []
        if action.choices:
            return _matching(action.choices, word)
        return self._value_for(action.dest, word, typed)

    # -- values --------------------------------------------------------------------------------
    def _option_value(self, action: argparse.Action, word: str) -> list[str] | str:
        if action.choices:
            return _matching(action.choices, word)
        return self._value_for(action.dest, word, [])

    def _value_for(self, dest: str, word: str, typed: list[str]) -> list[str] | str:
        if dest in ("file", "dir", "output", "plan", "base", "ours", "theirs", "path"):
            return FILES
        if dest in ("id", "ids"):
            return _matching(self.ids() + (["plan"] if self.command == "commit" else []), word)
        if dest in ("query", "where"):
            return self.query_term(word)
        if dest == "args":  # set: ids, then FIELD=VALUE
            return self.assignment(word, typed)
        if dest in ("as_of", "since"):
            return _matching(["last-board", *self.board_tags()], word)
        if dest in ("status", "kind", "inspection", "area", "board", "name"):
            vocabulary = {"name": "boards", "board": "boards", "status": "statuses",
                          "kind": "kinds", "inspection": "inspections", "area": "areas"}[dest]
            return _matching(self.vocabulary(vocabulary, self._item_for(typed)), word)
        if dest in ("owner", "lead", "by"):
            return _matching(self.values("owner") + self.values("lead"), word)
        return []

    def assignment(self, word: str, typed: list[str]) -> list[str]:
        from tui.core.model import schema

        name, op, value = _split_assignment(word)
        if op:
            field = schema.FIELDS.get(name)
            if name in ("tags", "tag"):
                values = self.values("tags")
            elif field is None:
                return []
            elif field.vocabulary:
                values = self.vocabulary(field.vocabulary, self._item_for(typed))
            elif field.long:
                values = []
            else:
                values = self.values(name)
            if field is not None and field.type == schema.DATE and field.clearable:
                values = ["none", *values]
            return [f"{name}{op}{v}" for v in _matching(values, value)]
        fields = [f"{k}=" for k in schema.SETTABLE] + ["tags+=", "tags-="]
        return _matching(fields, word) + _matching(self.ids(), word)

    def query_term(self, word: str) -> list[str]:
        from tui.core.model.query import FIELDS, IS_VALUES, SORT_FIELDS

        negated = "-" if word.startswith("-") else ""
        body = word[len(negated):]
        name, colon, value = body.partition(":")
        if not colon:
            return [negated + f for f in _matching([f"{f}:" for f in FIELDS], body)]
        name = name.lower()
        if name == "status":
            values = self.vocabulary("statuses")
        elif name == "kind":
            values = self.vocabulary("kinds")
        elif name == "inspection":
            values = self.vocabulary("inspections")
        elif name == "id":
            values = self.ids()
        elif name == "area":
            values = [a.name for a in self.config().areas] or self.values("area")
        elif name in ("owner", "lead", "group", "title"):
            values = self.values(name) if name != "title" else []
        elif name in ("tag", "tags"):
            values = self.values("tags")
        elif name == "is":
            values = list(IS_VALUES)
        elif name == "view":
            values = list(self.config().views)
        elif name == "sort":
            values = [*SORT_FIELDS, *(f"-{f}" for f in SORT_FIELDS)]
        elif name == "due":
            values = ["none"]
        else:
            values = []
        return [f"{negated}{name}:{_query_value(v)}"
                for v in _matching(dict.fromkeys(values), value.strip('"'))]

    def _item_for(self, typed: list[str]) -> dict[str, Any] | None:
        """The item the words name (its inspection decides its areas), or the inspection
        `new --inspection X` gives."""
        if "--inspection" in self.rest:
            at = self.rest.index("--inspection")
            if at + 1 < len(self.rest):
                return {"inspection": self.rest[at + 1]}
        known = {i.lower(): i for i in self.ids()}
        for token in typed:
            if token.lower() in known:
                from tui.core.store.reading import read_one_item

                config, _, readable = self._config()
                item, _ = read_one_item(self.plan_dir(), known[token.lower()], config, readable)
                if item is not None:
                    return {"inspection": item.get("inspection")}
        return None

    # -- the plan --------------------------------------------------------------------------------
    def plan_dir(self) -> Path:
        from tui.core.store.reading import find_plan_dir

        return find_plan_dir(self.plan_arg)

    def _config(self):
        if self._plan_data is None:
            from tui.core.store.reading import load_config

            self._plan_data = load_config(self.plan_dir())
        return self._plan_data

    def config(self):
        return self._config()[0]

    def vocabulary(self, name: str, item: dict[str, Any] | None = None) -> list[str]:
        config = self.config()
        values = config.vocabulary(name, item)
        if name == "areas" and not values:
            values = tuple(dict.fromkeys(a.name for a in config.areas))
        return list(values or ())

    def ids(self) -> list[str]:
        try:
            with os.scandir(self.plan_dir() / "afis") as entries:
                return [e.name[:-5] for e in entries if e.name.endswith(".toml")]
        except OSError:
            return []

    def values(self, key: str) -> list[str]:
        """The values items in the plan hold for `key` (from the item cache)."""
        from tui.core.store.reading import load_plan

        found: dict[str, None] = {}
        for item in load_plan(self.plan_dir()).items:
            value = item.get(key)
            for v in (value if isinstance(value, list) else [value]):
                if isinstance(v, str) and v:
                    found[v] = None
        return sorted(found, key=str.lower)

    def board_tags(self) -> list[str]:
        """board/... tags, read from the git directory (loose and packed refs): a TAB
        must not wait for git. The one place outside tui/core/git that reads git's own
        files: a read of the refs, never a git command (boards.list_boards is the one
        that runs git, and vets the tags)."""
        from tui.core.git.boards import TAG_PREFIX
        from tui.core.store.reading import find_git_dir

        git_dir = find_git_dir(self.plan_dir())
        if git_dir is None:
            return []
        common = git_dir
        if (git_dir / "commondir").is_file():
            common = (git_dir / (git_dir / "commondir").read_text().strip()).resolve()
        tags = set()
        folder = common / "refs" / "tags" / TAG_PREFIX.rstrip("/")
        if folder.is_dir():
            tags |= {f"{TAG_PREFIX}{p.relative_to(folder).as_posix()}"
                     for p in folder.rglob("*") if p.is_file()}
        packed = common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8", errors="replace").splitlines():
                ref = line.partition(" ")[2]
                if ref.startswith(f"refs/tags/{TAG_PREFIX}"):
                    tags.add(ref[len("refs/tags/"):])
        return sorted(tags, reverse=True)


def _query_value(value: str) -> str:
    return f'"{value}"' if any(c.isspace() for c in value) or "," in value else value


def _split_assignment(word: str) -> tuple[str, str, str]:
    for op in ("+=", "-=", "="):
        name, sep, value = word.partition(op)
        if sep and name and "=" not in name:
            return name, op, value
    return word, "", ""


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0 and not isinstance(
        action, (argparse._StoreConstAction, argparse._HelpAction, argparse._VersionAction,
                 argparse._CountAction))


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
