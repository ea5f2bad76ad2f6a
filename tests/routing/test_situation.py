"""Reading a situation: every field optional; unknown fields, codes and wrong types refused in French."""

import pytest

from spro.routing.situation import SituationError, parse_situation


def error_of(data, **kwargs) -> SituationError:
    with pytest.raises(SituationError) as caught:
        parse_situation(data, **kwargs)
    return caught.value


def test_it_accepts_an_empty_situation():
    assert parse_situation({}) == {}


def test_it_keeps_given_fields_and_drops_nulls():
    data = {"age": 17, "statut": "eleve", "rqth": False, "besoin": None, "commune": "2a004"}
    assert parse_situation(data) == {"age": 17, "statut": "eleve", "rqth": False, "commune": "2A004"}


def test_it_accepts_a_whole_float_as_an_integer():
    assert parse_situation({"age": 45.0}) == {"age": 45}


def test_it_names_the_field_and_lists_the_possible_values_for_an_unknown_code():
    error = error_of({"statut": "chomeur"})
    assert error.field == "statut"
    assert str(error).startswith("Champ « statut » : valeur « chomeur » inconnue. Valeurs possibles : eleve,")
    assert "demandeur-emploi" in str(error)


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"age": "dix-sept"}, "age", "un nombre entier est attendu, pas un texte"),
        ({"age": True}, "age", "un nombre entier est attendu, pas un booléen"),
        ({"age": 17.5}, "age", "un nombre entier est attendu"),
        ({"age": 130}, "age", "doit être comprise entre 0 et 120"),
        ({"mois_hors_ecole": -1}, "mois_hors_ecole", "doit être comprise entre 0"),
        ({"rqth": "oui"}, "rqth", "true ou false est attendu, pas un texte"),
        ({"besoin": 3}, "besoin", "un texte est attendu, pas un nombre"),
        ({"secteur": ["commerce"]}, "secteur", "un texte est attendu, pas une liste"),
        ({"commune": "Toulouse"}, "commune", "n'est pas un code INSEE"),
        ({"situation": "x"}, "situation", "champ inconnu"),
        ({"statut": ""}, "statut", "valeur «  » inconnue"),
    ],
)
def test_it_refuses_wrong_types_and_values_in_french(data, field, words):
    error = error_of(data)
    assert error.field == field
    assert words in str(error)


def test_it_checks_the_first_door_against_the_known_networks():
    assert parse_situation({"premiere_porte": "cio"}, network_codes={"cio"}) == {"premiere_porte": "cio"}
    error = error_of({"premiere_porte": "pole-emploi"}, network_codes={"cio", "france-travail"})
    assert "réseau « pole-emploi » inconnu. Valeurs possibles : cio, france-travail." in str(error)


def test_it_refuses_what_is_not_an_object():
    assert "une situation doit être un objet JSON, pas une liste" in str(error_of([1]))


def test_it_tells_the_index_in_a_list():
    error = error_of({"sexe": "f"}).at(3)
    assert error.index == 3
    assert str(error).startswith("Situation d'indice 3 (n° 4) — Champ « sexe » : valeur « f » inconnue.")
