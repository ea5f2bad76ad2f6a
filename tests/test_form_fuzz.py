"""Hostile values in every field of every form of the project.

Forms are discovered as tests/test_authorization_matrix.py discovers pages: every URL of the URL
configuration is opened by a persona allowed there, and each <form> of the page is read (action,
method, fields with their current values). Then, field by field, a hostile value replaces the current
one — a NUL byte (PostgreSQL refuses it), 100 kB of text, non-finite and 5,000-digit numbers — and the
form is sent. Expected: never a 5xx; a 4xx is in French; and nothing is written to the database (no
INSERT, UPDATE or DELETE outside the session and the login-failure counter). A form added to a page
is covered without being listed; a form refusing a replayed one-time token or a rate limit answers a
French 4xx or re-displays itself, which passes.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from tests.test_authorization_matrix import (  # noqa: F401 (world is a fixture)
    MATRIX,
    client_for,
    project_urls,
    url_for,
    world,
)

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = {
    "nul": "\x00",
    "nul-inside": "ab\x00cd",
    "100-kB": "a" * 100_000,
    "1e999": "1e999",
    "nan": "NaN",
    "5000-digits": "9" * 5000,
}
# Numbers no field can hold; in a free text ("NaN" as a name) they are text, and may be kept.
NUMERIC_VALUES = {"1e999", "nan", "5000-digits"}
TEXT_KINDS = {"text", "textarea", "search", "email", "tel", "url", "password", "hidden"}
# Writes a refused form may still make: the session (messages) and the counters that are the defence
# itself (failed logins, rate limits of public forms, one-time tokens of creating forms).
ALLOWED_WRITES = ("django_session", "accounts_loginattempt", "core_ratecounter", "core_usedformtoken")
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Personas tried in this order: the first one the matrix lets read the page (and post to it) is used.
PERSONA_ORDER = ["admin_region", "admin_a", "conseiller_a", "anonyme", "instructeur", "conseiller_b"]
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}
# Posting to the logout ends the session; an attestation's PDF, an attachment and the minutes of a
# committee session are documents, not pages.
NOT_FOLLOWED = {
    "accounts:logout",
    "attestations:pdf",
    "labellisation:download",
    "comites:minutes_pdf",
    "formations:attestation",
    "ressources:download",
    "actualites:attachment",
    "territoires:document",
}


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name -> current value
    kinds: dict = field(default_factory=dict)  # name -> "checkbox", "radio", "select", "text"…


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = Form(action=a.get("action") or "", method=(a.get("method") or "get").lower())
            self.forms.append(self.current)
        elif self.current is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                self.current.kinds.setdefault(a["name"], kind)
                if "checked" in a:
                    self.current.fields[a["name"]] = a.get("value", "on")
                self.current.fields.setdefault(a["name"], "")
                return
            self.current.fields[a["name"]] = a.get("value", "")
            self.current.kinds[a["name"]] = kind
        elif tag == "select":
            self.select = a["name"]
            self.current.fields[a["name"]] = ""
            self.current.kinds[a["name"]] = "select"
        elif tag == "option" and self.select:
            if "selected" in a or not self.current.fields[self.select]:
                self.current.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.current.fields[a["name"]] = ""
            self.current.kinds[a["name"]] = "textarea"

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            self.current.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def persona_for(entry) -> str | None:
    for persona in PERSONA_ORDER:
        if entry.statuses.get(persona) != 200:
            continue
        if entry.post and entry.post.get(persona) not in (200, 302):
            continue
        return persona
    return None


def pages():
    found = []
    for _route, name, params in project_urls():
        if name.startswith("api:") or name in NOT_FOLLOWED:
            continue
        entry = MATRIX.get(name)
        if entry is None or persona_for(entry) is None:
            continue
        found.append((name, params))
    return found


def project_path(page_url: str, action: str) -> str | None:
    target = urlsplit(action or page_url)
    if target.netloc:
        return None
    path = target.path or urlsplit(page_url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name in NOT_FOLLOWED or match.view_name.startswith("admin:"):
        return None
    return path + (f"?{target.query}" if target.query else "")


def writes(queries) -> list[str]:
    found = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in ALLOWED_WRITES:
            found.append(f"{match.group(1)} {match.group(2)}")
    return found


def is_french(response) -> bool:
    text = response.content.decode("utf-8", "replace")
    return 'lang="fr"' in text or '"detail"' in text


def send(client, form: Form, path: str, data: dict):
    if form.method == "post":
        return client.post(path, data)
    separator = "&" if "?" in path else "?"
    return client.get(f"{path}{separator}{urlencode(data)}")


@pytest.mark.parametrize("name,params", pages(), ids=[p[0] for p in pages()])
def test_every_form_refuses_hostile_values_in_french_and_writes_nothing(world, name, params):  # noqa: F811
    objects, personas, _sessions = world
    entry = MATRIX[name]
    page_url = url_for(name, params, entry, objects)
    client = client_for(personas[persona_for(entry)])
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    parser = FormParser()
    parser.feed(page.content.decode())
    wrong = []
    for form in parser.forms:
        path = project_path(page_url, form.action)
        fuzzable = [f for f in form.fields if f not in SKIPPED_FIELDS]
        if path is None or not fuzzable:
            continue
        for field_name in fuzzable:
            for value_name, value in HOSTILE_VALUES.items():
                data = {k: v for k, v in form.fields.items() if v != "" or form.kinds.get(k) == "text"}
                data[field_name] = value
                with CaptureQueriesContext(connection) as queries:
                    response = send(client, form, path, data)
                where = f"{form.method.upper()} {path} {field_name}={value_name}"
                if response.status_code >= 500:
                    wrong.append(f"{where}: {response.status_code}")
                elif response.status_code >= 400 and not is_french(response):
                    wrong.append(f"{where}: {response.status_code} sans message en français")
                # A checkbox holding anything is ticked: that is what the person asked for.
                elif form.kinds.get(field_name) == "checkbox":
                    continue
                elif value_name in NUMERIC_VALUES and form.kinds.get(field_name) in TEXT_KINDS:
                    continue
                elif writes(queries.captured_queries):
                    wrong.append(f"{where}: écrit {sorted(set(writes(queries.captured_queries)))}")
    assert not wrong, f"{page_url}\n" + "\n".join(wrong)


def test_the_forms_of_the_project_are_found():
    # Login, password reset, the annuaire search, the questionnaire, structures, sites, services,
    # members, networks, referrals, contact requests, the Région's person search…
    assert len(pages()) >= 25
