"""The public questions in a real browser: the answers never appear in an address, with or without
JavaScript; reload, back and "Modifier mes réponses" behave; a result is shared by network and commune."""

import pytest

from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser

START = "/trouver-mon-interlocuteur/"
ANSWER = "/trouver-mon-interlocuteur/reponse/"
PERSONAL = ("age=", "statut=", "besoin=", "secteur=", "rqth=", "cadre=")


def answer_the_questions(page, age="19", statut="sans-activite", besoin="trouver-emploi", commune="31555"):
    page.fill("input[name=age]", age)
    page.select_option("select[name=statut]", value=statut)
    page.select_option("select[name=besoin]", value=besoin)
    page.fill("#id_commune", commune)  # the visible field (with JavaScript a hidden field sends the code)
    page.get_by_role("button", name="Voir mon interlocuteur").click()
    page.wait_for_load_state("networkidle")


def test_the_answers_never_appear_in_an_address_and_the_answer_pages_are_accessible(visit):
    addresses = []
    visit.page.on("request", lambda request: addresses.append(request.url))
    visit.goto(START)
    answer_the_questions(visit.page)
    assert visit.page.url == visit.base_url + ANSWER
    assert "Adressez-vous à : Mission Locale" in visit.page.content()
    assert_accessible(visit, ANSWER)
    visit.goto(START)
    answer_the_questions(visit.page, age="67", statut="retraite", besoin="decouvrir-metiers", commune="")
    assert "Pas besoin d'un autre rendez-vous" in visit.page.content()
    assert_accessible(visit, ANSWER)
    leaked = [url for url in addresses if any(key in url for key in PERSONAL) or "=67" in url]
    assert leaked == []
    assert visit.external_requests == []


def test_without_javascript_reload_back_and_modifier_mes_reponses_work(browser, server_url):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(server_url) else route.abort(),
    )
    page.goto(server_url + START)
    answer_the_questions(page)
    assert page.url == server_url + ANSWER
    assert "Selon vos réponses : 19 ans" in page.content()
    page.reload()
    assert "Selon vos réponses : 19 ans" in page.content()
    page.go_back()
    assert page.url == server_url + START
    page.go_forward()
    assert page.url == server_url + ANSWER and "Adressez-vous à" in page.content()
    page.get_by_role("link", name="Modifier mes réponses").click()
    assert page.url == server_url + START
    assert page.input_value("input[name=age]") == "19"
    assert page.input_value("input[name=commune]") == "Toulouse (31)"  # the commune, not its INSEE code
    page.fill("input[name=age]", "45")
    page.get_by_role("button", name="Voir mon interlocuteur").click()
    assert "Selon vos réponses : 45 ans" in page.content()
    page.get_by_role("button", name="Effacer mes réponses de ce navigateur").click()
    assert page.url == server_url + START and page.input_value("input[name=age]") == ""
    context.close()


def test_a_shared_link_names_the_network_and_commune_only_and_is_accessible(visit, browser, server_url):
    visit.goto(START)
    answer_the_questions(visit.page)
    link = visit.page.get_by_role("link", name="lien vers Mission Locale près de Toulouse").first
    shared = link.get_attribute("href")
    assert shared == f"{ANSWER}?reseau=mission-locale&commune=31555"
    other = browser.new_context(locale="fr-FR").new_page()
    other.goto(server_url + shared)
    html = other.content()
    assert "Résultat partagé" in html and "19 ans" not in html and "Mission Locale" in html
    other.context.close()
    assert_accessible(visit, shared)


def test_a_person_who_prefers_remote_help_ticks_it_by_keyboard_and_gets_the_remote_services(visit):
    visit.goto(START)
    page = visit.page
    page.select_option("select[name=besoin]", value="trouver-formation")
    page.fill("#id_commune", "31555")
    remote = page.get_by_label("Je préfère être accompagné à distance (par téléphone ou sur internet)")
    remote.focus()
    page.keyboard.press("Space")
    assert remote.is_checked()
    page.get_by_role("button", name="Voir mon interlocuteur").click()
    page.wait_for_load_state("networkidle")
    html = page.content()
    assert "Accompagnement à distance de préférence" in html
    # The Région's phone line (demo: one per seed Région) answers at a distance, never with a distance.
    assert "Sans vous déplacer" in html and "Ligne d'information orientation Occitanie" in html
    assert_accessible(visit, ANSWER)
    assert "a_distance" not in page.url
