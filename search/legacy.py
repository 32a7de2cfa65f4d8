"""Reading legacy minutes files: meeting date and title from file name and text.

Pure functions, so the import command stays a thin loop and the rules are testable alone.
"""

from __future__ import annotations

import datetime
import re
from pathlib import PurePath

MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5,
    "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
    "dezember": 12,
}
_YMD = re.compile(r"(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[._-](\d{1,2})[._-](\d{4})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_MONTH_NAME = re.compile(
    r"(?<!\d)(\d{1,2})\.\s*(" + "|".join(MONTHS) + r")\s+(\d{4})(?!\d)", re.IGNORECASE
)
CONTENT_DATE_WINDOW = 3000
MAX_TITLE_LENGTH = 200


def _valid(year: int, month: int, day: int) -> datetime.date | None:
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return None
    if not 1990 <= date.year <= datetime.date.today().year + 1:
        return None
    return date


def date_from_name(filename: str) -> datetime.date | None:
    """2023-05-17, 2023_05_17, 17.05.2023, 17-05-2023 or 20230517 in the file name."""
    stem = PurePath(filename).stem
    for match in _YMD.finditer(stem):
        if date := _valid(int(match[1]), int(match[2]), int(match[3])):
            return date
    for match in _DMY.finditer(stem):
        if date := _valid(int(match[3]), int(match[2]), int(match[1])):
            return date
    for match in _COMPACT.finditer(stem):
        if date := _valid(int(match[1]), int(match[2]), int(match[3])):
            return date
    return None


def date_from_text(text: str) -> datetime.date | None:
    """The first date near the top of the text: 17.05.2023, 2023-05-17 or 17. Mai 2023."""
    head = text[:CONTENT_DATE_WINDOW]
    found: list[tuple[int, datetime.date]] = []
    for match in _DMY.finditer(head):
        if date := _valid(int(match[3]), int(match[2]), int(match[1])):
            found.append((match.start(), date))
    for match in _YMD.finditer(head):
        if date := _valid(int(match[1]), int(match[2]), int(match[3])):
            found.append((match.start(), date))
    for match in _MONTH_NAME.finditer(head):
        if date := _valid(int(match[3]), MONTHS[match[2].lower()], int(match[1])):
            found.append((match.start(), date))
    return min(found)[1] if found else None


def title_from(text: str, filename: str) -> str:
    """The first heading or line of the text; the file name when the text has none."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if len(line) >= 3:
            if len(line) <= MAX_TITLE_LENGTH:
                return line
            break
    stem = PurePath(filename).stem
    title = " ".join(re.sub(r"[_\-]+", " ", stem).split())
    return (title[:1].upper() + title[1:])[:MAX_TITLE_LENGTH] or "Protokoll"
