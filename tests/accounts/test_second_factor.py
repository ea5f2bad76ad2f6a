"""Two-factor login: mandatory for Région staff (enrolment at first login), optional for members;
TOTP codes computed here with the device's key, replay refused, single-use recovery codes, throttling."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from spro.accounts.models import RecoveryCode, RecoveryCodeDevice
from tests.accounts import factories

pytestmark = pytest.mark.django_db

REGION_HOME = "/region/"


def password_step(client, email, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": factories.PASSWORD, **extra}
    )


def code_step(client, code):
    return client.post(reverse("accounts:second_factor"), {"code": code})


def text(response) -> str:
    return html.unescape(response.content.decode())


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def enrol(client):
    """Go through the enrolment page as the person would: read the key shown, type the current code."""
    page = client.get(reverse("accounts:second_factor_setup"))
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(confirmed=False)
    assert secret.replace(" ", "") in device.config_url
    return client.post(
        reverse("accounts:second_factor_setup"),
        {"code": factories.current_code(device), "email_code": emailed_code()},
    )


def emailed_code() -> str:
    """The enrolment code of the last e-mail sent."""
    return re.search(r"sur votre compte : (\d{6})", mail.outbox[-1].body).group(1)


def test_enrolment_also_asks_for_a_code_sent_to_the_mailbox(client):
    person = factories.region_instructor()
    password_step(client, person.email)
    client.get(reverse("accounts:second_factor_setup"))
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert mail.outbox[0].subject == "Code d'activation de la double authentification"
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("accounts:second_factor_setup"), {"code": factories.current_code(device)})
    assert response.status_code == 200 and not person.has_second_factor
    wrong = "000000" if emailed_code() != "000000" else "111111"
    response = client.post(
        reverse("accounts:second_factor_setup"), {"code": factories.current_code(device), "email_code": wrong}
    )
    assert "ne correspond pas au dernier code envoyé par courriel" in response.content.decode()
    assert not person.has_second_factor
    assert emailed_code() not in str(dict(client.session))  # only a keyed hash is kept


def test_the_emailed_code_is_used_up_after_five_wrong_tries_and_resending_is_throttled(client):
    person = factories.region_instructor()
    password_step(client, person.email)
    client.get(reverse("accounts:second_factor_setup"))
    code = emailed_code()
    device = TOTPDevice.objects.get(confirmed=False)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post(reverse("accounts:second_factor_setup"), {"code": "123456", "email_code": wrong})
    client.post(
        reverse("accounts:second_factor_setup"), {"code": factories.current_code(device), "email_code": code}
    )
    assert not person.has_second_factor  # that code is used up
    response = client.post(reverse("accounts:second_factor_setup"), {"action": "renvoyer"}, follow=True)
    assert "patientez une minute" in response.content.decode()
    assert len(mail.outbox) == 1  # at most one code a minute: at most five guesses a minute


def test_a_member_without_second_factor_logs_in_with_the_password_alone(client):
    factories.user("conseiller@structure.test")
    assert password_step(client, "conseiller@structure.test").url == reverse("pro:home")
    assert logged_in(client)


def test_region_staff_without_device_are_sent_to_enrol_and_are_not_logged_in_yet(client):
    factories.region_instructor()
    response = password_step(client, "instructeur@region.test")
    assert response.url == reverse("accounts:second_factor_setup")
    assert not logged_in(client)
    page = client.get(response.url)
    html = page.content.decode()
    assert "Activer la double authentification" in html
    assert "otpauth://totp/SPRO%3Ainstructeur%40region.test?secret=" in html
    assert client.get("/espace-pro/").status_code == 302


def test_enrolment_confirms_the_device_and_shows_ten_recovery_codes_stored_hashed(client):
    person = factories.region_instructor()
    password_step(client, "instructeur@region.test")
    response = enrol(client)
    html = response.content.decode()
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", html)
    assert len(codes) == 10
    assert logged_in(client)
    assert person.has_second_factor
    stored = list(RecoveryCode.objects.filter(device__user=person).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not set(codes) & set(stored)
    assert client.get("/espace-pro/").status_code == 200


def test_enrolment_refuses_a_wrong_code(client):
    factories.region_instructor()
    password_step(client, "instructeur@region.test")
    client.get(reverse("accounts:second_factor_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    wrong = "000000" if factories.current_code(device) != "000000" else "111111"
    response = client.post(
        reverse("accounts:second_factor_setup"), {"code": wrong, "email_code": emailed_code()}
    )
    assert "Ce code ne correspond pas. Vérifiez l" in text(response)
    assert not logged_in(client)


def test_a_person_with_a_device_gives_a_code_after_the_password(client):
    person = factories.region_admin()
    device = factories.totp_device(person)
    response = password_step(client, "admin.region@region.test", next="/espace-pro/")
    assert response.url == reverse("accounts:second_factor")
    assert not logged_in(client)
    response = code_step(client, factories.current_code(device))
    assert response.url == "/espace-pro/"
    assert logged_in(client)


def test_a_wrong_code_is_refused_in_french(client):
    person = factories.region_admin()
    factories.totp_device(person)
    password_step(client, "admin.region@region.test")
    response = code_step(client, "123456")
    assert "Ce code n'est pas valide ou a déjà été utilisé." in text(response)
    assert not logged_in(client)


def test_a_code_cannot_be_used_twice(client, django_user_model):
    person = factories.region_admin()
    device = factories.totp_device(person)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        code = factories.current_code(device)
        password_step(client, "admin.region@region.test")
        code_step(client, code)
        assert logged_in(client)
        client.post(reverse("accounts:logout"))
        password_step(client, "admin.region@region.test")
        response = code_step(client, code)
    assert "Ce code n'est pas valide ou a déjà été utilisé." in text(response)
    assert not logged_in(client)


def test_a_recovery_code_works_once(client):
    person = factories.region_admin()
    factories.totp_device(person)
    recovery = RecoveryCodeDevice.objects.create(user=person, name="secours", confirmed=True)
    codes = recovery.regenerate()
    password_step(client, "admin.region@region.test")
    response = code_step(client, codes[0].upper())
    assert response.status_code == 302 and logged_in(client)
    assert recovery.remaining() == 9
    client.post(reverse("accounts:logout"))
    password_step(client, "admin.region@region.test")
    response = code_step(client, codes[0])
    assert "Ce code n'est pas valide ou a déjà été utilisé." in text(response)
    assert not logged_in(client)


def test_wrong_codes_are_throttled_then_allowed_again(client):
    person = factories.region_admin()
    device = factories.totp_device(person)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        password_step(client, "admin.region@region.test")
        for _ in range(4):
            code_step(client, "000000")
        # 4 failures: the next try must wait 8 seconds, even with the right code.
        response = code_step(client, factories.current_code(device))
        assert "Trop de codes incorrects. Patientez" in text(response)
        assert not logged_in(client)
    with time_machine.travel(start + timedelta(seconds=9), tick=False):
        response = code_step(client, factories.current_code(device))
        assert response.status_code == 302 and logged_in(client)


def test_the_pending_login_expires(client):
    person = factories.region_admin()
    device = factories.totp_device(person)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        password_step(client, "admin.region@region.test")
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        response = code_step(client, factories.current_code(device))
    assert response.url == reverse("accounts:login")
    assert not logged_in(client)


def test_a_password_alone_cannot_replace_an_existing_device(client):
    person = factories.region_admin()
    factories.totp_device(person)
    password_step(client, "admin.region@region.test")
    response = client.get(reverse("accounts:second_factor_setup"))
    assert response.url == reverse("accounts:second_factor")
    assert TOTPDevice.objects.filter(user=person).count() == 1


def test_a_session_opened_by_the_admin_login_must_still_give_the_second_factor(client):
    person = factories.region_admin(is_staff=True)
    device = factories.totp_device(person)
    client.post("/admin/login/", {"username": person.email, "password": factories.PASSWORD})
    assert logged_in(client)
    for path in ("/admin/", REGION_HOME, "/espace-pro/", "/comptes/mon-compte/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("accounts:second_factor")), path
    code_step(client, factories.current_code(device))
    assert client.get("/admin/").status_code == 200


def test_a_member_enables_then_disables_the_second_factor(client):
    person = factories.user("conseiller@structure.test")
    client.force_login(person)
    enrol(client)
    assert person.has_second_factor
    client.post(reverse("accounts:logout"))
    assert password_step(client, person.email).url == reverse("accounts:second_factor")
    code_step(client, factories.current_code(person.totp_device(), offset_steps=1))
    assert logged_in(client)
    code = RecoveryCodeDevice.objects.get(user=person).regenerate()[0]  # the TOTP code was just used
    response = client.post(
        reverse("accounts:second_factor_disable"),
        {"password": factories.PASSWORD, "code": code},
        follow=True,
    )
    assert "La double authentification est désactivée." in text(response)
    assert not person.has_second_factor
    assert not RecoveryCodeDevice.objects.filter(user=person).exists()


def test_disabling_the_second_factor_asks_for_the_password_and_a_current_code(client):
    person = factories.user("conseiller@structure.test")
    device = factories.totp_device(person)
    factories.login_verified(client, person)
    url = reverse("accounts:second_factor_disable")
    attempts = [
        {},
        {"password": factories.PASSWORD},
        {"code": factories.current_code(device)},
        {"password": "pas le bon mot de passe", "code": factories.current_code(device)},
        {
            "password": factories.PASSWORD,
            "code": "000000" if factories.current_code(device) != "000000" else "111111",
        },
    ]
    for data in attempts:
        response = client.post(url, data, follow=True)
        assert "mot de passe et un code" in text(response)
        assert person.has_second_factor


def test_region_staff_cannot_disable_the_second_factor(client):
    person = factories.region_instructor()
    factories.login_verified(client, person)
    response = client.post(reverse("accounts:second_factor_disable"), follow=True)
    assert "obligatoire pour votre compte" in text(response)
    assert person.has_second_factor


def test_recovery_codes_can_be_regenerated_from_the_account(client):
    person = factories.region_instructor()
    factories.login_verified(client, person)
    RecoveryCodeDevice.objects.create(user=person, name="secours", confirmed=True).regenerate()
    old = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    response = client.post(reverse("accounts:recovery_codes_regenerate"))
    assert len(re.findall(r"<li><code>", response.content.decode())) == 10
    assert not old & set(RecoveryCode.objects.values_list("code_hash", flat=True))


def test_an_unverified_session_may_log_out_and_comes_back_where_it_was_going(client):
    person = factories.region_admin(is_staff=True)
    device = factories.totp_device(person)
    client.post("/admin/login/", {"username": person.email, "password": factories.PASSWORD})
    response = client.get("/region/")
    assert response.url == f"{reverse('accounts:second_factor')}?next=%2Fregion%2F"
    response = client.post(response.url, {"code": factories.current_code(device)})
    assert response.url == "/region/"
    client.post(reverse("accounts:logout"))
    assert not logged_in(client)
    client.post("/admin/login/", {"username": person.email, "password": factories.PASSWORD})
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not logged_in(client)


def test_a_refused_disabling_shows_the_account_page_with_its_form_in_error(client):
    person = factories.user("conseiller@structure.test")
    factories.totp_device(person)
    factories.login_verified(client, person)
    response = client.post(reverse("accounts:second_factor_disable"), {"password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Erreur : " in html
    assert 'href="#id_password"' in html and 'href="#id_code"' in html
    assert re.search(r'id="id_password"[^>]*aria-invalid="true"', html) or re.search(
        r'aria-invalid="true"[^>]*id="id_password"', html
    )
    assert person.has_second_factor
