"""Commune lookup shared by the portal and the API: names accent- and case-insensitive, postal codes."""

import pytest

from spro.territories.lookup import commune_label, find_commune, get_commune, normalize, search_communes

pytestmark = pytest.mark.django_db


def codes(query, limit=5):
    return [c.code for c in search_communes(query, limit=limit)]


def test_normalize_removes_accents_case_and_punctuation_and_expands_saint():
    assert normalize("SAINT-ÉTIENNE") == "saint etienne"
    assert normalize("St-Nazaire") == "saint nazaire"
    assert normalize("  L'Haÿ-les-Roses ") == "l hay les roses"


@pytest.mark.parametrize(
    "query, first",
    [
        ("saint etienne", "42218"),
        ("Saint-Étienne", "42218"),
        ("SAINT ETIENNE", "42218"),
        ("st etienne", "42218"),
        ("st nazaire", "44184"),
        ("toulouse", "31555"),
        ("31000", "31555"),
        ("75011", "75056"),
        ("13001", "13055"),  # Marseille 1er, the postal code, before the INSEE code 13001
        ("20000", "2A004"),
        ("97400", "97411"),
        ("2b033", "2B033"),
    ],
)
def test_the_best_match_comes_first(query, first):
    assert codes(query)[0] == first


def test_a_postal_code_prefix_lists_the_biggest_communes_first():
    found = search_communes("310", limit=5)
    assert found[0].code == "31555"
    assert all(any(p.startswith("310") for p in c.postal_code_list) for c in found)


def test_a_word_inside_the_name_matches():
    assert "42218" in codes("etienne", limit=50)


def test_unknown_queries_give_an_empty_list():
    assert search_communes("zzzzqx") == []
    assert search_communes("99999") == []
    assert search_communes("") == []
    assert search_communes("   ") == []
    assert search_communes("%_") == []


def test_limit_is_respected_and_each_commune_appears_once():
    found = codes("31", limit=10)
    assert len(found) == 10
    assert len(set(found)) == 10


def test_get_commune_by_insee_code():
    assert get_commune("2a004").name == "Ajaccio"
    assert get_commune("00000") is None


@pytest.mark.parametrize(
    "text, code",
    [
        ("31555", "31555"),  # the INSEE code the combobox sends
        ("2a004", "2A004"),
        ("Toulouse (31)", "31555"),  # the label it shows
        ("toulouse(31)", "31555"),
        ("Ajaccio (2A)", "2A004"),
        ("Saint-Étienne (42)", "42218"),
        ("toulouse", "31555"),
        ("31000", "31555"),
    ],
)
def test_find_commune_understands_what_the_commune_field_sends(text, code):
    assert find_commune(text).code == code


def test_find_commune_finds_nothing_in_an_unknown_or_too_short_text():
    assert find_commune("Zzyzxville (31)") is None
    assert find_commune("t") is None
    assert find_commune("") is None


def test_the_label_of_a_commune_is_its_name_and_departement():
    assert commune_label(get_commune("31555")) == "Toulouse (31)"
