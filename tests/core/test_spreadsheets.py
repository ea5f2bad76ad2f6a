"""The one formula-safe spreadsheet writer (spro.core.spreadsheets), and no export that bypasses it."""

import csv
import io
import re
from pathlib import Path

import pytest

from spro.core.spreadsheets import csv_writer, safe_cell

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
