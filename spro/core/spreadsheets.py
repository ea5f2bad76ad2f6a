"""The one writer of spreadsheet files (CSV, XLSX and ODS): every cell is formula-safe.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, LibreOffice or Google Sheets, so a site named `=HYPERLINK(…)` would run in the spreadsheet of
the Région agent who opens the export. Following OWASP ("CSV Injection"), such a text cell is written
with a leading `'`, which spreadsheets show as text and do not display. Numbers stay numbers: a
negative longitude written as a float is a number, not a formula.

Every export writes its rows through `csv_writer()`, or, for a table a person downloads in the format
they choose, through `table_response()` (CSV, XLSX by openpyxl, ODS by odfpy):
`tests/core/test_spreadsheets.py` fails when code writes a spreadsheet any other way.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from django.core.exceptions import BadRequest
from django.http import HttpResponse

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


# The formats a person may download a table in: (media type, file extension, French name for a link).
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv", "CSV"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel (XLSX)"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods", "LibreOffice (ODS)"),
}
# Characters XML 1.0 cannot hold (both XLSX and ODS are XML): dropped from text cells.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class UnknownFormat(BadRequest):
    """A format other than those of FORMATS: Django answers 400 through spro's French error page."""


def _cell(value):
    """A cell for XLSX/ODS: formula-safe text without characters XML refuses; numbers, dates, None kept."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float, Decimal, datetime.date)) or value is None:
        return value
    return _NOT_XML.sub("", str(safe_cell(str(value))))


def _csv_bytes(headers, rows) -> bytes:
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["oui" if v is True else "non" if v is False else v for v in row])
    # With a byte order mark, spreadsheets open the UTF-8 file with its accents intact.
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def _xlsx_bytes(headers, rows, sheet_title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = sheet_title[:31]
    sheet.append([_cell(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = []
        for value in row:
            value = _cell(value)
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # XLSX has no time zones; the text says Europe/Paris
            values.append(value)
        sheet.append(values)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods_bytes(headers, rows, sheet_title: str) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet_title[:31])

    def add_row(values):
        row = TableRow()
        for value in values:
            value = _cell(value)
            if value is None:
                row.addElement(TableCell())
            elif isinstance(value, (int, float, Decimal)):
                cell = TableCell(valuetype="float", value=str(value))
                cell.addElement(P(text=str(value)))
                row.addElement(cell)
            elif isinstance(value, datetime.date):
                day = (
                    value.isoformat()
                    if not isinstance(value, datetime.datetime)
                    else value.date().isoformat()
                )
                cell = TableCell(valuetype="date", datevalue=day)
                cell.addElement(P(text=day))
                row.addElement(cell)
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                row.addElement(cell)
        table.addElement(row)

    add_row(headers)
    for row in rows:
        add_row(row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def table_bytes(headers, rows, fmt: str, sheet_title: str = "Données") -> bytes:
    """The table (`headers`, then `rows`, each a sequence of cells) as a file in `fmt` (csv, xlsx, ods)."""
    if fmt == "csv":
        return _csv_bytes(headers, rows)
    if fmt == "xlsx":
        return _xlsx_bytes(headers, rows, sheet_title)
    if fmt == "ods":
        return _ods_bytes(headers, rows, sheet_title)
    raise UnknownFormat(f"Format « {fmt} » inconnu : choisissez csv, xlsx ou ods.")


def table_response(filename_stem: str, headers, rows, fmt: str, sheet_title: str = "Données") -> HttpResponse:
    """An HTTP download of the table in `fmt`, named `<filename_stem>.<ext>`. An unknown format raises
    UnknownFormat before anything is computed: a French 400 page (`{% export_links %}` makes the links)."""
    if fmt not in FORMATS:
        raise UnknownFormat(f"Format « {fmt} » inconnu : choisissez csv, xlsx ou ods.")
    media_type, extension, _label = FORMATS[fmt]
    response = HttpResponse(table_bytes(headers, rows, fmt, sheet_title), content_type=media_type)
    safe_stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", filename_stem).strip("-") or "export"
    response["Content-Disposition"] = f'attachment; filename="{safe_stem}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
