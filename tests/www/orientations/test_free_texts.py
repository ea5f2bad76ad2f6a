"""Free texts a person may be named in (a referral's details, a third door's reason, the comments of its
answers, a contact request's follow-up note) stay readable by both structures after closure: each page
that shows one writes a line to the access log, like a display of contact details."""

import pytest

from spro.referrals.models import PersonalDataAccess
from tests.referrals.factories import contact_request, login, referral, refusal_reason

pytestmark = pytest.mark.django_db

MESSAGE = "Mme Ancienne-Texte préfère être appelée après 17 h"
COMMENT = "Refusée : Mme Ancienne-Texte habite hors de notre secteur"


def detail(r) -> str:
    return f"/espace-pro/orientations/{r.pk}/"


def reads(record_type="orientation"):
    return list(
        PersonalDataAccess.objects.filter(record_type=record_type)
        .order_by("pk")
        .values_list("user__email", "action", "record_id", "reason")
    )


def test_each_side_reading_the_free_texts_of_a_closed_referral_is_logged(client, w):
    r = referral(w, message=MESSAGE)
    r.process("refuser", user=w.bob, refusal_reason=refusal_reason(), reason=COMMENT)
    for person in (w.alice, w.bob):
        login(client, person)
        html = client.get(detail(r)).content.decode()
        assert "Ancienne-Texte préfère" in html and "habite hors de notre secteur" in html
        assert "inscrite au journal des accès" in html
    assert reads() == [
        (w.alice.email, "consultation", r.pk, "Suivre l'orientation envoyée (textes libres de la page)"),
        (w.bob.email, "consultation", r.pk, "Suivre l'orientation reçue (textes libres de la page)"),
    ]


def test_a_comment_alone_makes_the_read_logged(client, w):
    r = referral(w, mode="coordonnees-remises")
    r.process("accepter", user=w.bob, reason="Rendez-vous pris pour Mme Ancienne-Texte")
    login(client, w.alice)
    assert "Rendez-vous pris pour" in client.get(detail(r)).content.decode()
    assert len(reads()) == 1


def test_the_receiver_reading_details_and_texts_of_an_open_referral_writes_one_line(client, w):
    r = referral(w, message=MESSAGE)
    login(client, w.bob)
    client.get(detail(r))
    assert reads() == [
        (w.bob.email, "consultation", r.pk, "Traiter l'orientation reçue (page de l'orientation)")
    ]


def test_a_referral_without_free_text_or_whose_texts_were_erased_logs_nothing(client, w):
    plain = referral(w, mode="coordonnees-remises")
    erased = referral(w, message=MESSAGE)
    erased.process("refuser", user=w.bob, refusal_reason=refusal_reason(), reason=COMMENT)
    erased.erase_personal_data()
    login(client, w.alice)
    for r in (plain, erased):
        html = client.get(detail(r)).content.decode()
        assert "Ancienne-Texte" not in html
    assert reads() == []


def test_reading_the_follow_up_note_of_a_handled_contact_request_is_logged(client, w):
    c = contact_request(w.site_b)
    c.process("traiter", user=w.bob, note="Rappelée, rendez-vous le 3 : Mme Ancienne-Texte")
    login(client, w.bob)
    html = client.get(f"/espace-pro/orientations/demandes-de-contact/{c.pk}/").content.decode()
    assert "Dominique Martin-Testeur" not in html and "Rappelée, rendez-vous le 3" in html
    assert reads("demande-de-contact") == [
        (w.bob.email, "consultation", c.pk, "Suivre la demande de contact (note de suivi)")
    ]
