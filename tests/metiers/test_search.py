"""Search over the 13,120 real job titles: accents, case, plural, typos, several words."""

import pytest

from spro.metiers.search import find_occupation, search, words

pytestmark = pytest.mark.django_db


def labels(query, limit=5):
    return [t.label for t in search(query, limit=limit).titles]


def codes(query, limit=5):
    return {t.occupation.code for t in search(query, limit=limit).titles}


def test_words_are_normalised_like_the_titles():
    assert words("Boulangère / Pâtissières") == ["boulangere", "patissiere"]
    assert words("CHEF D'ŒUVRE") == ["chef", "d", "oeuvre"]


@pytest.mark.parametrize("query", ["boulanger", "Boulangère", "BOULANGERE", "boulangers", "  boulanger  "])
def test_accents_case_and_plural_do_not_matter(rome, query):
    assert labels(query)[0] == "Boulanger / Boulangère"


def test_the_title_starting_with_the_word_comes_first(rome):
    found = labels("infirmier", limit=10)
    assert all(label.startswith("Infirmier") for label in found[:5])


def test_several_words_each_start_a_word_of_the_title(rome):
    found = labels("mecanicien auto")
    assert found and all("Mécanicien" in label and "auto" in label.lower() for label in found)
    assert codes("mecanicien auto") == {"I1604"}


def test_a_prefix_being_typed_finds_titles(rome):
    assert "Boulanger / Boulangère" in labels("boulan")
    assert labels("aide soign")[0].startswith("Aide-soignant")


@pytest.mark.parametrize(
    "typo,meant,code",
    [
        ("boulangr", "boulanger", "D1102"),  # a letter missing
        ("infirmeir", "infirmier", None),  # two neighbours swapped
        ("plombiere", "plombier", None),  # a letter too many (feminine typed on a masculine-only word?)
        ("soudeor", "soudeur", "H2913"),  # a letter replaced
    ],
)
def test_one_typo_per_word_is_corrected(rome, typo, meant, code):
    result = search(typo)
    assert result.titles, f"nothing for {typo}"
    if typo != "plombiere":
        assert result.corrected == {typo: meant}
    if code:
        assert result.titles[0].occupation.code == code


def test_nothing_matches_gibberish(rome):
    assert search("zzqxw").titles == []
    assert search("").titles == [] and search("\x00" * 3).titles == []


def test_hostile_queries_are_bounded(rome):
    assert search("a" * 100_000).titles == []
    assert len(search("boulanger " * 50).query_words) <= 6


def test_find_occupation_reads_codes_chosen_labels_and_words(rome):
    assert find_occupation("D1102").code == "D1102"
    assert find_occupation("d1102").code == "D1102"
    assert find_occupation("Boulanger / Boulangère (D1102)").code == "D1102"
    assert find_occupation("maraichere").code == "A1433"
    assert find_occupation("zzqxw") is None
    assert find_occupation("Z9999") is None
