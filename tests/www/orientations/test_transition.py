"""Answering a referral with the buttons of its page (POST): the view only calls `process_referral()`."""

import re

import pytest
from django.core import mail

from spro.referrals.models import Referral
from tests.referrals.factories import login, referral, refusal_reason

pytestmark = pytest.mark.django_db


def url(r, name) -> str:
    return f"/espace-pro/orientations/{r.pk}/{name}/"


def test_it_accepts(client, w):
    r = referral(w)
    login(client, w.bob)
    response = client.post(url(r, "accepter"), {"comment": "Rendez-vous mardi"})
    assert response.status_code == 302 and response["Location"] == f"/espace-pro/orientations/{r.pk}/"
    assert Referral.objects.get().state == "acceptee"
    assert r.transitions.last().reason == "Rendez-vous mardi"


def test_the_sender_is_emailed_after_an_answer_on_the_page(client, w, django_capture_on_commit_callbacks):
    r = referral(w)
    login(client, w.bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(r, "accepter"))
    assert [m.to for m in mail.outbox] == [["alice@mission-locale.test"]]
    assert mail.outbox[0].subject.startswith(f"Orientation n° {r.pk} acceptée par ")


def test_it_refuses_with_a_reason(client, w):
    r = referral(w)
    login(client, w.bob)
    client.post(url(r, "refuser"), {"refusal_reason": refusal_reason().pk})
    assert Referral.objects.get().refusal_reason == refusal_reason()


def test_a_refusal_without_reason_shows_the_form_in_error_on_the_shared_pattern(client, w):
    r = referral(w)
    login(client, w.bob)
    response = client.post(url(r, "refuser"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "<title>Erreur : 1 erreur – Orientation n°" in html
    assert "data-spro-error-summary" in html
    assert (
        '<a href="#refusal_reason-refuser">Motif du refus : Choisissez un motif de refus dans la liste.</a>'
        in html
    )
    [select] = re.findall(r'<select name="refusal_reason"[^>]*>', html)
    assert 'aria-invalid="true"' in select and 'id="refusal_reason-refuser"' in select
    assert Referral.objects.get().state == "envoyee"


def test_a_comment_that_cannot_be_kept_is_marked_and_nothing_is_recorded(client, w):
    r = referral(w)
    login(client, w.bob)
    response = client.post(url(r, "accepter"), {"comment": "x" * 100_000})
    html = response.content.decode()
    assert response.status_code == 422
    assert '<a href="#comment-accepter">Commentaire (facultatif) : ' in html
    assert 'aria-invalid="true"' in html and "comment-accepter" in html
    assert Referral.objects.get().state == "envoyee" and r.transitions.count() == 1


def test_an_invalid_transition_shows_a_french_message(client, w):
    r = referral(w)
    login(client, w.bob)
    html = client.post(url(r, "personne-recue"), follow=True).content.decode()
    assert "n&#x27;est plus possible" in html
    assert Referral.objects.get().state == "envoyee"


def test_the_sender_cannot_answer(client, w):
    r = referral(w)
    login(client, w.alice)
    client.post(url(r, "accepter"))
    assert Referral.objects.get().state == "envoyee"


def test_another_structure_gets_404(client, w):
    r = referral(w)
    login(client, w.carole)
    assert client.post(url(r, "accepter")).status_code == 404


def test_it_rejects_get(client, w):
    r = referral(w)
    login(client, w.bob)
    assert client.get(url(r, "accepter")).status_code == 405
