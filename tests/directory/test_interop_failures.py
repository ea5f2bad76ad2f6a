"""Malformed data·inclusion files: a French message naming item and field, exit code 2, nothing written."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spro.directory.models import ChangeRecord, Site, Structure

pytestmark = pytest.mark.django_db


def good(index=1, **changes):
    item = {
        "source": "test",
        "id": f"test--{index}",
        "nom": f"Lieu numéro {index}",
        "date_maj": "2025-01-15",
        "code_insee": "31555",
        "code_postal": "31000",
        "adresse": "1 place du Capitole",
        "spro": {"reseau": "cio"},
    }
    item.update(changes)
    return item


def refused(tmp_path, content, name="structures.json") -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import-data-inclusion", str(tmp_path))
    assert error.value.returncode == 2
    assert not Structure.objects.exists() and not Site.objects.exists() and not ChangeRecord.objects.exists()
    return str(error.value)


def test_a_truncated_file_is_refused(tmp_path):
    text = json.dumps([good(1), good(2)])
    message = refused(tmp_path, text[: len(text) // 2])
    assert "structures.json : JSON invalide ligne 1" in message and "tronqué" in message


def test_a_latin1_file_is_refused(tmp_path):
    message = refused(
        tmp_path, json.dumps([good(nom="Maison de l'Égalité")], ensure_ascii=False).encode("latin-1")
    )
    assert "n'est pas encodé en UTF-8" in message


def test_a_file_that_is_not_a_list_is_refused(tmp_path):
    assert "doit contenir une liste" in refused(tmp_path, {"structures": []})


def test_wrong_types_name_the_item_and_the_field(tmp_path):
    message = refused(tmp_path, [good(1), good(2, nom=12, latitude="nord", longitude=1.4), "texte"])
    assert (
        "élément d'indice 1 (id « test--2 »), champ « nom » : doit être une chaîne de caractères" in message
    )
    assert "champ « latitude » : doit être un nombre" in message
    assert "élément d'indice 2 : doit être un objet JSON" in message


def test_missing_fields_and_bad_dates_are_explained(tmp_path):
    item = good(1, date_maj="2025-13-45")
    del item["nom"]
    message = refused(tmp_path, [item])
    assert "champ « nom » : champ obligatoire absent" in message
    assert "champ « date_maj » : date invalide (format attendu : AAAA-MM-JJ)" in message


def test_duplicate_ids_are_refused(tmp_path):
    message = refused(tmp_path, [good(1), good(1)])
    where = "élément d'indice 1 (id « test--1 »), champ « id » : "
    assert where + "identifiant « test--1 » en double (déjà à l'indice 0)" in message


def test_huge_values_are_refused(tmp_path):
    message = refused(
        tmp_path,
        [
            good(1, nom="x" * 100_000),
            good(2, adresse="rue " * 100_000),
            good(3, latitude=1e300, longitude=1e300),
        ],
    )
    assert "champ « nom » : trop long (150 caractères au plus)" in message
    assert (
        "élément d'indice 1 (id « test--2 »), champ « adresse » : trop long (255 caractères au plus)"
        in message
    )
    assert "coordonnées hors limites" in message


def test_a_huge_number_literal_is_refused(tmp_path):
    assert "JSON illisible" in refused(tmp_path, '[{"latitude": ' + "9" * 5000 + "}]")


def test_spro_rules_are_checked_too(tmp_path):
    message = refused(
        tmp_path,
        [
            good(1, siret="13000548100011"),
            good(2, code_insee="99999", code_postal="99999"),
            good(3, horaires_accueil="tous les jours"),
            good(4, spro={"reseau": "inconnu"}),
            good(5, spro={"reseau": "cio", "modes_accueil": ["pigeon-voyageur"]}),
            good(6, telephone="12"),
        ],
    )
    assert (
        "élément d'indice 0 (id « test--1 »), champ « siret » : Ce numéro SIRET n'est pas valide" in message
    )
    assert "élément d'indice 1 (id « test--2 »), champ « code_insee » : commune introuvable" in message
    assert "champ « horaires_accueil » : horaires au format OpenStreetMap invalides" in message
    assert "champ « spro.reseau » : réseau spro inconnu « inconnu »" in message
    assert "champ « spro.modes_accueil » : code inconnu : pigeon-voyageur" in message
    assert "champ « telephone » : Saisissez un numéro de téléphone valide : 10 chiffres" in message


def test_a_service_of_an_unknown_structure_is_refused(tmp_path):
    (tmp_path / "structures.json").write_text(json.dumps([good(1)]), encoding="utf-8")
    service = {
        "source": "test",
        "structure_id": "test--absent",
        "id": "test--s1",
        "nom": "Accueil",
        "description": "Premier accueil.",
        "date_maj": "2025-01-15",
    }
    message = refused(tmp_path, [service], name="services.json")
    where = "services.json, élément d'indice 0 (id « test--s1 »), champ « structure_id » : "
    assert where + "structure « test--absent » inconnue" in message


def test_one_invalid_item_among_valid_ones_writes_nothing(tmp_path):
    refused(tmp_path, [good(i) for i in range(20)] + [good(99, code_postal="ABCDE")])


def test_a_missing_path_is_explained(tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import-data-inclusion", str(tmp_path / "absent"))


def test_the_schemas_own_french_messages_are_kept(tmp_path):
    message = refused(tmp_path, [good(1, date_maj="2999-01-01")])
    assert (
        "champ « date_maj » : La date de dernière modification ne peut pas être dans le futur.\n"
        in message + "\n"
    )
    assert ".." not in message
