"""CSV import of receptions: the whole file is checked first, errors name their line and column in
French, a bad file writes nothing, and importing the same file again creates nothing."""

from datetime import date

import pytest

from spro.activity.imports import import_csv
from spro.activity.models import Reception
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)
HEADER = "id_externe,date,lieu,mode,sexe,tranche_age,statut,demande,commune,reponse,minutes,personnes"


@pytest.fixture
def site():
    return directory.site("Lieu A")


def csv_file(site, *lines) -> bytes:
    return "\n".join([HEADER, *[line.replace("{site}", str(site.pk)) for line in lines]]).encode()


GOOD = [
    "A-1,2026-11-04,{site},sur-place,femme,18-25,demandeur-emploi,trouver-formation,31555,conseil,15,",
    "A-2,04/11/2026,,telephone,homme,16-17,eleve,orientation-etudes,,information,,",
    "A-3,2026-10-01,{site},evenement,non-precise,moins-de-16,eleve,decouvrir-metiers,,information,,25",
]


def test_a_good_file_is_imported_and_a_second_import_creates_nothing(site):
    report = import_csv(site.structure, csv_file(site, *GOOD), today=TODAY)
    assert report.ok and report.created == 3 and report.skipped == 0
    first = Reception.objects.get(external_id="A-1")
    assert (first.site, first.commune_id, first.minutes, first.date) == (site, "31555", 15, date(2026, 11, 4))
    assert Reception.objects.get(external_id="A-3").people == 25
    again = import_csv(site.structure, csv_file(site, *GOOD), today=TODAY)
    assert again.ok and again.created == 0 and again.skipped == 3
    assert Reception.objects.count() == 3


def test_semicolons_and_a_byte_order_mark_are_read(site):
    content = "\ufeff" + csv_file(site, GOOD[0]).decode().replace(",", ";")
    assert import_csv(site.structure, content.encode(), today=TODAY).created == 1


def test_errors_name_line_and_column_and_nothing_is_written(site):
    lines = [
        GOOD[0],
        "A-2,2026-12-25,{site},sur-place,femme,18-25,eleve,vae,,conseil,,",  # future
        "A-3,2026-11-04,{site},a-pied,femme,18-25,eleve,vae,,conseil,,",  # unknown mode
        "A-1,2026-11-04,999999,sur-place,femme,18-25,eleve,vae,99999,conseil,700,0",  # many errors
    ]
    report = import_csv(site.structure, csv_file(site, *lines), today=TODAY)
    assert not report.ok
    assert "Ligne 3, colonne « date » : la date ne peut pas être dans le futur." in report.errors
    assert any(e.startswith("Ligne 4, colonne « mode » : code « a-pied » inconnu") for e in report.errors)
    assert "Ligne 5, colonne « id_externe » : « A-1 » figure déjà à la ligne 2." in report.errors
    assert any(e.startswith("Ligne 5, colonne « lieu »") for e in report.errors)
    assert any(e.startswith("Ligne 5, colonne « minutes »") for e in report.errors)
    assert any(e.startswith("Ligne 5, colonne « personnes »") for e in report.errors)
    assert not Reception.objects.exists()


def test_an_unknown_commune_writes_nothing(site):
    line = "A-9,2026-11-04,,sur-place,femme,18-25,eleve,vae,99999,conseil,,"
    report = import_csv(site.structure, csv_file(site, GOOD[0], line), today=TODAY)
    assert report.errors == ["Ligne 3, colonne « commune » : code INSEE « 99999 » inconnu."]
    assert not Reception.objects.exists()


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "Le fichier est vide"),
        (b"nom,date\nDupont,2026-01-01", "Ligne 1 : colonne inconnue « nom »"),
        (HEADER.encode(), "aucune ligne d'accueil"),
        ("é".encode("latin-1"), "n'est pas en UTF-8"),
        (b"id_externe\x00,date", "caractère nul"),
    ],
)
def test_unreadable_files_are_refused_in_french(site, content, message):
    report = import_csv(site.structure, content, today=TODAY)
    assert any(message in error for error in report.errors), report.errors
    assert not Reception.objects.exists()


def test_a_name_cannot_enter_through_the_external_id(site):
    line = "Jean Dupont,2026-11-04,,sur-place,femme,18-25,eleve,vae,,conseil,,"
    report = import_csv(site.structure, csv_file(site, line), today=TODAY)
    assert report.errors and report.errors[0].startswith("Ligne 2, colonne « id_externe »")
    assert not Reception.objects.exists()
