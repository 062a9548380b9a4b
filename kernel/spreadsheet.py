"""CSV for spreadsheets: every CSV the project writes goes through `csv_lines`, so a cell that
Excel, LibreOffice or Google Sheets would run as a formula reaches them as plain text.

Customers choose their own names (and, through bots and agents, tags and inbox names carry
text from outside), so any text cell may start with `=`, `+`, `-` or `@`; a spreadsheet then
runs it (HYPERLINK can send other cells of the row to any address). Such a cell gets a leading
apostrophe, which spreadsheets show as text and do not display."""

import csv
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@")
# Tab, CR and LF before a formula are dropped by some spreadsheets on import, so a cell that
# starts with one is defused whatever follows.
CONTROL_START = ("\t", "\r", "\n")
# Digits, spaces, brackets and hyphens with an optional leading plus: a phone number. A
# spreadsheet may compute it (`+31-6` is a subtraction) but it can name no function or cell,
# so it is left as the number people expect to see and to import again.
PHONE_LIKE = re.compile(r"^\+?[\d ()-]+$")


def spreadsheet_cell(value):
    """The value as a spreadsheet should read it: numbers we write as numbers stay numbers,
    text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    if text.startswith(CONTROL_START):
        return "'" + text
    if text.lstrip().startswith(FORMULA_START) and not PHONE_LIKE.match(text):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, for StreamingHttpResponse."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """One CSV line per row (header included), every cell made safe for spreadsheets."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([spreadsheet_cell(cell) for cell in row])
