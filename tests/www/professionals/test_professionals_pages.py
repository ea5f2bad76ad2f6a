"""Interconnaissance: a professional is hidden by default, shown to members after consenting, and then
only with the fields they chose; never to the public; searches never reveal a hidden value; each
structure's page names its référent SPRO and who to call for what."""

import pytest
from django.urls import reverse

from spro.directory.models import Membership
from spro.network.models import NetworkLog, ProfessionalProfile
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.forms import post_form

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("professionnels:directory")
MY_PROFILE = reverse("professionnels:my_profile")


@pytest.fixture
def w(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cio = directory.structure("cio", name="CIO de Toulouse")
    ml = directory.structure("mission-locale", name="Mission locale de Muret")
    site = directory.site("CIO centre", structure_obj=cio)
    claire = accounts.member(cio, "claire@cio.test", first_name="Claire", last_name="Dupont")
    marc = accounts.member(ml, "marc@ml.test", first_name="Marc", last_name="Martin")
    admin = accounts.member(cio, "admin@cio.test", role=Membership.Role.ADMIN, first_name="Ada")
    return {"cio": cio, "ml": ml, "site": site, "claire": claire, "marc": marc, "admin": admin}


def client_of(client, person):
    accounts.login_verified(client, person)
    return client


def save_profile(client, **data):
    values = {
        "function": "Psychologue de l'Éducation nationale",
        "phone": "05 61 00 00 00",
        "email": "claire.pro@cio.test",
        "needs": ["orientation-scolaire"],
        "publics": ["eleves"],
        "languages": ["es"],
        "territories": ["31"],
    }
    return client.post(MY_PROFILE, {**values, **data})


def test_a_professional_is_hidden_by_default(client, w):
    save_profile(client_of(client, w["claire"]))  # filled in, no consent
    profile = ProfessionalProfile.objects.get(user=w["claire"])
    assert profile.consented_at is None
    client.force_login(w["marc"])
    page = client.get(DIRECTORY).content.decode()
    assert "Dupont" not in page and "0 professionnel" in page
    assert client.get(reverse("professionnels:profile", args=[profile.pk])).status_code == 404


def test_after_consent_only_the_chosen_fields_are_shown(client, w):
    response = save_profile(client_of(client, w["claire"]), consent="on", shown=["fonction", "courriel"])
    assert response.status_code == 302
    profile = ProfessionalProfile.objects.get(user=w["claire"])
    assert profile.consented_at is not None and "J'accepte" in profile.consent_text
    client.force_login(w["marc"])
    page = client.get(reverse("professionnels:profile", args=[profile.pk])).content.decode()
    assert "Claire Dupont" in page and "CIO de Toulouse" in page
    assert "Psychologue de l&#x27;Éducation nationale" in page and "claire.pro@cio.test" in page
    for hidden in ("05 61 00 00 00", "Espagnol", "Orientation scolaire"):
        assert hidden not in page
    assert "Claire Dupont" in client.get(DIRECTORY).content.decode()


def test_withdrawing_consent_hides_the_profile_again_and_is_logged(client, w):
    save_profile(client_of(client, w["claire"]), consent="on", shown=["fonction"])
    save_profile(client)
    profile = ProfessionalProfile.objects.get(user=w["claire"])
    assert profile.consented_at is None
    assert list(NetworkLog.objects.filter(subject="profil").values_list("action", flat=True)) == [
        "accord",
        "retrait",
    ]
    client.force_login(w["marc"])
    assert "Dupont" not in client.get(DIRECTORY).content.decode()


def test_the_public_never_sees_the_directory_or_a_profile(client, w):
    save_profile(
        client_of(client, w["claire"]), consent="on", shown=list(ProfessionalProfile().shown) + ["telephone"]
    )
    profile = ProfessionalProfile.objects.get(user=w["claire"])
    client.logout()
    for url in (DIRECTORY, reverse("professionnels:profile", args=[profile.pk]),
                reverse("professionnels:structure", args=[w["cio"].pk])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    # An account without any structure (nor a Région role) is not a member of the network.
    client.force_login(accounts.user("nobody@example.test"))
    assert client.get(DIRECTORY).status_code == 403


def test_searches_by_territory_network_and_speciality_use_shown_values_only(client, w):
    save_profile(client_of(client, w["claire"]), consent="on", shown=["specialites"])
    client.force_login(w["marc"])

    def found(**query):
        return "Claire Dupont" in client.get(DIRECTORY, query).content.decode()

    assert found(specialite="besoin:orientation-scolaire") and found(specialite="public:eleves")
    assert not found(specialite="besoin:vae")
    assert found(reseau="cio") and not found(reseau="mission-locale")
    # Her territory (31) is not shown: searching by it must not reveal her.
    assert not found(territoire="31")
    save_profile(client_of(client, w["claire"]), consent="on", shown=["specialites", "territoires"])
    client.force_login(w["marc"])
    assert found(territoire="31") and not found(territoire="09")
    # A function not shown is not searchable either.
    assert not found(q="Psychologue") and found(q="Dupont")


def test_a_site_shown_places_the_professional_in_its_departement(client, w):
    client_of(client, w["claire"]).post(
        MY_PROFILE, {"consent": "on", "shown": ["lieux"], "sites": [w["site"].pk]}
    )
    client.force_login(w["marc"])
    page = client.get(DIRECTORY, {"territoire": "31"}).content.decode()
    assert "Claire Dupont" in page


def test_hostile_input_is_refused_in_french_and_writes_nothing(client, w):
    client_of(client, w["claire"])
    response = save_profile(client, consent="on", function="a\x00b", phone="9" * 500, languages=["xx"])
    assert response.status_code == 422
    assert not ProfessionalProfile.objects.filter(user=w["claire"]).exists()
    assert client.get(DIRECTORY, {"territoire": "\x00", "page": "1e999"}).status_code == 200


def test_the_structure_page_names_its_referent_and_who_to_call(client, w):
    save_profile(client_of(client, w["claire"]), consent="on", shown=["specialites", "telephone"])
    url = reverse("professionnels:referent", args=[w["cio"].pk])
    client.force_login(w["claire"])  # an adviser does not designate
    assert client.get(url).status_code == 403
    client_of(client, w["admin"])
    response = post_form(client, url, {"user": w["claire"].pk, "email": "referent@cio.test", "phone": ""})
    assert response.status_code == 302
    client.force_login(w["marc"])
    page = client.get(reverse("professionnels:structure", args=[w["cio"].pk])).content.decode()
    referent = page[page.index('id="referent"') : page.index('id="qui-appeler"')]
    assert "Claire Dupont" in referent and "referent@cio.test" in referent
    who = page[page.index('id="qui-appeler"') : page.index('id="professionnels"')]
    assert "Orientation scolaire et études" in who and "05 61 00 00 00" in who


def test_a_referent_must_belong_to_the_structure(client, w):
    client_of(client, w["admin"])
    url = reverse("professionnels:referent", args=[w["cio"].pk])
    response = post_form(client, url, {"user": w["marc"].pk, "email": "x@ml.test"})
    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_the_directory_reads_a_page_of_cards_in_a_fixed_number_of_queries(client, w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    def add(n):
        for i in range(n):
            person = accounts.member(w["cio"], f"p{i}-{n}@cio.test", first_name="P", last_name=f"N{i}")
            profile = ProfessionalProfile.objects.create(
                user=person, consented_at=timezone.now(), shown=["lieux", "specialites"], needs=["vae"]
            )
            profile.sites.set([w["site"]])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DIRECTORY).status_code == 200
        return len(captured)

    client.force_login(w["marc"])
    add(2)
    queries()  # the first request of a session also writes the session
    few = queries()
    add(6)
    assert queries() == few
