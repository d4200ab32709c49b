"""Reading a plan folder: plan.toml and afis/*.toml, fast and forgiving.

Files are parsed with stdlib `tomllib` and validated (validate.py) only when the cache
(item_cache.py) has no entry for their current stamp, so listing a plan whose files have
not changed costs a directory scan and a few unpickles, and imports neither.
Problems are collected, never raised: one bad file must not stop the others loading.
Writing is in `tomledit.py` and `change.py`.
"""

from __future__ import annotations

import errno
import os
import stat as stat_module
import time
from operator import attrgetter
from pathlib import Path

from tui.core.errors import AfiError, Problem
from tui.core.model.items import Item, PlanConfig
from tui.core.progress import NO_PROGRESS, Progress
from tui.core.store import item_cache

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs 2 ms to import; annotations are never evaluated here
    from typing import Any

PLAN_FILE = "plan.toml"
ITEMS_DIR = "afis"




def find_plan_dir(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """--plan DIR, else $AFI_PLAN, else ./plan, else the nearest folder up with a plan.toml."""
    cwd = cwd or Path.cwd()
    for given, source in ((explicit, "--plan"), (os.environ.get("AFI_PLAN"), "AFI_PLAN")):
        if given:
            path = (cwd / given).resolve()
            if not (path / PLAN_FILE).is_file():
                raise AfiError(f"{path}: no {PLAN_FILE} here (from {source}); "
                               f"run `afi init {given}` to create a plan")
            return path
    if (cwd / "plan" / PLAN_FILE).is_file():
        return (cwd / "plan").resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / PLAN_FILE).is_file():
            return folder.resolve()
    raise AfiError(f"no plan found: no ./plan/{PLAN_FILE} and no {PLAN_FILE} in {cwd} or above; "
                   "pass --plan DIR or run `afi init` to create one")


def journal_path(git_dir: Path) -> Path:
    """Where a change in progress is journalled (journal.py); named here so that every
    command's check for an interrupted change costs a stat and no import."""
    return git_dir / "afi" / "journal.json"


def find_git_dir(start: Path) -> Path | None:
    """The .git directory for `start`, by walking up the filesystem (no subprocess)."""
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # worktree or submodule: "gitdir: <path>"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return (folder / text[len("gitdir:"):].strip()).resolve()
    return None


class Snapshot:
    """A plan as read from disk: its config, its valid items and every problem found,
    and what a later reload can reuse (cache entries and Item objects by file name)."""

    __slots__ = ("dir", "config", "items", "problems", "entries", "by_name", "fingerprint",
                 "loaded_ns", "others", "_by_id", "_in_id_order")

    def __init__(self, dir: Path, config: PlanConfig, items: list[Item],
                 problems: list[Problem] | None = None,
                 entries: dict[str, item_cache.Entry] | None = None,
                 by_name: dict[str, Item] | None = None, fingerprint: str = "",
                 loaded_ns: int = 0, others: frozenset[str] = frozenset()):
        self.dir = dir
        self.config = config
        self.items = items
        self.problems = problems if problems is not None else []
        self.entries = entries if entries is not None else {}
        self.by_name = by_name if by_name is not None else {}
        self.fingerprint = fingerprint
        self.loaded_ns = loaded_ns
        self.others = others  # .toml names in the folder that are not plain files
        self._by_id: dict[str, Item] | None = None
        self._in_id_order: list[Item] | None = None

    def __repr__(self) -> str:
        return (f"Snapshot({str(self.dir)!r}, {len(self.items)} items, "
                f"{len(self.problems)} problems)")

    @property
    def items_dir(self) -> Path:
        return self.dir / ITEMS_DIR

    def by_id(self) -> dict[str, Item]:
        """Items by lower-cased id (built once per snapshot)."""
        if self._by_id is None:
            self._by_id = {item.id.lower(): item for item in self.items}
        return self._by_id

    def in_id_order(self) -> list[Item]:
        """The items sorted by id (once per snapshot: the UI filters this on every key)."""
        if self._in_id_order is None:
            self._in_id_order = sorted(self.items, key=lambda item: item.id_key)
        return self._in_id_order

    def files_state(self) -> tuple[dict[str, item_cache.Stamp], frozenset[str]]:
        """The item files as this read saw them, in the form `files_state()` gives."""
        return {name: stamp for name, (stamp, _, _) in self.entries.items()}, self.others


def parse_text(path: Path | str, text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse TOML text, naming conflict markers and syntax errors with their line."""
    from tui.core.model import locate
    from tui.core.model.validate import check_values
    from tui.core.store import toml_read

    marker = locate.conflict_marker_line(text)
    if marker is not None:
        return None, [Problem(path, marker, "unresolved merge conflict marker: `afi resolve` "
                                            "settles conflicts a sync stopped on; otherwise keep "
                                            "one side by hand, then `git add` the file")]
    try:
        data = toml_read.loads(text)
    except toml_read.TOMLDecodeError as err:
        message = str(err).split(" (at line")[0]
        return None, [Problem(path, locate.parse_error_line(str(err)), f"invalid TOML: {message}")]
    except RecursionError:  # tomllib parses nested arrays recursively
        return None, [Problem(path, locate.deep_nesting_line(text),
                              "values nested too deeply to read")]
    limits = check_values(data)
    if limits:
        where, message = limits[0]
        return None, [Problem(path, locate.line_of(text, where), message)]
    return data, []


def read_text(path: Path | str) -> str:
    """A regular file's text with its line endings as stored ('\\r\\n' stays). A FIFO or
    device is refused (opening one could block forever), and so is a symbolic link."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if err.errno == errno.ELOOP or os.path.islink(path):
            raise NotRegularFile(Path(path), "a symbolic link, not a file: afi does not follow "
                                       "links in a plan (put the file itself here)") from None
        raise
    try:
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(Path(path), "not a regular file (a FIFO, device or folder): "
                                       "remove it from the plan")
        chunks = []
        while chunk := os.read(fd, 1 << 16):  # bytes, decoded once (no text layer)
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8")


def linked_part(root: Path, path: Path) -> Path | None:
    """The first part of `path` at or below `root` (a folder on the way, or the file
    itself) that is a symbolic link; `path` when it is not below `root` at all."""
    for base in (Path(root), Path(os.path.realpath(root))):
        try:
            parts = Path(path).relative_to(base).parts
            break
        except ValueError:
            continue
    else:
        return Path(path)
    here = base
    for part in parts:
        here = here / part
        if os.path.islink(here):
            return here
    return None


def link_message(root: Path, path: Path) -> str | None:
    """Why afi will not read or write `path` through a link, or None. git stores a link
    as a link, so a file reached through one is not the file git commits; and a link can
    point outside the repository."""
    link = linked_part(root, path)
    if link is None:
        return None
    if link == Path(path) and not os.path.islink(link):
        return f"{path} is outside the repository {root}: afi reads and writes only there"
    try:
        target = Path(os.path.realpath(link))
        where = "inside" if target.is_relative_to(Path(os.path.realpath(root))) else "outside"
    except OSError:  # pragma: no cover - a link loop
        target, where = Path(os.readlink(link)), "outside"
    return (f"{link} is a symbolic link to {target} ({where} the repository): afi reads and "
            "writes only plain folders and files in a plan, never through links; put the "
            "folder or file itself there")


class NotRegularFile(OSError):
    """A path in the plan that is not a plain file; its message says what it is."""

    def __init__(self, path: Path, what: str):
        super().__init__(what)
        self.filename = str(path)
        self.strerror = what


def item_problems(path: Path | str, text: str, data: dict[str, Any] | None, config: PlanConfig,
                  check_inspection: bool = True) -> list[Problem]:
    """Validate one parsed item, placing each problem on its line in `text`."""
    from tui.core.model import locate
    from tui.core.model.validate import check_item

    if data is None:
        return []
    stem = os.path.splitext(os.path.basename(path))[0]
    found = check_item(data, stem, config, check_inspection)
    return [Problem(path, locate.line_of(text, key), message) for key, message in found]


def load_config(plan_dir: Path) -> tuple[PlanConfig, list[Problem], bool]:
    """plan.toml as a PlanConfig, its problems, and whether it could be read at all
    (from the cache when the file has not changed)."""
    path = plan_dir / PLAN_FILE
    folder = _cache_folder(plan_dir)
    try:
        stamp = item_cache.stamp_of(os.stat(path))
    except OSError:
        stamp = None
    if stamp is not None and (cached := item_cache.load_config(folder, stamp)) is not None:
        config, found, readable = cached
        return config, [Problem(path, line, message) for line, message in found], readable
    try:
        text = read_text(path)
    except UnicodeDecodeError as err:
        return PlanConfig(title="(unreadable plan.toml)"), [
            Problem(path, 1, f"not UTF-8 text (byte {err.start}): save it as UTF-8")], False
    except OSError as err:
        return PlanConfig(title="(no plan.toml)"), [
            Problem(path, 1, f"cannot read: {err.strerror or err}")], False
    config, problems, readable = config_from_text(path, text)
    if stamp is not None:
        item_cache.save_config(folder, stamp, config,
                               [(p.line, p.message) for p in problems], readable)
    return config, problems, readable


def _cache_folder(plan_dir: Path) -> Path | None:
    if os.environ.get("AFI_NO_CACHE"):
        return None
    git_dir = find_git_dir(plan_dir)
    return item_cache.cache_folder(git_dir, plan_dir) if git_dir is not None else None


def config_from_text(path: Path, text: str) -> tuple[PlanConfig, list[Problem], bool]:
    """plan.toml's text (from disk or from a commit) as a PlanConfig and its problems."""
    from tui.core.model import locate
    from tui.core.model.validate import check_plan

    raw, problems = parse_text(path, text)
    if raw is None:
        return PlanConfig(title="(unreadable plan.toml)"), problems, False
    config, found = check_plan(raw)
    problems += [Problem(path, locate.line_of(text, key), message) for key, message in found]
    return config, problems, True


def _fingerprint(config: PlanConfig, readable: bool) -> str:
    """What item validation depends on in plan.toml: entries made under another are
    validated again."""
    return repr((config.validation_key(), readable))


def load_plan(plan_dir: Path, previous: Snapshot | None = None,
              progress: Progress = NO_PROGRESS) -> Snapshot:
    """Read plan.toml and every afis/*.toml; invalid files are reported, not listed.

    Given the `previous` snapshot of the same folder, files unchanged since then are not
    read again and keep their Item objects (a reload costs a directory scan). `progress`
    hears of the files read (from the first the cache cannot answer for): a warm read
    never calls it."""
    started = time.time_ns()
    config, problems, readable = load_config(plan_dir)
    items_dir = plan_dir / ITEMS_DIR
    fingerprint = _fingerprint(config, readable)
    if previous is not None and previous.fingerprint == fingerprint:
        cache = item_cache.ItemCache(_cache_folder(plan_dir), fingerprint, previous.entries,
                                     previous.loaded_ns)
    else:
        cache = item_cache.ItemCache(_cache_folder(plan_dir), fingerprint)
    reusable = previous.by_name if previous is not None else {}
    names: set[str] = set()
    items: list[Item] = []
    lower_ids: list[str] = []
    by_name: dict[str, Item] = {}
    try:
        if os.path.islink(items_dir):
            raise NotRegularFile(items_dir, link_message(plan_dir, items_dir) or "a link")
        # Sorted so that the first of two duplicate ids is always the same one.
        entries = sorted(os.scandir(items_dir), key=_NAME_OF)
    except NotRegularFile as err:
        entries = []
        problems.append(Problem(items_dir, 1, err.strerror))
    except FileNotFoundError:
        entries = []
    except OSError as err:
        entries = []
        problems.append(Problem(items_dir, 1, f"cannot read the folder: {err.strerror}"))
    cached_entries = cache.entries
    details = _CachedDetails(cache, items_dir)
    others: set[str] = set()
    reading = False
    for entry in entries:
        name = entry.name
        if not name.endswith(".toml"):
            continue
        if not entry.is_file(follow_symlinks=False):  # a link, folder, FIFO or device
            others.add(name)
            kind = ("a symbolic link" if entry.is_symlink() else
                    "a folder" if entry.is_dir(follow_symlinks=False) else "not a regular file")
            problems.append(Problem(Path(entry.path), 1, f"{kind}: afi reads only plain "
                                                         "files here (remove it)"))
            continue
        stamp = item_cache.stamp_of(entry.stat(follow_symlinks=False))
        names.add(name)
        cached = cached_entries.get(name)
        item = None
        if cached is None or cached[0] != stamp:  # an entry is (stamp, listing, problems)
            if not reading:  # the first file the cache cannot answer for: a cold read
                reading = True
                progress.start("Reading items", len(entries) - entries.index(entry))
            progress.advance()
            # The path as a str: only its problems' (line, message) are kept, and making
            # 10,000 Path objects costs a fresh clone's first listing 50 ms.
            data, read_problems = _read_item(entry.path, config, readable)
            if data is not None and not read_problems:
                item = Item(data, entry.path)
            cached = (stamp, item.listing() if item else None,
                      tuple((p.line, p.message) for p in read_problems))
            cache.put(name, cached, item.detail() if item else None)
            if item is not None:
                item.compact()
        _, listing, cached_problems = cached
        if cached_problems:
            problems += [Problem(Path(entry.path), line, message)
                         for line, message in cached_problems]
        elif listing is not None:
            if item is None:  # unchanged since the last read: reuse its Item if we have it
                item = reusable.get(name) if reusable else None
                if item is None or item._listing is not listing:
                    item = Item.from_listing(listing, entry.path, details)
            items.append(item)
            lower_ids.append(listing.lower_id)
            by_name[name] = item
    if reading:
        progress.finish()
    cache.save(names)
    if len(set(lower_ids)) != len(lower_ids):
        items, duplicates = _drop_duplicate_ids(items)
        problems += duplicates
    # Every scanned name has an entry now; the cache may also hold deleted files'.
    kept = cached_entries if len(cached_entries) == len(names) else \
        {name: cached_entries[name] for name in names if name in cached_entries}
    return Snapshot(plan_dir, config, items, problems, kept, by_name, fingerprint, started,
                    frozenset(others))


def files_state(plan_dir: Path) -> tuple[dict[str, item_cache.Stamp], frozenset[str]]:
    """Each item file's stamp, and the .toml names that are not plain files, as
    `load_plan` sees them: compared with `Snapshot.files_state()` to notice a change."""
    stamps: dict[str, item_cache.Stamp] = {}
    others = set()
    try:
        with os.scandir(plan_dir / ITEMS_DIR) as entries:
            for entry in entries:
                name = entry.name
                if not name.endswith(".toml"):
                    continue
                if entry.is_file(follow_symlinks=False):
                    stamps[name] = item_cache.stamp_of(entry.stat(follow_symlinks=False))
                else:  # a link, folder, FIFO or device: a problem load_plan reports
                    others.add(name)
    except OSError:
        pass
    return stamps, frozenset(others)


_NAME_OF = attrgetter("name")  # (C-level: a Python key function costs 100,000 calls)


class _CachedDetails:
    """Fetches a cached item's search text and full data when first needed: from the
    cache's detail file, or, if that was lost or overtaken, from the item's file. One
    per load, shared by its items (the entry a listing came from names its stamp)."""

    __slots__ = ("cache", "items_dir")

    def __init__(self, cache: item_cache.ItemCache, items_dir: Path):
        self.cache, self.items_dir = cache, items_dir

    def __call__(self, name: str) -> tuple[str | None, bytes | None, dict[str, Any] | None]:
        entry = self.cache.entries.get(name)
        found = self.cache.detail(name, entry[0]) if entry is not None else None
        if found is not None:
            return found[0], found[1], None
        path = self.items_dir / name
        try:
            data, _ = parse_text(path, read_text(path))
        except (OSError, UnicodeDecodeError):
            data = None
        return None, None, data


def read_one_item(plan_dir: Path, item_id: str, config: PlanConfig,
                  readable: bool) -> tuple[Item | None, list[Problem]]:
    """Just one item's file (by id, ignoring case): for commands that name one item."""
    items_dir = plan_dir / ITEMS_DIR
    path = items_dir / f"{item_id}.toml"
    if os.path.islink(items_dir):
        return None, [Problem(items_dir, 1, link_message(plan_dir, items_dir) or "a link")]
    if not path.is_file():
        wanted = f"{item_id}.toml".lower()
        try:
            with os.scandir(items_dir) as entries:
                found = next((Path(e.path) for e in entries if e.name.lower() == wanted), None)
        except FileNotFoundError:
            found = None
        if found is None:
            return None, []
        path = found
    data, problems = _read_item(path, config, readable)
    if problems or data is None:
        return None, problems
    return Item(data, path), []


def _read_item(path: Path | str, config: PlanConfig,
               readable: bool) -> tuple[dict[str, Any] | None, list[Problem]]:
    try:
        text = read_text(path)
    except UnicodeDecodeError as err:
        return None, [Problem(path, 1, f"not UTF-8 text (byte {err.start}): save it as UTF-8")]
    except OSError as err:
        return None, [Problem(path, 1, f"cannot read: {err.strerror or err}")]
    data, found = parse_text(path, text)
    return data, found + item_problems(path, text, data, config, check_inspection=readable)


def _drop_duplicate_ids(items: list[Item], read: bool = True) -> tuple[list[Item], list[Problem]]:
    """The first item of each id (ignoring case); the others are problems. `read`: look
    up the id's line in the file (off for files read from git history)."""
    seen: dict[str, Item] = {}
    kept, problems = [], []
    for item in items:
        first = seen.setdefault(item.id.lower(), item)
        if first is item:
            kept.append(item)
        else:
            from tui.core.model import locate

            text = read_text(item.path) if read else ""
            problems.append(Problem(item.path, locate.line_of(text, ("id",)),
                                    f"duplicate id '{item.id}': {first.path.name} already uses "
                                    "it (ids are unique ignoring case)"))
    return kept, problems
