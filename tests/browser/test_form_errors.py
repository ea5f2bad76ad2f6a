"""Every form of the project, sent with its required fields empty in a real browser (RGAA 11.10/11.11).

Pages are discovered as the authorisation matrix discovers them: from the URL configuration. Each persona
of the demo (`spro setup-demo`) walks the links of the site; every page reached is resolved to its URL
name, and every URL name that answers a form error to a POST (MATRIX) must have been reached, so that a
new form is covered without being listed. On each page, each <form method="post"> with a constrained
field (required, or marked "(obligatoire)") is sent with those fields emptied. Then: the focus is on the
error summary, the title starts with "Erreur", every link of the summary targets an existing field, every
error message belongs to an input with aria-invalid="true" that refers to it in aria-describedby, and
axe finds no violation in the error state.

A page is opened in the browser only when the HTML the walk read has a form still to send: most pages carry
nothing but the log-out form, forms already checked for an earlier persona, or buttons in a form without a
field to fill (every page's console and axe are checked by test_axe_all_pages.py). A form's controls are
read in one script, and only those a person must fill are handled one by one.
"""

import html
import json
import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve

from tests.browser.conftest import RECOVERY_CODES
from tests.browser.conftest import log_in as conftest_log_in
from tests.test_authorization_matrix import MATRIX, project_urls

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-spro-2026"
PERSONAS = {
    "anonyme": None,
    "admin_structure": "structure@structure.demo",
    "conseiller": "conseiller@structure.demo",
    "admin_region": "admin@region.demo",
}
START_PAGES = [
    "/",
    "/comptes/connexion/",
    "/comptes/mot-de-passe-oublie/",
    "/espace-pro/",
    "/comptes/mon-compte/",
    "/metiers/D1102/",  # a métier page and its « qui peut vous accompagner » form, deep in the browsing
]
NOT_WALKED = ("/api/", "/admin/", "/static/", "/media/")
# Forms that are not Django forms and answer with a message after a redirect, by the URL they post to.
NOT_A_FORM_PATTERN: dict[str, str] = {}  # URL name -> why its form is not drawn by the shared pattern
# URL names that show a form in error only after an earlier step: reached through that step, not a link.
REACHED_BY_A_STEP = {
    "aiguillage:answer": "les réponses aux questions de « Trouver mon interlocuteur » (formulaire de départ)",
    "accounts:login_second_factor": "la connexion d'un compte à double authentification (parcours Région)",
    "accounts:second_factor_setup": "la première connexion d'un agent de la Région (parcours Région)",
    "accounts:password_reset_confirm": "le lien reçu par courriel",
    "accounts:invitation": "le lien reçu par courriel",
    "aiguillage:contact": "la page d'un lieu ou la réponse",
}
WALKED: dict[str, dict[str, str]] = {}  # persona -> URL name -> path
READ: dict[tuple[str, str], str] = {}  # (persona, path) -> the HTML the walk read
FORM_TAG = re.compile(r"<form\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')
CHECKED: list[tuple[str, str, str]] = []  # (persona, url name, outcome)
SECOND_FACTOR = RECOVERY_CODES  # email -> unused recovery codes, shared with the other browser tests


def url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def log_in(visit, email: str):
    """The shared log-in, with each second-factor form checked in error on the way."""
    conftest_log_in(visit, email, check_form=lambda name, form: check_error_state(visit, name, form))


def walk(visit, persona: str) -> dict[str, str]:
    """One path per URL name, reached from the start pages by following links (GET only)."""
    found: dict[str, str] = {}
    queue = list(START_PAGES)
    seen: set[str] = set()
    while queue and len(seen) < 250:
        path = queue.pop(0)
        name = url_name(path)
        if path in seen or name is None or name in found:
            continue
        seen.add(path)
        response = visit.page.request.get(visit.base_url + path, max_redirects=0)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        found[name] = path
        READ[(persona, path)] = response.text()
        for href in re.findall(r'href="([^"#]+)', READ[(persona, path)]):
            href = href.replace("&amp;", "&")
            if href.startswith("/") and not href.startswith(NOT_WALKED):
                queue.append(href)
    WALKED[persona] = found
    return found


def constrained_fields(form):
    """The visible controls a person must fill, emptied in place; none: nothing to check."""
    controls = form.locator("input, select, textarea")
    # What the markup says of each control, read in one script: its type, whether it is required or its
    # label says "(obligatoire)", its tag, whether a select has an empty choice.
    described = controls.evaluate_all(
        """(controls, form) => controls.map(c => {
            const id = c.getAttribute('id') || '';
            const labels = [...form.querySelectorAll('label')].filter(l => id && l.htmlFor === id);
            const marked = labels.some(l => l.innerText.includes('(obligatoire)'));
            return {
                kind: (c.getAttribute('type') || 'text').toLowerCase(),
                constrained: c.hasAttribute('required') || marked,
                tag: c.tagName,
                emptyChoice: c.tagName === 'SELECT' && !!c.querySelector('option[value=""]'),
            };
        })""",
        form.element_handle(),
    )
    emptied = 0
    for index, markup in enumerate(described):
        kind = markup["kind"]
        if kind in ("hidden", "submit", "button", "radio") or not markup["constrained"]:
            continue
        control = controls.nth(index)
        if not control.is_visible() or control.is_disabled():
            continue
        if kind == "checkbox":
            control.uncheck()
        elif markup["tag"] == "SELECT":
            if not markup["emptyChoice"]:
                continue
            control.select_option("")
        elif kind == "file":
            control.set_input_files([])
        else:
            control.fill("")
        emptied += 1
    return emptied


def check_error_state(visit, name: str, form) -> bool:
    """Send `form` with its required fields emptied and check the page in error; False: nothing sent."""
    page = visit.page
    if not constrained_fields(form):
        CHECKED.append((name, page.url, "sans champ obligatoire : non vérifié"))
        return False
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    where = f"{name} ({page.url})"
    assert page.title().startswith("Erreur : "), f"{where}: title « {page.title()} »"
    focused = page.evaluate("document.activeElement.hasAttribute('data-spro-error-summary')")
    assert focused, f"{where}: the focus is not on the error summary"
    state = page.evaluate(
        """() => {
        const summary = document.querySelector('[data-spro-error-summary]');
        const links = [...summary.querySelectorAll('a')].map(a => {
            const target = document.getElementById(a.getAttribute('href').slice(1));
            return [a.getAttribute('href'), target ? target.tagName : null];
        });
        const messages = [...document.querySelectorAll('[id$="-erreur"]')].map(m => m.id);
        const described = {};
        for (const c of document.querySelectorAll('input, select, textarea')) {
            for (const id of (c.getAttribute('aria-describedby') || '').split(/\\s+/)) {
                if (id) (described[id] = described[id] || []).push(c.getAttribute('aria-invalid'));
            }
        }
        return {links, messages, described, count: summary.querySelector('h2').textContent};
    }"""
    )
    assert state["links"] or "erreur" in state["count"], f"{where}: an empty summary"
    for href, tag in state["links"]:
        assert tag in ("INPUT", "SELECT", "TEXTAREA"), f"{where}: the summary link {href} targets {tag}"
    for message in state["messages"]:
        marks = state["described"].get(message)
        assert marks, f"{where}: no input refers to the error {message} in aria-describedby"
        assert set(marks) == {"true"}, f"{where}: an input described by {message} lacks aria-invalid"
    violations = Axe().run(page).response["violations"]
    summary = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in violations]
    assert not violations, f"{where}: {json.dumps(summary, ensure_ascii=False)}"
    CHECKED.append((name, page.url, "vérifié"))
    return True


def already_verified(name: str) -> bool:
    return any(checked == name and outcome == "vérifié" for checked, _u, outcome in CHECKED)


def target_to_send(action: str, name: str) -> str | None:
    """The URL name under which the form posting to `action` is checked, or None when it is not sent: the
    log-out, a form outside the shared pattern, a form already checked for another persona or page."""
    target = url_name(action)
    if target in ("accounts:logout",) or target in NOT_A_FORM_PATTERN:
        return None
    return None if already_verified(target or name) else (target or name)


def has_a_form_to_send(markup: str, name: str, path: str) -> bool:
    """Whether the page's HTML has a <form method="post"> that `check_forms_of` would send: one with a
    control that may be constrained (no "required" nor "obligatoire" in the form: none is)."""
    lowered = markup.lower()
    for form in FORM_TAG.finditer(markup):
        end = lowered.find("</form", form.end())
        content = markup[form.end() : end if end >= 0 else len(markup)]
        attributes = {key.lower(): html.unescape(value) for key, value in ATTRIBUTE.findall(form.group(1))}
        if (
            attributes.get("method", "").lower() == "post"
            and target_to_send(attributes.get("action") or path, name)
            and re.search("required|obligatoire", content, re.IGNORECASE)
        ):
            return True
    return False


def check_forms_of(visit, name: str, path: str, markup: str | None = None):
    """Send each form of the page at `path` in error; `markup`: the HTML the walk read, when there is no
    form to send in it the page is not opened."""
    if markup is not None and not has_a_form_to_send(markup, name, path):
        return
    page = visit.page
    visit.goto(path)
    count = page.locator("form[method=post]").count()
    sent = False
    for index in range(count):
        if sent:  # the page in error replaced the one with the forms
            visit.goto(path)
        form = page.locator("form[method=post]").nth(index)
        target = target_to_send(form.get_attribute("action") or path, name)
        if target is None:
            continue  # the log-out, or the same form, already checked for another persona or on another page
        sent = check_error_state(visit, target, form)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_form_in_error_leads_to_its_summary_and_marks_its_fields(visit, persona):
    email = PERSONAS[persona]
    if email:
        log_in(visit, email)
    for name, path in walk(visit, persona).items():
        check_forms_of(visit, name, path, READ[(persona, path)])
    if persona == "anonyme":
        # The public contact form, reached from a site's page.
        items = visit.page.request.get(visit.base_url + "/api/v1/lieux?commune=31555&rayon=30").json()[
            "items"
        ]
        check_forms_of(visit, "aiguillage:contact", f"/trouver-mon-interlocuteur/contact/{items[0]['id']}/")
    assert visit.console_errors == [], visit.console_errors


def test_every_form_of_the_url_configuration_was_reached():
    if len(WALKED) < len(PERSONAS):
        pytest.skip("the walks of every persona run first (test above)")
    walked = set().union(*WALKED.values())
    with_forms = {
        name
        for _route, name, _params in project_urls()
        if MATRIX.get(name) and MATRIX[name].post and 200 in MATRIX[name].post.values()
    }
    missing = with_forms - walked - set(REACHED_BY_A_STEP)
    assert not missing, f"pages with a form that no link reaches: {sorted(missing)}"
    verified = {name for name, _url, outcome in CHECKED if outcome == "vérifié"}
    assert verified, CHECKED
