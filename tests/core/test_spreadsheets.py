"""The one formula-safe spreadsheet writer (spro.core.spreadsheets), and no export that bypasses it."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import BadRequest

from spro.core.spreadsheets import csv_writer, safe_cell, table_bytes, table_response

ROOT = Path(__file__).resolve().parent.parent.parent
FORMULAS = ["=1+1", "+33 6 12 34 56 78", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '  =HYPERLINK("x")', "＝1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_it_neutralises_text_that_would_start_a_formula(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Mission Locale", "CIO d'Albi", "", "1 rue de la Paix", "a=b", "Saint-Jean"]
)
def test_it_leaves_other_text_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-1.4437, 43.6, -3, 0, None, True, False])
def test_numbers_and_other_values_stay_as_they_are(value):
    assert safe_cell(value) is value


def test_the_csv_writer_writes_numbers_as_numbers_and_text_as_safe_text():
    buffer = io.StringIO()
    csv_writer(buffer).writerow(["=cmd|' /C calc'!A0", -1.25, "Toulouse", "@lien"])
    assert buffer.getvalue() == "'=cmd|' /C calc'!A0,-1.25,Toulouse,'@lien\r\n"
    row = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert float(row[1]) == -1.25


# Ways of writing a spreadsheet; only spro/core/spreadsheets.py may use them.
WRITERS = re.compile(
    r"csv\.(writer|DictWriter)\b|\bimport (openpyxl|xlsxwriter|odf|pyexcel)|from (openpyxl|xlsxwriter|odf)"
)


def test_every_spreadsheet_is_written_by_the_shared_writer():
    shared = ROOT / "spro" / "core" / "spreadsheets.py"
    wrong = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "spro").rglob("*.py"))
        if path != shared
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if WRITERS.search(line)
    ]
    assert not wrong, (
        "Écrivez les tableurs avec spro.core.spreadsheets.csv_writer / safe_cell :\n" + "\n".join(wrong)
    )


# The downloads of a table in the format a person chooses: CSV, XLSX, ODS, opened back and compared.
HEADERS = ["Structure", "Accueils", "Jour", "Libre"]
ROWS = [
    ["CIO d'Albi", 12, datetime.date(2026, 3, 31), True],
    ['=HYPERLINK("http://x")', -3, None, False],
    ["Mission Locale\x00 nulle\x0b", 4.5, datetime.date(2026, 1, 1), None],
]


def read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_ods(data: bytes) -> list[list]:
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    document = load(io.BytesIO(data))
    rows = []
    for row in document.spreadsheet.getElementsByType(Table)[0].getElementsByType(TableRow):
        cells = []
        for cell in row.getElementsByType(TableCell):
            kind = cell.getAttribute("valuetype")
            if kind == "float":
                cells.append(float(cell.getAttribute("value")))
            elif kind == "date":
                cells.append(datetime.date.fromisoformat(cell.getAttribute("datevalue")))
            elif kind == "string":
                cells.append(str(cell))
            else:
                cells.append(None)
        rows.append(cells)
    return rows


def test_the_xlsx_download_holds_the_same_table_with_formulas_neutralised():
    rows = read_xlsx(table_bytes(HEADERS, ROWS, "xlsx"))
    assert rows[0] == HEADERS
    assert rows[1] == ["CIO d'Albi", 12, datetime.datetime(2026, 3, 31), "oui"]
    assert rows[2] == ['\'=HYPERLINK("http://x")', -3, None, "non"]
    assert rows[3] == ["Mission Locale nulle", 4.5, datetime.datetime(2026, 1, 1), None]


def test_the_ods_download_holds_the_same_table_with_formulas_neutralised():
    rows = read_ods(table_bytes(HEADERS, ROWS, "ods"))
    assert rows[0] == HEADERS
    assert rows[1] == ["CIO d'Albi", 12.0, datetime.date(2026, 3, 31), "oui"]
    assert rows[2] == ['\'=HYPERLINK("http://x")', -3.0, None, "non"]
    assert rows[3] == ["Mission Locale nulle", 4.5, datetime.date(2026, 1, 1), None]


def test_the_csv_download_starts_with_a_byte_order_mark_and_keeps_accents():
    data = table_bytes(HEADERS, ROWS, "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[1] == ["CIO d'Albi", "12", "2026-03-31", "oui"]
    assert rows[2][0] == '\'=HYPERLINK("http://x")'


def test_a_download_is_an_attachment_named_after_its_table():
    response = table_response("membres spro/2026", HEADERS, ROWS, "ods")
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"] == 'attachment; filename="membres-spro-2026.ods"'
    assert read_ods(response.content)[0] == HEADERS


def test_an_unknown_format_is_a_bad_request_in_french():
    with pytest.raises(BadRequest, match="Format « pdf » inconnu"):
        table_response("membres", HEADERS, ROWS, "pdf")


def test_the_export_links_keep_the_page_filters(rf):
    from django.template import Context, Template

    request = rf.get("/region/activite/", {"departement": "81", "format": "csv"})
    html = Template("{% load exports %}{% export_links 'les membres' %}").render(
        Context({"request": request})
    )
    assert html.count("<a ") == 3
    assert 'href="/region/activite/?departement=81&amp;format=xlsx"' in html
    assert 'Télécharger les membres <span class="fr-sr-only">au format</span> LibreOffice (ODS)' in html
