"""The cache of parsed plan files, kept in the git directory (`.git/afi/items-KEY/`).

`afi list` on a warm cache reads no TOML: it stats every file and trusts an entry only
when the file's stamp (mtime, size, inode and ctime) is the one the entry was made from.
An editor can restore a file's size and mtime, but not its ctime, which the system sets
on every write (git's index keys on it too). A file written within RACY_NS of the cache
may change again within the same timestamp tick, so, like git's "racy" entries, it is
always read again.

Each shard is two files, so that a command reads only what it uses: `NN.pickle` holds
what every listing needs, `NN.detail.pickle` the search text and full data, read for a
shard the first time one of its items is shown in full or searched for words. The
records:

- Stamp: (mtime_ns, size, inode, ctime_ns), as os.stat gives them (a plain tuple).
- Listing: Item.listing(), a named record (items.py).
- Entry: (Stamp, Listing or None, problems ((line, message), ...)), unpacked where it is
  read: a valid item has a listing and no problems; an invalid one, problems and no
  listing. A plain tuple: one more named record per item cost a warm listing of 10,000
  items 2 ms of unpickling (docs/benchmarks.md).
- Detail: (Stamp, search text, pickled data), from Item.detail(). A detail is used only
  with the stamp of its entry: the two files of a shard are written one after the other.
- plan.toml is kept as (Stamp, PlanConfig, [(line, message), ...], readable).

Every shard names the cache's VERSION, made from the layout above and the stamps of the
modules that decide what is cached (validation, the schema, the item model), so a new or
edited afi never trusts a cache an older one wrote.
"""

from __future__ import annotations

import os
import time
import zlib
from pathlib import Path

from tui.core.model.items import DETAIL_LAYOUT, INDEX_KEYS, LISTING_LAYOUT, Listing, PlanConfig
from tui.core.store.cache_files import load_part, load_pickle, save_pickle

TYPE_CHECKING = False
if TYPE_CHECKING:

    Stamp = tuple[int, int, int, int]
    Detail = tuple[Stamp, str, bytes]  # (stamp, search text, pickled data)
    ConfigEntry = tuple[PlanConfig, list[tuple[int, str]], bool]
    # What the cache knows of one item file, as it was at its stamp.
    Entry = tuple[Stamp, Listing | None, tuple[tuple[int, str], ...]]


RACY_NS = 2_000_000_000
SHARDS = 16  # a change to one item rewrites one small shard, not the whole cache
# What decides the cached content: parsing and its limits, validation, the schema, the
# item model and its record, line numbers in messages, this module.
_DECIDING_MODULES = ("store/reading.py", "model/validate.py", "model/schema.py",
                     "model/items.py", "model/record.py", "model/locate.py",
                     "store/item_cache.py")  # under tui/core


def cache_version(index_keys: tuple[str, ...]) -> str:
    """The cache's format and content version (compared whole, never hashed)."""
    here = Path(__file__).parent.parent
    code: list[tuple[str, int | None, int | None]] = []
    for name in _DECIDING_MODULES:
        try:
            stat = os.stat(here / name)
            code.append((name, stat.st_mtime_ns, stat.st_size))
        except OSError:
            code.append((name, None, None))
    layout = ("stamp: mtime_ns, size, inode, ctime_ns",
              "entry: stamp, listing, problems",
              LISTING_LAYOUT, "detail: stamp, ...", DETAIL_LAYOUT, index_keys,
              "plan: stamp, config, problems, readable",
              PlanConfig._fields)
    return repr((layout, code))


VERSION = cache_version(INDEX_KEYS)


def stamp_of(stat: os.stat_result) -> Stamp:
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)


def cache_folder(git_dir: Path, plan_dir: Path) -> Path:
    """One folder per plan in the repository (a crc of its path: a name, not a check)."""
    return git_dir / "afi" / f"items-{zlib.crc32(str(plan_dir).encode()):08x}"


class ItemCache:
    """The item files' entries, read from SHARDS pickles by a crc of the file name; their
    details are read per shard on first use."""

    def __init__(self, folder: Path | None, fingerprint: str,
                 previous_entries: dict[str, Entry] | None = None, previous_ns: int = 0):
        self.folder = folder
        self.entries: dict[str, Entry] = {}
        self.dirty: set[int] = set()  # shards to write
        self.fingerprint = fingerprint
        self.started = time.time_ns()
        self._details: dict[int, dict[str, Detail]] = {}  # shards read so far
        self._fresh: dict[str, Detail] = {}  # details of files read in this run
        if previous_entries is not None:
            # A reload in a long-running process: what it read last time is the cache.
            self.entries = self._trusted(previous_entries, previous_ns)
            return
        if folder is None:
            return
        for shard in range(SHARDS):
            stored = load_pickle(folder / f"{shard:02d}.pickle")
            if isinstance(stored, dict) and stored.get("version") == VERSION \
                    and stored.get("config") == fingerprint:
                self.entries.update(stored["entries"])  # only trusted ones are stored
            else:
                self.dirty.add(shard)

    @staticmethod
    def _trusted(entries: dict[str, Entry], written_ns: int) -> dict[str, Entry]:
        """Entries whose file was not modified just before they were read (racy ones may
        have changed again within the same timestamp tick)."""
        return {name: (stamp, listing, problems)
                for name, (stamp, listing, problems) in entries.items()
                if max(stamp[0], stamp[3]) < written_ns - RACY_NS}

    @staticmethod
    def shard(name: str) -> int:
        return zlib.crc32(name.encode()) % SHARDS

    def get(self, name: str, stamp: Stamp) -> Entry | None:
        entry = self.entries.get(name)
        return entry if entry is not None and entry[0] == stamp else None  # (stamp, ...)

    def put(self, name: str, entry: Entry, detail: tuple[str, bytes] | None) -> None:
        """A file read in this run: its entry, and its (search text, pickled data)."""
        self.entries[name] = entry
        stamp = entry[0]
        if detail is not None:
            self._fresh[name] = (stamp, *detail)
        if max(stamp[0], stamp[3]) < self.started - RACY_NS:
            # A file changed in the last moments would be distrusted when read back:
            # rewriting its shard for it would only repeat on every run until it ages.
            self.dirty.add(self.shard(name))

    def detail(self, name: str, stamp: Stamp) -> tuple[str, bytes] | None:
        """(search text, pickled data) of the file as it was at `stamp`, if cached."""
        found = self._fresh.get(name) or self._shard_details(self.shard(name)).get(name)
        return found[1:] if found is not None and found[0] == stamp else None

    def _shard_details(self, shard: int) -> dict[str, Detail]:
        details = self._details.get(shard)
        if details is None:
            details = load_part(self.folder / f"{shard:02d}.detail.pickle"
                                if self.folder is not None else None, VERSION, "details")
            self._details[shard] = details
        return details

    def save(self, names: set[str]) -> None:
        if self.folder is None:
            return
        for gone in set(self.entries) - names:  # deleted files leave their shard
            self.dirty.add(self.shard(gone))
        if not self.dirty:
            return
        shards: dict[int, tuple[dict[str, Entry], dict[str, Detail]]] = {
            n: ({}, {}) for n in self.dirty}
        for name in names:
            n = self.shard(name)
            if n not in shards or name not in self.entries:
                continue
            entry = self.entries[name]
            stamp, listing, _ = entry
            if listing is not None:
                detail = self.detail(name, stamp)
                if detail is None:
                    continue  # its detail was lost: the file is read again next time
                shards[n][1][name] = (stamp, *detail)
            shards[n][0][name] = entry
        for n, (entries, details) in shards.items():
            # Details first: a reader that sees the new entries finds their details, and
            # one that sees old entries with new details finds stamps that do not match.
            written = time.time_ns()
            # Racy entries are not stored (they would be distrusted when read), so that
            # reading trusts a shard whole: 100,000 checks cost every listing 0.1 s.
            limit = written - RACY_NS
            entries = {name: (stamp, listing, problems)
                       for name, (stamp, listing, problems) in entries.items()
                       if stamp[0] < limit and stamp[3] < limit}
            save_pickle(self.folder / f"{n:02d}.detail.pickle",
                        {"version": VERSION, "details": details})
            save_pickle(self.folder / f"{n:02d}.pickle",
                        {"version": VERSION, "config": self.fingerprint,
                         "written": written, "entries": entries})


def load_config(folder: Path | None, stamp: Stamp) -> ConfigEntry | None:
    """plan.toml's (PlanConfig, [(line, message)], readable) if cached for this stamp."""
    if folder is None:
        return None
    stored = load_pickle(folder / "plan.pickle")
    if not isinstance(stored, dict) or stored.get("version") != VERSION:
        return None
    entry = stored.get("entry")
    if not isinstance(entry, tuple) or len(entry) != 4 or entry[0] != stamp \
            or max(stamp[0], stamp[3]) >= stored.get("written", 0) - RACY_NS:
        return None
    return entry[1:]


def save_config(folder: Path | None, stamp: Stamp, config: PlanConfig,
                problems: list[tuple[int, str]], readable: bool) -> None:
    if folder is None or max(stamp[0], stamp[3]) >= time.time_ns() - RACY_NS:
        return  # racy: it would not be trusted when read back
    save_pickle(folder / "plan.pickle", {"version": VERSION, "written": time.time_ns(),
                                         "entry": (stamp, config, problems, readable)})
