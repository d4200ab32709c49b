"""`Record`: a typed, slotted, immutable record declared once, as a class.

    class Area(Record):
        inspection: str
        name: str
        grade: str = ""

For mypy, `Record` is `typing.NamedTuple`. At run time it is a small maker of
`collections.namedtuple`s from the class's annotations (kept as strings: every module
here has `from __future__ import annotations`), so that the warm `afi list` never
imports `typing` (2 ms at start). The made class is the named tuple itself, with the
class's methods and properties on it: it pickles by its module and name.
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    _NOT_COPIED = frozenset({"__module__", "__qualname__", "__annotations__", "__slots__"})

    class _RecordMaker(type):
        def __new__(mcls, name, bases, namespace):
            if not bases:  # Record itself
                return super().__new__(mcls, name, bases, namespace)
            fields = list(namespace.get("__annotations__", {}))
            record = namedtuple(name, fields, module=namespace["__module__"],
                                defaults=[namespace[f] for f in fields if f in namespace])
            record.__qualname__ = namespace["__qualname__"]
            for key, value in namespace.items():
                if key not in _NOT_COPIED and key not in fields:
                    setattr(record, key, value)
            return record

    class Record(metaclass=_RecordMaker):
        pass

__all__ = ["Record"]
