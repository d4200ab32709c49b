"""`Record`: a typed, slotted, immutable record declared once, as a class.

    class Area(Record):
        inspection: str
        name: str
        grade: str = ""

For mypy, `Record` is `typing.NamedTuple`. At run time it is a small maker of
`collections.namedtuple`s from the class's annotations (kept as strings: every module
here has `from __future__ import annotations`), so that the warm `afi list` never
imports `typing` (2 ms at start). The made class acts as a named tuple, with the class's
methods and properties on it: it pickles by its module and name.

Unpickling a named tuple runs its Python `__new__` once per record: 10,000 cached
listings took 2.5 ms longer to read than plain tuples (docs/benchmarks.md, "not kept"). So the made
class is a tuple subclass with the named tuple's members but tuple's own `__new__`,
which unpickling calls (in C) with the values as one tuple, and `Area(...)` is answered
by the class's type with the named tuple's constructor.
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    _NOT_COPIED = frozenset({"__module__", "__qualname__", "__annotations__", "__slots__"})

    class _Constructed(type):
        """The type of a made record: calling the class builds through the named tuple's
        `__new__` (defaults, keywords, the count of values); unpickling calls the
        class's own, which is tuple's, in C."""

        def __call__(cls, *args, **kwargs):
            return cls._construct(cls, *args, **kwargs)

    def _getnewargs(self):
        return (tuple(self),)

    # A class that defines `__new__`, even as tuple's, is built through a lookup and a
    # call per record: the named tuple's members are copied onto a plain tuple subclass.
    _NOT_TAKEN = frozenset({"__new__", "__getnewargs__", "__module__"})

    class _RecordMaker(type):
        def __new__(mcls, name, bases, namespace):
            if not bases:  # Record itself
                return super().__new__(mcls, name, bases, namespace)
            fields = list(namespace.get("__annotations__", {}))
            named = namedtuple(name, fields,
                               defaults=[namespace[f] for f in fields if f in namespace])
            members = {key: value for key, value in named.__dict__.items()
                       if key not in _NOT_TAKEN}
            members.update((key, value) for key, value in namespace.items()
                           if key not in _NOT_COPIED and key not in fields)
            return _Constructed(name, (tuple,), {
                **members, "__slots__": (), "__module__": namespace["__module__"],
                "__qualname__": namespace["__qualname__"],
                "_construct": staticmethod(named.__new__), "__getnewargs__": _getnewargs})

    class Record(metaclass=_RecordMaker):
        pass

__all__ = ["Record"]
