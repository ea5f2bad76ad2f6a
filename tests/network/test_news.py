"""Network news: an attachment under the label's upload rules, served to members only; the optional
weekly e-mail digest — a member consents (and may withdraw), `spro echeances-reseau` sends at most one
digest a week with the items published since the last one, never the same item twice, never an item
published before the consent — tested with time frozen across a year."""

import html
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spro.directory.models import Membership
from spro.network import resources
from spro.network.models import DigestSubscription, NetworkLog, NewsAttachment, NewsItem
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.forms import post_form
from tests.labels.factories import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cio():
    return directory.structure("cio", name="CIO de Toulouse")


@pytest.fixture
def bea(cio):
    return accounts.member(cio, "bea@cio.test", first_name="Béa")


@pytest.fixture
def agent():
    return accounts.region_instructor()


def logged(person):
    client = Client()
    accounts.login_verified(client, person)
    return client


def news(title: str, at=None) -> NewsItem:
    return NewsItem.objects.create(title=title, body="Texte.", published_at=at or timezone.now())


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """`spro echeances-reseau` at `when`, its mail delivered as after a commit."""

    def run_at(when: str) -> str:
        out = StringIO()
        with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True):
            call_command("echeances-reseau", stdout=out)
        return out.getvalue()

    return run_at


# --- attachments --------------------------------------------------------------------------------------


def test_the_region_joins_a_document_that_only_members_download(client, agent, bea):
    url = reverse("actualites:create")
    data = {"title": "Compte rendu du COPIL", "body": "Le compte rendu est joint."}
    answer = post_form(logged(agent), url, {**data, "document": SimpleUploadedFile("cr.pdf", PDF)})
    assert answer.status_code == 302
    attachment = NewsAttachment.objects.get()
    assert attachment.kind == "pdf" and attachment.description == f"PDF, {len(PDF)} octets"
    page = logged(bea).get(reverse("actualites:index")).content.decode()
    assert reverse("actualites:attachment", args=[attachment.pk]) in page and "PDF, " in page
    served = logged(bea).get(reverse("actualites:attachment", args=[attachment.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    assert served["Cache-Control"] == "private, no-store"
    refused = client.get(reverse("actualites:attachment", args=[attachment.pk]))
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("accounts:login"))
    outsider = accounts.user("personne@ailleurs.test")
    assert logged(outsider).get(reverse("actualites:attachment", args=[attachment.pk])).status_code == 403


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("cr.pdf", b"MZ\x90\x00 un programme"), "Ce type de fichier n'est pas accepté"),
        (SimpleUploadedFile("cr.odt", PDF), "ne correspond pas à son contenu"),
        (SimpleUploadedFile("vide.pdf", b""), "Le formulaire contient"),
    ],
)
def test_a_refused_attachment_publishes_nothing(agent, upload, message):
    data = {"title": "Compte rendu", "body": "Joint.", "document": upload}
    answer = post_form(logged(agent), reverse("actualites:create"), data)
    assert answer.status_code == 422 and message in html.unescape(answer.content.decode())
    assert not NewsItem.objects.exists() and not NewsAttachment.objects.exists()


def test_a_news_item_with_a_nul_byte_or_100_kb_gets_a_french_4xx(agent):
    for data in ({"title": "Titre\x00", "body": "x"}, {"title": "Titre", "body": "x" * 100_000}):
        answer = post_form(logged(agent), reverse("actualites:create"), data)
        assert answer.status_code == 422 and "Le formulaire contient" in answer.content.decode()
    assert not NewsItem.objects.exists()


# --- the weekly digest --------------------------------------------------------------------------------


def test_consent_is_asked_given_and_withdrawn_on_the_digest_page(bea):
    client = logged(bea)
    url = reverse("actualites:digest")
    refused = client.post(url, {"action": "abonner"})
    assert refused.status_code == 422 and "Cochez la case" in refused.content.decode()
    assert not DigestSubscription.objects.exists()
    assert client.post(url, {"action": "abonner", "consent": "on"}).status_code == 302
    subscription = DigestSubscription.objects.get(user=bea)
    assert subscription.is_active and subscription.consent_text.startswith("J'accepte")
    assert "Se désabonner" in client.get(url).content.decode()
    assert client.post(url, {"action": "desabonner"}).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active
    actions = NetworkLog.objects.filter(subject="lettre").values_list("action", flat=True)
    assert list(actions) == ["accord", "retrait"]
    assert client.post(url, {"action": "\x00"}).status_code == 422


def test_the_digest_goes_weekly_with_new_items_only_and_never_twice_the_same(bea, cio, run):
    with time_machine.travel("2027-01-04 09:00:00 +01:00", tick=False):
        news("Publiée avant l'abonnement")
        resources.subscribe_digest(bea)
    assert "Rien à faire" in run("2027-01-05 06:00:00 +01:00")  # nothing new since the consent
    with time_machine.travel("2027-01-06 10:00:00 +01:00", tick=False):
        news("Appel à projets")
        news("Nouvelle session de formation")
    assert "lettres des actualités envoyées : 1" in run("2027-01-07 06:00:00 +01:00")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Appel à projets" in body and "Nouvelle session de formation" in body
    assert "Publiée avant l'abonnement" not in body
    assert mail.outbox[0].to == ["bea@cio.test"] and "2 nouvelles actualités" in mail.outbox[0].subject
    # The same day again, and the next days: nothing (idempotent).
    assert "Rien à faire" in run("2027-01-07 06:00:00 +01:00")
    with time_machine.travel("2027-01-08 10:00:00 +01:00", tick=False):
        news("Compte rendu du COPIL")
    assert "Rien à faire" in run("2027-01-09 06:00:00 +01:00")  # less than a week since the last one
    assert "lettres des actualités envoyées : 1" in run("2027-01-14 06:00:00 +01:00")
    assert len(mail.outbox) == 2 and "Compte rendu du COPIL" in mail.outbox[1].body
    assert "Appel à projets" not in mail.outbox[1].body
    # A year of daily runs without news sends nothing more; an item published after a year goes once.
    day = timezone.datetime.fromisoformat("2027-01-15 06:00:00+01:00")
    for offset in range(0, 365, 7):
        run((day + timedelta(days=offset)).isoformat())
    assert len(mail.outbox) == 2
    with time_machine.travel("2028-01-20 10:00:00 +01:00", tick=False):
        news("Bilan de l'année")
    run("2028-01-21 06:00:00 +01:00")
    run("2028-01-21 06:00:00 +01:00")
    assert len(mail.outbox) == 3 and "Bilan de l'année" in mail.outbox[2].body
    sent = NetworkLog.objects.filter(subject="lettre", action="envoi").values_list("detail", flat=True)
    items = [pk for detail in sent for pk in detail["items"]]
    assert len(items) == len(set(items)) == 4


def test_no_digest_after_the_consent_is_withdrawn_nor_to_someone_who_left_the_network(bea, cio, run):
    carl = accounts.member(cio, "carl@cio.test", first_name="Carl")
    with time_machine.travel("2027-03-01 09:00:00 +01:00", tick=False):
        resources.subscribe_digest(bea)
        resources.subscribe_digest(carl)
    with time_machine.travel("2027-03-02 09:00:00 +01:00", tick=False):
        resources.unsubscribe_digest(bea)
        Membership.objects.filter(user=carl).delete()
        news("Après le retrait")
    assert "Rien à faire" in run("2027-03-03 06:00:00 +01:00")
    assert mail.outbox == []
