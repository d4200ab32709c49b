"""`Record` (tui/core/model/record.py): a class-style named tuple that is built like one
and unpickles without running Python code per record."""

from __future__ import annotations

import copy
import pickle
import pickletools

import pytest

from tui.core.model.items import Listing
from tui.core.model.record import Record


class Area(Record):
    inspection: str
    name: str
    grade: str = ""

    @property
    def label(self) -> str:
        return f"{self.inspection}: {self.name}"


def test_a_record_is_built_like_a_named_tuple():
    area = Area("PEEL22", "Investigating crime")
    assert area == ("PEEL22", "Investigating crime", "")
    assert (area.inspection, area.name, area.grade) == ("PEEL22", "Investigating crime", "")
    assert Area(name="Vetting", inspection="V1", grade="good").grade == "good"
    assert area.label == "PEEL22: Investigating crime"
    assert area._replace(grade="adequate") == Area("PEEL22", "Investigating crime", "adequate")
    assert type(area._replace(grade="x")) is Area
    assert Area._make(["a", "b", "c"]) == Area("a", "b", "c")
    assert area._asdict() == {"inspection": "PEEL22", "name": "Investigating crime",
                              "grade": ""}
    assert Area._fields == ("inspection", "name", "grade")
    assert repr(area) == "Area(inspection='PEEL22', name='Investigating crime', grade='')"
    match area:
        case Area(inspection, name):
            assert (inspection, name) == ("PEEL22", "Investigating crime")
    with pytest.raises(AttributeError):
        area.extra = 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("args", [("only one",), ("a", "b", "c", "d")])
def test_a_record_refuses_the_wrong_number_of_values(args):
    with pytest.raises(TypeError):
        Area(*args)


def test_a_record_unpickles_through_tuples_own_constructor():
    listing = Listing(("PEEL22-01", "open"), ("PEEL", 22, 1), "peel22-01")
    data = pickle.dumps({"a": listing}, protocol=pickle.HIGHEST_PROTOCOL)
    back = pickle.loads(data)["a"]
    assert back == listing and type(back) is Listing
    assert back.lower_id == "peel22-01"
    assert copy.deepcopy(listing) == listing
    # Unpickling calls the class's own __new__, which must be tuple's (run in C), with
    # the values as one tuple: a named tuple's Python __new__ ran once per record.
    assert Listing.__new__ is tuple.__new__
    assert "NEWOBJ" in {op.name for op, _, _ in pickletools.genops(data)}
