"""Dates as UK trackers write them (docs/format.md §11): 31/03/2023, 31/3/23, 31-Mar-23,
31 March 2023, March 2023 and Mar-23 (the last day of that month), Q2 2023 (the end of
that calendar quarter), ISO, spreadsheet date cells and serial numbers. Day first;
two-digit years are 20YY. "TBC", "N/A", "-" are no date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from tui.core.model.items import month_end

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MONTHS = {"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
          "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
          "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
          "nov": 11, "november": 11, "dec": 12, "december": 12}
NO_DATE = frozenset({"", "tbc", "tba", "tbd", "n/a", "na", "n.a.", "n.a", "-", "--", "\u2013",
                     "\u2014", "none", "nil", "not applicable"})
NO_DATE_NOTED = frozenset({"ongoing", "on going", "bau", "business as usual", "continuous",
                           "various", "n/k", "not known", "unknown"})
DATE_FORMS = "31/03/2023, 31-Mar-23, March 2023, Q1 2023 or 2023-03-31"
EXCEL_EPOCH = date(1899, 12, 30)
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TIME)
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME)
_D_MON_Y = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+'?(\d{4}|\d{2})"
                      + _TIME)
_MON_Y = re.compile(r"([a-z]+)\.?[\s-]+'?(\d{4}|\d{2})")
_QUARTER = re.compile(r"q([1-4])[\s/-]*(\d{4}|\d{2})|(\d{4})[\s/-]*q([1-4])")
_FY_QUARTER = re.compile(r"q[1-4][\s/-]*(?:fy)?\s*\d{2,4}\s*[/-]\s*\d{2,4}|fy.*q[1-4]")
_SERIAL = re.compile(r"\d{5}(?:\.0+)?")


class _BadDate(ValueError):
    """A value that is not a date; its text says why (or is empty)."""


def _year(text: str) -> int:
    year = 2000 + int(text) if len(text) == 2 else int(text)
    if not 1950 <= year <= 2150:
        raise _BadDate(f"the year {year}?")
    return year


def _serial(number: float) -> date:
    if not 20000 <= number <= 80000 or number != int(number):  # 1954..2119, whole days
        raise _BadDate("")
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_date(value: Any) -> tuple[date | None, str | None]:
    """A tracker's date: (the date or None, a note when it was read loosely). Raises
    ValueError when the value is not a date (see the module docstring for the forms)."""
    if value is None:
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, bool):
        raise _BadDate("")
    if isinstance(value, int | float):
        return _serial(value), f"Excel date number {value:g} read as {_serial(value)}"
    text = " ".join(str(value).replace("\xa0", " ").split()).lower()
    if text in NO_DATE:
        return None, None
    if text in NO_DATE_NOTED:
        return None, f"'{value}' read as no date"
    try:
        return _parse_date_text(text), None
    except ValueError as error:  # date() out of range: 31/02/2023
        if _SERIAL.fullmatch(text):
            return _serial(float(text)), f"'{value}' read as an Excel date number: " \
                                         f"{_serial(float(text))}"
        raise _BadDate(str(error) if isinstance(error, _BadDate) else "no such date") from None


def _parse_date_text(text: str) -> date:
    text = text.replace(",", " ").strip()
    text = " ".join(text.split())
    if m := _DMY.fullmatch(text):
        return date(_year(m[3]), int(m[2]), int(m[1]))
    if m := _ISO.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if (m := _D_MON_Y.fullmatch(text)) and m[2] in MONTHS:
        return date(_year(m[3]), MONTHS[m[2]], int(m[1]))
    text = re.sub(r"^(?:end of|end|by end of|by the end of)\s+", "", text)
    if (m := _MON_Y.fullmatch(text)) and m[1] in MONTHS:
        return month_end(_year(m[2]), MONTHS[m[1]])
    if m := _QUARTER.fullmatch(text):
        quarter, year = (m[1], m[2]) if m[1] else (m[4], m[3])
        return month_end(_year(year), int(quarter) * 3)
    if _FY_QUARTER.fullmatch(text):
        raise _BadDate("quarters are read as calendar quarters (Q1 = January to March): "
                       "give Q3 2023 or a date")
    raise _BadDate("")


# A date at the start of an update's line, and what separates it from the text.
_A_DATE = (r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|"
           r"\d{1,2}(?:st|nd|rd|th)?[\s-]+[A-Za-z]{3,9}\.?,?[\s-]+(?:\d{4}|\d{2})")
# A date opening an update's line: bracketed, or followed by ':' or a dash, or alone on the
# line ("3 May 2023 to 5 May, ..." is a sentence, not a dated update).
_LEADING_DATE = re.compile(
    rf"\s*(?:[\[(]\s*(?P<bracketed>{_A_DATE})\s*[\])]\s*[:\u2013\u2014-]?\s*|"
    rf"(?P<date>{_A_DATE})(?:\s*[:\u2013\u2014]\s*|\s+-\s*|-\s+|\s*$))")


def leading_date(line: str) -> tuple[date, str] | None:
    """(date, rest of the line) when the line starts with a full date."""
    match = _LEADING_DATE.match(line)
    if not match:
        return None
    try:
        found = match["bracketed"] or match["date"]
        return _parse_date_text(found.lower()), line[match.end():]
    except ValueError:
        return None


