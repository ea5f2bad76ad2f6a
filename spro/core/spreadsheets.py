"""The one writer of spreadsheet files (CSV today; XLSX or ODS tomorrow): every cell is formula-safe.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, LibreOffice or Google Sheets, so a site named `=HYPERLINK(…)` would run in the spreadsheet of
the Région agent who opens the export. Following OWASP ("CSV Injection"), such a text cell is written
with a leading `'`, which spreadsheets show as text and do not display. Numbers stay numbers: a
negative longitude written as a float is a number, not a formula.

Every export writes its rows through `csv_writer()` (or, for another format, passes each cell through
`safe_cell()`): `tests/core/test_spreadsheets.py` fails when code writes CSV any other way.
"""

import csv

# The characters that start a formula, and their full-width forms that some spreadsheets convert.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Leading characters spreadsheets skip before looking for a formula.
SKIPPED = " \u00a0\x0b\x0c"


def safe_cell(value):
    """`value` as a spreadsheet may read it without running anything: text that could start a formula
    gets a leading `'`; numbers, booleans, dates and None are returned as they are."""
    if isinstance(value, str) and value.lstrip(SKIPPED).startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


class CsvWriter:
    """`csv.writer` whose every row goes through `safe_row` (CRLF line ends, RFC 4180)."""

    def __init__(self, stream, **options):
        options.setdefault("lineterminator", "\r\n")
        self._writer = csv.writer(stream, **options)

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **options) -> CsvWriter:
    """The CSV writer of every export: `csv_writer(stream).writerow([...])`."""
    return CsvWriter(stream, **options)
