"""The resources library: public resources for everyone at /ressources/, members-only ones for the
network's members only, filters by territory, type, public, sector and métier; each link says its format
and size; a member publishes (a file under the label's upload rules, or an external link), the Région
validates, refuses or withdraws — each step logged; hostile input gets a French 4xx."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from spro.directory.models import Membership
from spro.network import resources
from spro.network.files import describe_file, describe_link, human_size
from spro.network.models import NetworkLog, Resource
from spro.network.workflow import Refused
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.forms import post_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_bytes(text="Guide de l'orientation") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def pdf_upload(name="guide.pdf", text="Guide de l'orientation"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


@pytest.fixture
def cio():
    return directory.structure("cio", name="CIO de Toulouse")


@pytest.fixture
def member(cio):
    return accounts.member(cio, "conseiller@cio.test", role=Membership.Role.ADMIN)


@pytest.fixture
def agent():
    return accounts.region_instructor()


def logged(person):
    from django.test import Client

    client = Client()
    accounts.login_verified(client, person)
    return client


def link_resource(agent, title="Fiche secteur du numérique", **fields):
    values = {
        "summary": "Les métiers du numérique.",
        "kind": "fiche-secteur",
        "link": "https://www.onisep.fr/",
    }
    return resources.publish(Resource(title=title, **{**values, **fields}), agent)


# --- what each link says ------------------------------------------------------------------------------


def test_sizes_and_formats_are_written_in_french():
    assert human_size(850) == "850 octets"
    assert human_size(12_400) == "12 ko"
    assert human_size(1_230_000) == "1,2 Mo"
    assert describe_file("pdf", 1_230_000) == "PDF, 1,2 Mo"
    assert describe_file("docx", 45_000) == "DOCX, 45 ko"
    assert describe_link("https://www.onisep.fr/guides/metiers.pdf") == "PDF, lien externe (www.onisep.fr)"
    assert describe_link("https://www.onisep.fr/metiers") == "Page web, lien externe (www.onisep.fr)"
    assert (
        describe_link("https://travail-emploi.gouv.fr/x", "PDF, 2 Mo")
        == "PDF, 2 Mo, lien externe (travail-emploi.gouv.fr)"
    )


# --- who sees what --------------------------------------------------------------------------------------


def test_the_public_reads_public_resources_and_never_the_members_only_ones(client, agent, member):
    link_resource(agent, "Guide public des métiers")
    private = link_resource(agent, "Étude réservée au réseau", visibility="membres", kind="etude")
    page = client.get(reverse("ressources:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Guide public des métiers" in text and "Étude réservée au réseau" not in text
    # Anonymous: sent to log in; a member reads it, with its badge.
    assert client.get(reverse("ressources:detail", args=[private.pk])).status_code == 302
    member_page = logged(member).get(reverse("ressources:index")).content.decode()
    assert "Étude réservée au réseau" in member_page and "Réservé aux membres" in member_page


def test_a_public_file_is_served_to_anyone_through_the_view_and_a_members_only_file_to_members(
    client, agent, member, media
):
    public = resources.publish(
        Resource(title="Guide", summary="Un guide.", kind="guide"), agent, uploaded=pdf_upload()
    )
    hidden = resources.publish(
        Resource(title="Note", summary="Une note.", kind="etude", visibility="membres"),
        agent,
        uploaded=pdf_upload("note.pdf", "Note interne"),
    )
    # Stored outside the web root (MEDIA_ROOT), served by the authorised view only.
    assert str(media) in public.file.path and public.size == len(pdf_bytes())
    answer = client.get(reverse("ressources:download", args=[public.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert (
        "Guide de l'orientation"
        in PdfReader(io.BytesIO(b"".join(answer.streaming_content))).pages[0].extract_text()
    )
    detail = client.get(reverse("ressources:detail", args=[public.pk])).content.decode()
    assert f"PDF, {human_size(public.size)}" in detail
    refused = client.get(reverse("ressources:download", args=[hidden.pk]))
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("accounts:login"))
    served = logged(member).get(reverse("ressources:download", args=[hidden.pk]))
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"


def test_filters_by_territory_type_public_sector_and_metier(client, agent):
    link_resource(agent, "Pour toute la Région")
    link_resource(agent, "Pour la Haute-Garonne", departements=["31"], publics=["eleves"])
    link_resource(agent, "Pour le Gers", departements=["32"], kind="guide", sector="D", domain="D11")

    def titles(query):
        text = client.get(reverse("ressources:index") + query).content.decode()
        return {t for t in ("Pour toute la Région", "Pour la Haute-Garonne", "Pour le Gers") if t in text}

    assert titles("?departement=31") == {"Pour toute la Région", "Pour la Haute-Garonne"}
    assert titles("?type=guide") == {"Pour le Gers"}
    assert titles("?public=eleves") == {"Pour la Haute-Garonne"}
    assert titles("?secteur=D") == titles("?metier=D11") == {"Pour le Gers"}
    # Unknown and hostile values are ignored, never a 500.
    for query in ("?departement=%00", "?type=" + "x" * 100_000, "?metier=ZZZ", "?page=%00"):
        assert client.get(reverse("ressources:index") + query).status_code == 200
    assert titles("?departement=99") == {"Pour toute la Région", "Pour la Haute-Garonne", "Pour le Gers"}


# --- publication and moderation -------------------------------------------------------------------------


def test_a_member_publishes_and_the_region_validates_then_withdraws(client, cio, member, agent):
    url = reverse("ressources_pro:create")
    data = {
        "title": "Fiche du CIO",
        "summary": "Nos ateliers.",
        "kind": "fiche-secteur",
        "visibility": "public",
        "structure": cio.pk,
        "document": pdf_upload("fiche.pdf"),
    }
    answer = post_form(logged(member), url, data)
    assert answer.status_code == 302
    resource = Resource.objects.get(title="Fiche du CIO")
    assert resource.state == "a-valider" and resource.file_kind == "pdf"
    assert "Fiche du CIO" not in client.get(reverse("ressources:index")).content.decode()
    region = logged(agent)
    assert "Fiche du CIO" in region.get(reverse("region_ressources:index")).content.decode()
    answer = region.post(
        reverse("region_ressources:moderate", args=[resource.pk]), {f"r{resource.pk}-decision": "valider"}
    )
    assert answer.status_code == 302
    assert "Fiche du CIO" in client.get(reverse("ressources:index")).content.decode()
    answer = logged(member).post(reverse("ressources_pro:withdraw", args=[resource.pk]), {"confirm": "on"})
    assert answer.status_code == 302
    assert client.get(reverse("ressources:download", args=[resource.pk])).status_code == 404
    actions = list(
        NetworkLog.objects.filter(subject="ressource", object_id=resource.pk).values_list("action", flat=True)
    )
    assert actions == ["publication", "validation", "retrait"]


def test_the_region_refuses_with_a_reason_and_without_moderation_a_member_publishes_at_once(
    settings, cio, member, agent
):
    pending = resources.publish(
        Resource(title="À revoir", summary="x", kind="guide", structure=cio, link="https://example.org/"),
        member,
    )
    with pytest.raises(Refused):
        resources.moderate(pending, approve=True, by=member)
    refused = resources.moderate(pending, approve=False, by=agent, reason="Document obsolète")
    assert refused.state == "refusee" and refused.refusal_reason == "Document obsolète"
    with pytest.raises(Refused, match="n'attend pas de validation"):
        resources.moderate(refused, approve=True, by=agent)
    settings.SPRO_RESOURCES_MODERATION = False
    direct = resources.publish(
        Resource(title="Direct", summary="x", kind="guide", structure=cio, link="https://example.org/"),
        member,
    )
    assert direct.state == "publiee" and direct.published_at is not None


def test_another_structure_can_neither_publish_for_nor_withdraw_a_resource(cio, member, agent):
    other = accounts.member(directory.structure("mission-locale", name="ML"), "ml@ml.test")
    with pytest.raises(Refused):
        resources.publish(
            Resource(title="x", summary="x", kind="guide", structure=cio, link="https://a.fr/"), other
        )
    mine = link_resource(agent, structure=cio)
    assert logged(other).get(reverse("ressources_pro:withdraw", args=[mine.pk])).status_code == 404


# --- hostile input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": "Guide\x00"}, "title"),
        ({"summary": "x" * 100_000}, "summary"),
        ({"document": SimpleUploadedFile("faux.pdf", b"GIF89a pas un PDF")}, "document"),
        ({"document": SimpleUploadedFile("guide.png", pdf_bytes())}, "document"),
        ({"link": "https://example.org/", "document": None}, None),
        ({"document": None}, "document"),
        ({"structure": "9" * 30}, "structure"),
        ({"departements": ["%00"]}, "departements"),
        ({"sector": "A", "domain": "D11"}, "domain"),
    ],
)
def test_hostile_or_wrong_input_gets_a_french_4xx_and_writes_nothing(cio, member, change, field):
    data = {
        "title": "Guide",
        "summary": "Un guide.",
        "kind": "guide",
        "visibility": "public",
        "structure": cio.pk,
    }
    data["document"] = pdf_upload()
    data.update(change)
    data = {key: value for key, value in data.items() if value is not None}
    answer = post_form(logged(member), reverse("ressources_pro:create"), data)
    if field is None:  # a link and no file: accepted
        assert answer.status_code == 302
        return
    assert answer.status_code == 422
    assert "Le formulaire contient" in answer.content.decode()
    assert not Resource.objects.exists()


def test_a_file_over_the_policy_size_is_refused(cio, member):
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))
    data = {"title": "Gros", "summary": "x", "kind": "guide", "visibility": "public", "structure": cio.pk}
    answer = post_form(logged(member), reverse("ressources_pro:create"), {**data, "document": big})
    assert answer.status_code == 422 and "dépasse la taille autorisée" in answer.content.decode()
    assert not Resource.objects.exists()


def test_a_double_submit_publishes_once(cio, member):
    from tests.forms import form_token

    client = logged(member)
    url = reverse("ressources_pro:create")
    token = form_token(client, url)
    data = {"title": "Une fois", "summary": "x", "kind": "guide", "visibility": "public", "structure": cio.pk}
    data |= {"link": "https://example.org/", "form_token": token}
    assert client.post(url, data).status_code == 302
    client.post(url, data)
    assert Resource.objects.filter(title="Une fois").count() == 1


def test_the_home_page_and_the_footer_link_to_the_resources(client):
    page = client.get(reverse("portal:home")).content.decode()
    assert page.count(f'href="{reverse("ressources:index")}"') >= 2
