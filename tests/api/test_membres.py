"""GET /api/v1/membres and /api/v1/membres/export.csv: the open list of SPRO members."""

import csv
import io
from datetime import date

import pytest
import time_machine

from spro.labels import status as statuses
from spro.labels import workflow
from tests.directory import factories as directory
from tests.labels import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    agent = factories.instructor()
    cio = directory.structure("cio", name="CIO de Toulouse")
    transitions = directory.structure("transitions-pro", name="Transitions Pro Occitanie")
    partner = directory.structure("cidff", name="CIDFF de l'Ariège")
    statuses.set_region_status(partner, "partenaire-local", agent, "Convention locale")
    reconnu = directory.structure("cidff", name='=HYPERLINK("http://x")')
    statuses.set_region_status(reconnu, "reconnu", agent, "Reconnu par délibération")
    directory.structure("cidff", name="Association sans statut")
    application, admin = factories.draft(
        "76", volets=["spro", "information-metiers"], name="Bureau information jeunesse"
    )
    with time_machine.travel(date(2026, 5, 12), tick=False):
        workflow.submit(application, admin)
        label = factories.grant(application, agent, day=date(2026, 5, 12)).label
    return {"cio": cio, "transitions": transitions, "label": label}


def test_every_structure_with_a_status_is_listed_with_its_volets_and_validity(client, members):
    with time_machine.travel(date(2026, 6, 1), tick=False):
        body = client.get("/api/v1/membres").json()
    assert body["total"] == 5
    by_name = {item["structure"]: item for item in body["items"]}
    assert "Association sans statut" not in by_name
    assert by_name["CIO de Toulouse"] == {
        "structure": "CIO de Toulouse",
        "statut": "membre-de-droit",
        "volets": [],
        "valide_du": None,
        "valide_jusqu_au": None,
        "attestation": None,
    }
    assert by_name["CIDFF de l'Ariège"]["statut"] == "partenaire-local"
    assert by_name["Bureau information jeunesse"] == {
        "structure": "Bureau information jeunesse",
        "statut": "labellise",
        "volets": ["information-metiers", "spro"],
        "valide_du": "2026-05-12",
        "valide_jusqu_au": "2027-12-31",
        "attestation": members["label"].reference,
    }


def test_the_list_is_paginated_and_filtered_by_status(client, members):
    body = client.get("/api/v1/membres?par_page=2&page=2").json()
    assert (body["total"], body["page"], body["par_page"], len(body["items"])) == (5, 2, 2, 2)
    labelled = client.get("/api/v1/membres?statut=labellise").json()
    assert [item["structure"] for item in labelled["items"]] == ["Bureau information jeunesse"]


@pytest.mark.parametrize("query", ["statut=inconnu", "page=0", "par_page=1000"])
def test_a_bad_parameter_is_a_french_422(client, members, query):
    response = client.get(f"/api/v1/membres?{query}")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_the_csv_export_has_the_same_fields_and_is_formula_safe(client, members):
    response = client.get("/api/v1/membres/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == ["structure", "statut", "volets", "valide_du", "valide_jusqu_au", "attestation"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Bureau information jeunesse"][1:] == [
        "labellise",
        "information-metiers|spro",
        "2026-05-12",
        "2027-12-31",
        members["label"].reference,
    ]
    assert '\'=HYPERLINK("http://x")' in by_name


def test_the_data_inclusion_export_carries_the_label_badge(members, tmp_path):
    import json

    from spro.directory.interop import export_directory

    export_directory(tmp_path)
    items = json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))
    badge = next(
        i["spro"]["label"] for i in items if i["spro"]["structure"]["nom"] == "Bureau information jeunesse"
    )
    assert badge == {
        "statut": "labellise",
        "volets": ["information-metiers", "spro"],
        "valide_du": "2026-05-12",
        "valide_jusqu_au": "2027-12-31",
        "attestation": members["label"].reference,
    }
