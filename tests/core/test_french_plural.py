"""`|pluriel`: French plural in templates, where 0 and 1 take the singular."""

import pytest
from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load french %}" + source).render(Context(context))


@pytest.mark.parametrize(
    "count, expected", [(0, "0 lieu"), (1, "1 lieu"), (2, "2 lieux"), (150, "150 lieux")]
)
def test_counts_below_two_are_singular(count, expected):
    assert render('{{ n }} lieu{{ n|pluriel:"x" }}', n=count) == expected


def test_a_list_counts_by_its_length_and_the_two_forms_can_be_given():
    assert render('{{ items|pluriel:"a,ont" }}', items=[]) == "a"
    assert render('{{ items|pluriel:"a,ont" }}', items=["x", "y"]) == "ont"
    assert render("fiche{{ n|pluriel }}", n="3") == "fiches"


def test_something_that_is_not_a_number_gives_nothing():
    assert render("fiche{{ n|pluriel }}", n=None) == "fiche"
