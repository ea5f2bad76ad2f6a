"""A Région agent enrols a second factor in a real browser, then logs in with a recovery code;
every page of the way passes axe (RGAA)."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.browser.conftest import run_in_server_env, sent_emails
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-spro-2026"
# An agent of its own: the demo's agents are enrolled by the other browser tests, in whatever order they run.
AGENT = "agent-double-facteur@region.demo"
NEW_AGENT = f"""
from spro.accounts.models import User
if not User.objects.filter(email="{AGENT}").exists():
    User.objects.create_user(email="{AGENT}", password="{DEMO_PASSWORD}", first_name="Camille",
                             last_name="Agent", region_role=User.RegionRole.INSTRUCTOR)
"""


@pytest.fixture(autouse=True)
def agent(server_url):
    run_in_server_env("shell", "-c", NEW_AGENT)


def password_step(visit):
    visit.goto("/comptes/connexion/")
    visit.page.fill("input[name=username]", AGENT)
    visit.page.fill("input[name=password]", DEMO_PASSWORD)
    visit.page.get_by_role("button", name="Se connecter").click()
    visit.page.wait_for_load_state("networkidle")


def test_a_region_agent_enrols_then_uses_a_recovery_code(visit):
    password_step(visit)
    page = visit.page
    assert "/comptes/double-authentification/activer/" in page.url
    assert_accessible(visit, "/comptes/double-authentification/activer/")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    mailed = re.findall(r"sur votre compte : (\d{6})", sent_emails())
    page.get_by_label("Code reçu par courriel").fill(mailed[-1])
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(f"{totp(b32decode(secret)):06d}")
    page.get_by_role("button", name="Activer").click()
    page.wait_for_load_state("networkidle")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert page.locator("h1").inner_text() == "Vos codes de secours"
    assert_accessible(visit, "/comptes/mon-compte/")

    page.get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_load_state("networkidle")
    password_step(visit)
    assert "/comptes/connexion/double-authentification/" in page.url
    assert_accessible(visit, "/comptes/connexion/double-authentification/")
    page.get_by_label("Code à 6 chiffres ou code de secours").fill(codes[0])
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/espace-pro/")
    assert "code de secours" in page.content()
