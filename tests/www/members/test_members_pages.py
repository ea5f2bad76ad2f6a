"""The Région's membership dashboard (/region/membres/): members counted by status, volet, network and
département; labels ending in the next 90 days; annual reports due, late and submitted; campaign
progress; the member list with its filters; who signed the charter in force. Every table downloads
in CSV, XLSX and ODS with the rows the page shows."""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from spro.directory.models import Network
from spro.labels.models import (
    Adhesion,
    AnnualReport,
    Application,
    Campaign,
    Charter,
    Decision,
    Label,
    LabelPolicy,
)
from spro.labels.status import refresh_status, set_region_status
from tests.accounts import factories as accounts
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db

TOULOUSE, MONTPELLIER, ALBI = "31555", "34172", "81004"
PARIS_TZ = timezone.get_fixed_timezone(60)
SPRO_VOLET = "Volet SPRO (premier niveau d'accueil)"
BOTH_VOLETS = f"{SPRO_VOLET}, Volet Information Métiers"


def network(code: str) -> str:
    return Network.objects.get(code=code).label


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=PARIS_TZ)


def member_structure(network: str, name: str, *communes: str):
    structure = directory.structure(network, name=name)
    for commune in communes:
        directory.site(name=f"{name} — {commune}", commune_code=commune, structure_obj=structure)
    return structure


def labelled(structure, volets, valid_from: date, valid_until: date | None, reference: str, day: date):
    """A granted label (dossier, decision, label) and the structure's status refreshed on `day`."""
    policy = LabelPolicy.objects.in_force("76")
    application = Application.objects.create(
        structure=structure, region_code="76", policy=policy, volets=volets, state="accorde"
    )
    decision = Decision.objects.create(
        application=application,
        outcome="accorde",
        decided_on=valid_from,
        decided_by_body="Région Occitanie",
        attestation_reference=reference,
    )
    label = Label.objects.create(
        structure=structure,
        region_code="76",
        decision=decision,
        policy=policy,
        volets=volets,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    refresh_status(structure, day=day)
    return label


@pytest.fixture
def staff(client):
    client.person = accounts.region_instructor()
    return client


@pytest.fixture
def region(settings):
    """Occitanie (76) on 15 October 2027: two members by law, one recognised, one local partner, two
    labelled (one ending on 31 December 2027, one in 2028), reports of 2026 late, due and submitted."""
    settings.SPRO_REGION = "76"
    day = date(2027, 10, 15)
    with time_machine.travel(at(day), tick=False):
        agent = accounts.region_admin("chef@region.test")
        cio = member_structure("cio", "CIO de Toulouse", TOULOUSE)
        ml = member_structure("mission-locale", "Mission Locale de Montpellier", MONTPELLIER, TOULOUSE)
        cidff = member_structure("cidff", "CIDFF du Tarn", ALBI)
        set_region_status(cidff, "reconnu", agent, "Délibération du 12 mars")
        partner = member_structure("cidff", "Association des parents", ALBI)
        set_region_status(partner, "partenaire-local", agent, "Partenaire du bassin d'Albi")
        member_structure("cidff", "Sans statut", ALBI)
        ij = member_structure("information-jeunesse", "Info Jeunes Toulouse", TOULOUSE)
        soon = labelled(ij, ["spro"], date(2026, 5, 12), date(2027, 12, 31), "SPRO-76-2026-AAAA1111", day)
        cdm = member_structure("cite-des-metiers", "Cité des métiers d'Albi", ALBI)
        later = labelled(
            cdm,
            ["spro", "information-metiers"],
            date(2026, 6, 1),
            date(2028, 12, 31),
            "SPRO-76-2026-BBBB2222",
            day,
        )
        late = AnnualReport.objects.create(label=soon, year=2026, due_on=date(2027, 3, 31))
        done = AnnualReport.objects.create(
            label=later, year=2026, due_on=date(2027, 3, 31), submitted_at=at(date(2027, 3, 20))
        )
        due = AnnualReport.objects.create(label=later, year=2027, due_on=date(2028, 3, 31))
    return {
        "day": day,
        "cio": cio,
        "ml": ml,
        "cidff": cidff,
        "partner": partner,
        "ij": ij,
        "cdm": cdm,
        "soon": soon,
        "later": later,
        "reports": {"late": late, "done": done, "due": due},
        "agent": agent,
    }


def get(client, url, day):
    """GET `url` on `day`, logged in then (a session opened on another day may have expired)."""
    with time_machine.travel(at(day), tick=False):
        accounts.login_verified(client, client.person)
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def table(response, name):
    return response.context["tables"][name]["rows"]


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def read_xlsx(response) -> list[list]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def read_ods(response) -> list[list[str]]:
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = load(io.BytesIO(response.content))
    rows = []
    for row in document.spreadsheet.getElementsByType(Table)[0].getElementsByType(TableRow):
        cells = []
        for cell in row.getElementsByType(TableCell):
            cells.append("".join(str(p) for p in cell.getElementsByType(P)))
        rows.append(cells)
    return rows


def as_text(rows) -> list[list[str]]:
    return [[str(v) if not isinstance(v, datetime) else v.date().isoformat() for v in row] for row in rows]


# --- the dashboard -----------------------------------------------------------------------------------


def test_members_are_counted_by_status_volet_network_and_departement(staff, region):
    response = get(staff, "/region/membres/", region["day"])
    assert response.context["total"] == 6  # the structure without a status is not counted
    assert table(response, "statuts") == [
        ["Membre de droit", 2],
        ["Reconnu par la Région", 1],
        ["Labellisé SPRO", 2],
        ["Partenaire local", 1],
    ]
    assert table(response, "volets") == [
        ["Volet SPRO (premier niveau d'accueil)", 2],
        ["Volet Information Métiers", 1],
    ]
    label = dict(Network.objects.values_list("code", "label"))
    networks = {row[0]: row[1:] for row in table(response, "reseaux")}
    assert networks[label["cidff"]] == [2, 0, 1, 0, 1]  # total, de droit, reconnu, labellisé, partenaire
    assert networks[label["mission-locale"]] == [1, 1, 0, 0, 0]
    departements = {row[0]: row[2:] for row in table(response, "departements")}
    # The Mission Locale has sites in Hérault and Haute-Garonne: it counts in both.
    assert departements == {
        "31": [3, 2, 0, 1, 0],
        "34": [1, 1, 0, 0, 0],
        "81": [3, 0, 1, 1, 1],
    }
    html = response.content.decode()
    for url in ("/region/membres/liste/", "/region/membres/chartes/", "/region/membres/bilans/"):
        assert f'href="{url}"' in html


def test_the_volet_names_come_from_the_policy(staff, region):
    policy = LabelPolicy.objects.reading("76")
    response = get(staff, "/region/membres/", region["day"])
    assert [row[0] for row in table(response, "volets")] == list(policy.volets.values())


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 10, 1), []),  # 91 days before the end of the label
        (date(2027, 10, 2), ["Info Jeunes Toulouse"]),  # 90 days before
        (date(2027, 12, 31), ["Info Jeunes Toulouse"]),  # its last day
        (date(2028, 10, 2), ["Cité des métiers d'Albi"]),  # the other, 90 days before its end
    ],
)
def test_labels_expiring_in_the_next_90_days(staff, region, day, expected):
    response = get(staff, "/region/membres/", day)
    rows = table(response, "echeances")
    assert [row[0] for row in rows] == expected
    if expected:
        assert rows[0][5] == (rows[0][4] - day).days


def test_an_expired_or_withdrawn_label_is_not_listed_as_expiring(staff, region):
    Label.objects.filter(pk=region["soon"].pk).update(state="retire")
    assert table(get(staff, "/region/membres/", date(2027, 11, 1)), "echeances") == []


def test_reports_due_late_and_submitted_per_year(staff, region):
    response = get(staff, "/region/membres/", region["day"])
    # year, due, late, submitted, total
    assert table(response, "bilans") == [[2027, 1, 0, 0, 1], [2026, 0, 1, 1, 2]]
    assert response.context["late_count"] == 1
    assert "1 bilan en retard" in response.content.decode()


def test_a_report_is_due_until_its_day_and_late_the_next(staff, region):
    AnnualReport.objects.filter(pk=region["reports"]["late"].pk).update(due_on=date(2027, 10, 15))
    assert table(get(staff, "/region/membres/", date(2027, 10, 15)), "bilans")[1] == [2026, 1, 0, 1, 2]
    assert table(get(staff, "/region/membres/", date(2027, 10, 16)), "bilans")[1] == [2026, 0, 1, 1, 2]


def test_campaign_progress_counts_the_applications_of_the_open_campaign(staff, region):
    spring = Campaign.objects.create(
        region_code="76",
        code="printemps",
        label="Campagne de printemps",
        opens_on=date(2027, 10, 1),
        closes_on=date(2027, 11, 30),
        entry_on=date(2028, 1, 1),
    )
    policy = LabelPolicy.objects.in_force("76")
    for state in ("brouillon", "depose", "depose", "en-instruction"):
        Application.objects.create(
            structure=region["cidff"],
            region_code="76",
            policy=policy,
            volets=["spro"],
            state=state,
            campaign=spring,
        )
    response = get(staff, "/region/membres/", region["day"])
    counts = dict(table(response, "campagne"))
    assert (counts["Brouillon"], counts["Déposé"], counts["En instruction"], counts["Accordé"]) == (
        1,
        2,
        1,
        0,
    )
    assert response.context["progress"]["total"] == 4
    assert "Campagne de printemps" in response.context["tables"]["campagne"]["title"]


def test_without_campaigns_the_progress_counts_the_applications_opened_this_year(staff, region):
    response = get(staff, "/region/membres/", region["day"])
    assert response.context["progress"]["campaign"] is None
    # The two granted dossiers of the fixture were opened in 2027.
    assert response.context["progress"]["total"] == 2
    assert dict(table(response, "campagne"))["Accordé"] == 2
    assert "toute l'année" in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
@pytest.mark.parametrize(
    "name", ["statuts", "volets", "reseaux", "departements", "echeances", "bilans", "campagne"]
)
def test_each_dashboard_table_exports_what_the_page_shows(staff, region, name, fmt):
    day = date(2027, 11, 2)
    page = get(staff, "/region/membres/", day)
    shown = page.context["tables"][name]
    assert f"export_{name}={fmt}" in page.content.decode()
    response = get(staff, f"/region/membres/?export_{name}={fmt}", day)
    read = {"csv": read_csv, "xlsx": read_xlsx, "ods": read_ods}[fmt]
    rows = as_text(read(response))
    assert rows[0] == shown["headers"]
    assert rows[1:] == as_text([["" if v is None else v for v in row] for row in shown["rows"]])
    assert response["Content-Disposition"].endswith(f'-2027-11-02.{fmt}"')


# --- the list ----------------------------------------------------------------------------------------


def names(response) -> list[str]:
    return [row.structure.name for row in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Association des parents", "CIDFF du Tarn", "CIO de Toulouse", "Cité des métiers d'Albi",
              "Info Jeunes Toulouse", "Mission Locale de Montpellier"]),
        ("statut=membre-de-droit", ["CIO de Toulouse", "Mission Locale de Montpellier"]),
        ("statut=labellise", ["Cité des métiers d'Albi", "Info Jeunes Toulouse"]),
        ("volet=information-metiers", ["Cité des métiers d'Albi"]),
        ("reseau=cidff", ["Association des parents", "CIDFF du Tarn"]),
        ("departement=34", ["Mission Locale de Montpellier"]),
        ("departement=31&statut=membre-de-droit", ["CIO de Toulouse", "Mission Locale de Montpellier"]),
        ("departement=81&volet=spro", ["Cité des métiers d'Albi"]),
    ],
)  # fmt: skip
def test_the_list_filters_by_status_volet_network_and_departement(staff, region, query, expected):
    assert names(get(staff, f"/region/membres/liste/?{query}", region["day"])) == expected


@pytest.mark.parametrize(
    "query",
    [
        "statut=%00",
        "statut=" + "x" * 100_000,
        "volet=inconnu",
        "reseau=%00cio",
        "departement=9999",
        "departement=31%00",
        "page=%00",
        "page=99999999999999999999",
        "page=-1",
        "page=nan",
    ],
)
def test_hostile_filter_values_are_ignored(staff, region, query):
    response = get(staff, f"/region/membres/liste/?{query}", region["day"])
    assert response.context["page"].paginator.count == 6


@pytest.mark.parametrize("url", ["/region/membres/", "/region/membres/liste/", "/region/membres/chartes/",
                                 "/region/membres/bilans/"])  # fmt: skip
@pytest.mark.parametrize("fmt", ["pdf", "%00", "x" * 100_000])
def test_an_unknown_export_format_is_a_french_400(staff, region, url, fmt):
    parameter = "export_statuts" if url == "/region/membres/" else "format"
    with time_machine.travel(at(region["day"]), tick=False):
        accounts.login_verified(staff, staff.person)
        response = staff.get(f"{url}?{parameter}={fmt}")
    assert response.status_code == 400
    assert "requête" in response.content.decode() or "Format" in response.content.decode()


def test_the_list_is_paginated(staff, region):
    for number in range(55):
        directory.structure("cio", name=f"CIO numéro {number:02d}")
    first = get(staff, "/region/membres/liste/?statut=membre-de-droit", region["day"])
    assert first.context["page"].paginator.count == 57
    assert len(names(first)) == 50
    second = get(staff, "/region/membres/liste/?statut=membre-de-droit&page=2", region["day"])
    assert names(second) == [f"CIO numéro {n}" for n in range(49, 55)] + ["Mission Locale de Montpellier"]
    assert "statut=membre-de-droit&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_the_filtered_list_exports_every_matching_member(staff, region, fmt):
    response = get(staff, f"/region/membres/liste/?statut=labellise&format={fmt}", region["day"])
    rows = as_text({"csv": read_csv, "xlsx": read_xlsx, "ods": read_ods}[fmt](response))
    assert rows == [
        ["Structure", "Réseau", "Statut SPRO", "Volets", "Départements", "Valide du", "Valide jusqu'au",
         "Attestation"],
        ["Cité des métiers d'Albi", network("cite-des-metiers"), "Labellisé SPRO", BOTH_VOLETS, "81",
         "2026-06-01", "2028-12-31", "SPRO-76-2026-BBBB2222"],
        ["Info Jeunes Toulouse", network("information-jeunesse"), "Labellisé SPRO", SPRO_VOLET, "31",
         "2026-05-12", "2027-12-31", "SPRO-76-2026-AAAA1111"],
    ]  # fmt: skip


def test_the_list_agrees_with_the_open_data_api(staff, region):
    with time_machine.travel(at(region["day"]), tick=False):
        accounts.login_verified(staff, staff.person)
        api = staff.get("/api/v1/membres?par_page=200").json()
    listed = get(staff, "/region/membres/liste/", region["day"])
    assert [item["structure"] for item in api["items"]] == names(listed)
    assert [item["statut"] for item in api["items"]] == [r.status for r in listed.context["page"].object_list]


# --- charters ----------------------------------------------------------------------------------------


@pytest.fixture
def charters(region):
    v1 = Charter.objects.create(
        region_code="76", version=1, title="Charte du SPRO", adopted_on=date(2024, 1, 1)
    )
    v2 = Charter.objects.create(
        region_code="76",
        version=2,
        title="Charte du SPRO 2027",
        adopted_on=date(2027, 1, 15),
        duration="un an",
    )
    agent = region["agent"]
    for structure in (region["cio"], region["ij"], region["cidff"]):
        Adhesion.objects.create(
            charter=v1, structure=structure, signatory_name="A. Martin", signatory_function="Directrice",
            signed_on=date(2024, 2, 1), accepted_by=agent,
        )  # fmt: skip
    Adhesion.objects.create(
        charter=v2,
        structure=region["cio"],
        signatory_name="Dominique Martin",
        signatory_function="Directrice",
        signed_on=date(2027, 2, 1),
        accepted_by=agent,
    )
    # A local partner is not a member: its adhesion is not asked and not listed.
    Adhesion.objects.create(
        charter=v2, structure=region["partner"], signatory_name="B", signatory_function="C",
        signed_on=date(2027, 2, 2), accepted_by=agent,
    )  # fmt: skip
    return v1, v2


def test_the_charter_page_shows_who_signed_the_current_version_and_who_has_not(staff, region, charters):
    v1, v2 = charters
    response = get(staff, "/region/membres/chartes/", region["day"])
    assert response.context["current"] == v2
    assert [(v.version, v.adhesion_count) for v in response.context["versions"]] == [(2, 2), (1, 3)]
    rows = [
        (row.structure.name, adhesion is not None) for row, adhesion, _mode in response.context["signatures"]
    ]
    assert rows == [
        ("CIDFF du Tarn", False),
        ("CIO de Toulouse", True),
        ("Cité des métiers d'Albi", False),
        ("Info Jeunes Toulouse", False),  # signed version 1 only
        ("Mission Locale de Montpellier", False),
    ]
    assert (response.context["signed_count"], response.context["must_sign_count"]) == (1, 5)
    assert "1 membre sur 5 a signé" in response.content.decode()


def test_a_charter_adopted_later_is_not_yet_the_current_one(staff, region, charters):
    response = get(staff, "/region/membres/chartes/", date(2026, 12, 1))
    assert response.context["current"] == charters[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_the_members_who_have_not_signed_export(staff, region, charters, fmt):
    response = get(staff, f"/region/membres/chartes/?signee=non&format={fmt}", region["day"])
    rows = as_text({"csv": read_csv, "xlsx": read_xlsx, "ods": read_ods}[fmt](response))
    assert rows[0] == [
        "Structure",
        "Réseau",
        "Statut SPRO",
        "Signée",
        "Signée le",
        "Signataire",
        "Fonction",
        "Mode",
    ]
    assert [row[0] for row in rows[1:]] == [
        "CIDFF du Tarn",
        "Cité des métiers d'Albi",
        "Info Jeunes Toulouse",
        "Mission Locale de Montpellier",
    ]
    assert {row[3] for row in rows[1:]} == {"non"}
    assert 'filename="signatures-charte-v2.' in response["Content-Disposition"]


def test_the_signed_ones_export_with_their_signatory(staff, region, charters):
    rows = read_csv(get(staff, "/region/membres/chartes/?signee=oui&format=csv", region["day"]))
    assert rows[1:] == [
        ["CIO de Toulouse", network("cio"), "Membre de droit", "oui", "2027-02-01", "Dominique Martin",
         "Directrice", "Acceptée en ligne"],
    ]  # fmt: skip


def test_without_a_charter_the_page_says_so(staff, region):
    response = get(staff, "/region/membres/chartes/", region["day"])
    assert "aucune charte" in response.content.decode()


# --- annual reports ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [(2027, "Cité des métiers d'Albi", "attendu"), (2026, "Cité des métiers d'Albi", "remis"),
              (2026, "Info Jeunes Toulouse", "en-retard")]),
        ("annee=2026", [(2026, "Cité des métiers d'Albi", "remis"),
                        (2026, "Info Jeunes Toulouse", "en-retard")]),
        ("etat=en-retard", [(2026, "Info Jeunes Toulouse", "en-retard")]),
        ("etat=attendu&annee=2027", [(2027, "Cité des métiers d'Albi", "attendu")]),
        ("annee=1999", None),  # not a year of the table: ignored
        ("annee=%00", None),
        ("etat=" + "x" * 100_000, None),
    ],
)  # fmt: skip
def test_the_reports_page_lists_and_filters_the_reports(staff, region, query, expected):
    response = get(staff, f"/region/membres/bilans/?{query}", region["day"])
    rows = [(r.year, r.label.structure.name, r.state_code) for r in response.context["reports"]]
    if expected is None:
        assert len(rows) == 3
    else:
        assert rows == expected


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_the_reports_export(staff, region, fmt):
    response = get(staff, f"/region/membres/bilans/?annee=2026&format={fmt}", region["day"])
    rows = as_text({"csv": read_csv, "xlsx": read_xlsx, "ods": read_ods}[fmt](response))
    assert rows == [
        ["Structure", "Année d'activité", "Volets", "À remettre le", "État", "Remis le", "Remis par"],
        [
            "Cité des métiers d'Albi",
            "2026",
            BOTH_VOLETS,
            "2027-03-31",
            "Remis",
            "2027-03-20",
            "",
        ],
        ["Info Jeunes Toulouse", "2026", SPRO_VOLET, "2027-03-31", "En retard", "", ""],
    ]


def test_the_yearly_count_exports(staff, region):
    rows = read_csv(get(staff, "/region/membres/bilans/?export_annees=csv", region["day"]))
    assert rows == [
        ["Année d'activité", "Attendus", "En retard", "Remis", "Total"],
        ["2027", "1", "0", "0", "1"],
        ["2026", "0", "1", "1", "2"],
    ]


# --- access ------------------------------------------------------------------------------------------

PAGES = ["/region/membres/", "/region/membres/liste/", "/region/membres/chartes/", "/region/membres/bilans/"]


@pytest.mark.parametrize("url", PAGES)
def test_only_region_staff_see_the_pages_and_their_exports(client, region, url):
    response = client.get(url)
    assert response.status_code == 302 and "/comptes/" in response["Location"]
    adviser = accounts.member(region["cio"], "conseillere@cio.test")
    accounts.login_verified(client, adviser)
    assert client.get(url).status_code == 403
    assert client.get(f"{url}?format=csv&export_statuts=csv").status_code == 403
    accounts.login_verified(client, region["agent"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_only_answer_get(staff, region, url):
    accounts.login_verified(staff, staff.person)
    assert staff.post(url).status_code == 405


# --- remote-only entries -----------------------------------------------------------------------------


def remote_entry(structure, served_region="76"):
    """A phone line of `structure` with no address: it serves the whole Région and lies in no département."""
    from spro.directory.codes import SiteKind
    from spro.directory.models import Site

    site = Site(
        structure=structure,
        name=f"{structure.name} — ligne d'information",
        kind=SiteKind.A_DISTANCE,
        served_region=served_region,
        phone="0 800 222 100",
        opening_hours="Mo-Fr 09:00-18:00",
        reception_modes=["telephone"],
    )
    site.full_clean()
    site.save()
    return site


def test_a_remote_only_entry_adds_no_departement_to_its_member(staff, region):
    remote_entry(region["cio"])
    listed = get(staff, "/region/membres/liste/?departement=31", region["day"])
    assert "CIO de Toulouse" in names(listed)
    cio = next(r for r in listed.context["page"].object_list if r.structure == region["cio"])
    assert cio.departements == ["31"]
    response = get(staff, "/region/membres/liste/?reseau=cio&format=csv", region["day"])
    assert read_csv(response)[1][4] == "31"
    dashboard = get(staff, "/region/membres/", region["day"])
    assert [code for code, *_ in table(dashboard, "departements")] == ["31", "34", "81"]


def test_a_member_reachable_only_at_a_distance_is_listed_without_departement(staff, region):
    line = directory.structure("cio", name="CIO en ligne")
    remote_entry(line)
    listed = get(staff, "/region/membres/liste/?reseau=cio", region["day"])
    online = next(r for r in listed.context["page"].object_list if r.structure == line)
    assert online.departements == []


def test_the_list_filters_show_the_chosen_network_and_departement(staff, region):
    page = get(staff, "/region/membres/liste/?reseau=cidff&departement=81", region["day"]).content.decode()
    assert '<option value="cidff" selected>' in page
    assert '<option value="81" selected>81 — Tarn</option>' in page
    assert '<label class="fr-label" for="filtre-reseau">Réseau</label>' in page
