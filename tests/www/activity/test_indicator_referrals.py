"""Referrals on the indicator pages (sent and received by network pair, read from the referrals' own
indicator), the share of people who needed a second door, the link from a log entry to a referral of
its structure (never another's), and the charts drawn beside every table."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from spro.activity.models import Reception
from spro.referrals.models import Referral
from spro.routing.engine import clear_cache
from tests.forms import post_form
from tests.referrals import factories as rf

pytestmark = pytest.mark.django_db
NEW = "/espace-pro/activite/nouveau/"
INDICATORS = "/espace-pro/activite/indicateurs/"
REGION = "/region/activite/"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_engine():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def w(db):
    return rf.world()


def receptions(site, count, answer="information", **fields):
    values = {"mode": "sur-place", "sexe": "femme", "age_band": "18-25", "statut": "eleve", "need": "vae",
              "date": timezone.localdate() - timedelta(days=2), "answer": answer, **fields}  # fmt: skip
    Reception.objects.bulk_create(
        [Reception(structure=site.structure, site=site, **values) for _ in range(count)]
    )


def referrals(w, count, **fields):
    return [rf.referral(w, mode=Referral.Mode.DETAILS_GIVEN, **fields) for _ in range(count)]


def entry(site, **fields):
    return {
        "date": timezone.localdate().isoformat(),
        "site": site.pk,
        "mode": "sur-place",
        "sexe": "femme",
        "age_band": "18-25",
        "statut": "demandeur-emploi",
        "commune": "",
        "need": "trouver-formation",
        "answer": "orientation",
        "referral": "",
        "minutes": "",
        **fields,
    }


def row(label, value):
    return f'<tr><th scope="row">{escape(label)}</th><td>{value}</td></tr>'


# --- referrals and the second door on the pages ---------------------------------------------------


def test_the_structure_reads_its_referrals_sent_and_received_by_network_pair(client, w):
    referrals(w, 3)  # A (Mission locale) → B (France Travail)
    rf.referral(w, mode=Referral.Mode.DETAILS_GIVEN, sender_structure=w.structure_c, user=w.carole,
                to_site=w.site_a)  # fmt: skip
    labels = dict(w.structure_a.network.__class__.objects.values_list("code", "label"))
    ml, ft, cio = (labels[s.network.code] for s in (w.structure_a, w.structure_b, w.structure_c))
    rf.login(client, w.alice)
    page = client.get(INDICATORS).content.decode()
    middle = page.index('id="tableau-orientations-recues"')
    sent, received = page[page.index('id="tableau-orientations-envoyees"') : middle], page[middle:]
    assert row(f"{ml} → {ft}", 3) in sent  # its own figures, unmasked
    assert row(f"{cio} → {ml}", 1) in received and escape(ft) not in received


def test_the_second_door_share_is_the_receptions_answered_by_a_referral(client, w):
    receptions(w.site_a, 6, answer="orientation")
    receptions(w.site_a, 18, answer="conseil")
    rf.login(client, w.alice)
    page = client.get(INDICATORS).content.decode()
    share = "Part des personnes orientées vers un réseau (deuxième porte) :\n    <strong>25,0\u00a0%</strong>"
    assert f"{share} (6 sur 24)" in page


def test_the_region_masks_small_pairs_and_the_share_built_on_a_small_count(client, w):
    referrals(w, 7)  # Mission locale → France Travail
    rf.referral(w, mode=Referral.Mode.DETAILS_GIVEN, sender_structure=w.structure_c, user=w.carole,
                to_site=w.site_b)  # fmt: skip
    receptions(w.site_a, 2, answer="orientation")
    receptions(w.site_a, 30, answer="conseil")
    rf.login(client, w.iris)
    page = client.get(REGION).content.decode()
    pairs = page[page.index('id="tableau-orientations"') :]
    # 7 and 1: the 1 is small, the 7 would give it away from the total 8, so it is "secret".
    assert re.search(r"<th scope=\"row\">[^<]+</th><td>&lt; 5</td>", pairs)
    assert re.search(r"<th scope=\"row\">[^<]+</th><td>secret</td>", pairs)
    assert "<td>7</td>" not in pairs and "<td>1</td>" not in pairs
    # 2 people of 32 were oriented: a small count, so the share is not given either.
    assert "(deuxième porte) :\n    <strong>non communiquée</strong>" in page


def test_the_region_referral_table_follows_the_network_filter(client, w):
    referrals(w, 6)  # Mission locale → France Travail
    rf.login(client, w.iris)
    total = '<tfoot><tr><th scope="row">Total</th><td>{}</td></tr></tfoot>'

    def pairs(query):
        page = client.get(f"{REGION}{query}").content.decode()
        return page[page.index('id="tableau-orientations"') :]

    assert total.format(6) in pairs(f"?reseau={w.structure_b.network.code}")  # received by the network
    assert total.format(6) in pairs(f"?reseau={w.structure_a.network.code}")  # sent by it
    assert "Aucune orientation sur la période." in pairs(f"?reseau={w.structure_c.network.code}")


def test_the_referral_tables_download_in_every_format(client, w):
    from odf import teletype
    from odf.opendocument import load
    from odf.table import TableRow
    from openpyxl import load_workbook

    referrals(w, 3)
    rf.login(client, w.alice)
    url = f"{INDICATORS}?format_orientations-envoyees="
    rows = list(csv.reader(io.StringIO(client.get(url + "csv").content.decode("utf-8-sig"))))
    assert rows[0] == ["Orientations envoyées, par paire de réseaux", "Orientations"]
    assert rows[1][1] == "3" and rows[-1] == ["Total", "3"]
    book = load_workbook(io.BytesIO(client.get(url + "xlsx").content))
    assert [list(r) for r in book.active.iter_rows(values_only=True)][1][1] == 3
    document = load(io.BytesIO(client.get(url + "ods").content))
    texts = [teletype.extractText(r) for r in document.getElementsByType(TableRow)]
    assert texts[1] == rows[1][0] + "3" and texts[-1] == "Total3"


def test_the_answer_table_download_ends_with_the_share(client, w):
    receptions(w.site_a, 5, answer="orientation")
    receptions(w.site_a, 15, answer="conseil")
    rf.login(client, w.alice)
    content = client.get(f"{INDICATORS}?format_answer=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[-2] == ["Total", "20"]
    assert rows[-1] == ["Part des personnes orientées vers un réseau (deuxième porte)", "25,0\u00a0%"]


# --- linking a log entry to a referral ------------------------------------------------------------


def test_an_entry_answered_by_a_referral_links_to_one_the_structure_sent(client, w):
    (mine,) = referrals(w, 1)
    rf.login(client, w.alice)
    form = client.get(NEW).content.decode()
    assert f'<option value="{mine.pk}">N° {mine.pk} du ' in form
    assert w.structure_b.name in form  # named by where it went, never by the person
    assert rf.PERSON["person_name"] not in form
    response = post_form(client, NEW, entry(w.site_a, referral=str(mine.pk)))
    assert response.status_code == 302
    assert Reception.objects.get().referral == mine
    # Counted once: the next entry is not offered it again.
    assert f'<option value="{mine.pk}">' not in client.get(NEW).content.decode()
    # The referral page says it is counted.
    page = client.get(f"/espace-pro/orientations/{mine.pk}/").content.decode()
    assert "Comptée dans le journal des accueils de" in page


def test_another_structures_referral_cannot_be_linked(client, w):
    theirs = rf.referral(w, mode=Referral.Mode.DETAILS_GIVEN, sender_structure=w.structure_c, user=w.carole)
    rf.login(client, w.alice)
    assert f'<option value="{theirs.pk}">' not in client.get(NEW).content.decode()
    response = post_form(client, NEW, entry(w.site_a, referral=str(theirs.pk)))
    assert response.status_code == 422
    assert "Choisissez une orientation envoyée par votre structure." in response.content.decode()
    assert not Reception.objects.exists()


def test_only_a_referral_answer_links_to_a_referral(client, w):
    (mine,) = referrals(w, 1)
    rf.login(client, w.alice)
    response = post_form(client, NEW, entry(w.site_a, answer="conseil", referral=str(mine.pk)))
    assert response.status_code == 422
    message = "ne se lie qu'à un accueil dont la réponse est « Orientation vers un réseau »"
    assert escape(message) in response.content.decode()
    assert not Reception.objects.exists()


def test_old_referrals_are_not_offered(client, w):
    (old,) = referrals(w, 1)
    Referral.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    rf.login(client, w.alice)
    assert f'<option value="{old.pk}">' not in client.get(NEW).content.decode()
    assert post_form(client, NEW, entry(w.site_a, referral=str(old.pk))).status_code == 422


def test_an_unlinked_referral_page_says_so(client, w):
    (mine,) = referrals(w, 1)
    rf.login(client, w.alice)
    page = client.get(f"/espace-pro/orientations/{mine.pk}/").content.decode()
    assert "Pas encore liée à un accueil du journal" in page


# --- the charts -------------------------------------------------------------------------------------


def test_every_table_has_its_chart_with_values_written_and_masked_cells_in_words(client, w):
    receptions(w.site_a, 40)
    receptions(w.site_a, 2, sexe="homme")
    rf.login(client, w.iris)
    page = client.get(REGION).content.decode()
    charts = re.findall(r'<svg role="img" aria-labelledby="(graphique-[\w-]+)-titre \1-resume"', page)
    tables = re.findall(r'<h2 id="tableau-([\w-]+)"', page)
    with_rows = [code for code in tables if f"graphique-{code}" in charts]
    assert "graphique-sexe" in charts and "graphique-mois" in charts and "graphique-provenance" in charts
    assert len(charts) == len(with_rows)  # one chart per table that has rows, no other
    start = page.index('id="graphique-sexe-titre"')
    sexe = page[start : page.index("</svg>", start)]
    assert 'id="graphique-sexe-titre">Par sexe</title>' in sexe
    # 40 women, 2 men (small) and so the women "secret" too; 0 "non précisé" written as 0.
    assert re.search(r">\s*secret\s*</text>", sexe) and re.search(r">\s*&lt; 5\s*</text>", sexe)
    assert re.search(r'font-weight="bold" fill="#161616">0</text>', sexe)
    assert "url(#graphique-sexe-hachures)" in sexe  # a masked value is a hatched band, not a colour


def test_the_structure_chart_writes_each_value_at_the_end_of_its_bar(client, w):
    receptions(w.site_a, 40)
    receptions(w.site_a, 2, sexe="homme")
    rf.login(client, w.alice)
    page = client.get(INDICATORS).content.decode()
    start = page.index('id="graphique-sexe-titre"')
    sexe = page[start : page.index("</svg>", start)]
    assert re.search(r'font-weight="bold" fill="#161616">40</text>', sexe)
    assert re.search(r'font-weight="bold" fill="#161616">2</text>', sexe)
    bar = r'<rect x="270" y="[\d.]+" width="([\d.]+)" height="18" fill="#000091"'
    widths = [float(x) for x in re.findall(bar, sexe)]
    assert widths[0] == max(widths) and widths[1] == pytest.approx(widths[0] * 2 / 40, abs=0.1)


def test_a_corrected_entry_keeps_its_referral_and_may_not_take_another_structures(client, w):
    (mine,) = referrals(w, 1)
    theirs = rf.referral(w, mode=Referral.Mode.DETAILS_GIVEN, sender_structure=w.structure_c, user=w.carole)
    rf.login(client, w.alice)
    post_form(client, NEW, entry(w.site_a, referral=str(mine.pk)))
    reception = Reception.objects.get()
    Referral.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(days=40))
    url = f"/espace-pro/activite/{reception.pk}/modifier/"
    assert f'<option value="{mine.pk}" selected>' in client.get(url).content.decode()
    response = client.post(url, entry(w.site_a, referral=str(theirs.pk)))
    assert response.status_code == 422
    reception.refresh_from_db()
    assert reception.referral == mine
