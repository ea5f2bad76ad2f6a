"""The accessibility statement is generated from the RGAA 4.1.2 criteria and the audit file."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from spro.www.portal import accessibility
from spro.www.portal.accessibility import AuditError, load_statement, official_criteria

SHARED_CRITERIA = (
    Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "rgaa" / "criteres-4.1.json"
)


def shipped_audit() -> dict:
    return json.loads(accessibility.DEFAULT_AUDIT_FILE.read_text(encoding="utf-8"))


def write_audit(tmp_path, audit: dict) -> Path:
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(audit, ensure_ascii=False), encoding="utf-8")
    return path


def audit_with(statuses: dict[str, str]) -> dict:
    """The shipped audit with every criterion set to statuses.get(number, "non applicable")."""
    audit = shipped_audit()
    for number, result in audit["criteres"].items():
        result["statut"] = statuses.get(number, accessibility.NOT_APPLICABLE)
    return audit


def test_the_package_ships_the_106_official_criteria_of_the_13_topics():
    criteria = official_criteria()
    assert len(criteria) == 106
    assert len({topic for _, topic, _ in criteria}) == 13
    assert criteria[0][:2] == ("1.1", "Images")
    assert "](#" not in criteria[0][2], "titles are plain text, without the markdown links of the source"


def test_the_shipped_criteria_are_the_official_file():
    if not SHARED_CRITERIA.exists():
        pytest.skip("../shared/data absent : le fichier officiel du RGAA n'est pas disponible ici.")
    assert accessibility.CRITERIA_FILE.read_bytes() == SHARED_CRITERIA.read_bytes()


def test_every_criterion_of_the_shipped_audit_has_a_known_status_and_a_justification():
    statement = load_statement()
    assert len(statement.criteria) == 106
    assert {c.status for c in statement.criteria} <= set(accessibility.STATUSES)
    assert all(c.justification for c in statement.criteria)


def test_a_criterion_without_status_is_refused_with_its_number(tmp_path):
    audit = shipped_audit()
    del audit["criteres"]["7.3"]
    audit["criteres"]["8.2"]["statut"] = ""
    with pytest.raises(AuditError, match=r"critère 7\.3 sans statut.*critère 8\.2 sans statut"):
        load_statement(write_audit(tmp_path, audit))


def test_an_unknown_status_or_criterion_is_refused(tmp_path):
    audit = shipped_audit()
    audit["criteres"]["1.1"]["statut"] = "presque conforme"
    audit["criteres"]["14.1"] = {"statut": "conforme", "justification": "?"}
    with pytest.raises(AuditError) as error:
        load_statement(write_audit(tmp_path, audit))
    assert "critère 1.1 : statut « presque conforme » inconnu" in str(error.value)
    assert "critère 14.1 inconnu du RGAA 4.1.2" in str(error.value)


def test_spro_check_fails_when_the_configured_audit_is_incomplete(tmp_path):
    audit = shipped_audit()
    del audit["criteres"]["12.7"]
    with override_settings(SPRO_ACCESSIBILITY_AUDIT=str(write_audit(tmp_path, audit))):
        with pytest.raises(SystemCheckError, match=r"critère 12\.7 sans statut"):
            call_command("check")


@pytest.mark.parametrize(
    "compliant, failing, rate, level",
    [
        (10, 0, "100 %", "totalement conforme"),
        (10, 10, "50 %", "partiellement conforme"),
        (99, 1, "99 %", "partiellement conforme"),
        (49, 51, "49 %", "non conforme"),
        (0, 0, "0 %", "non conforme"),
    ],
)
def test_the_rate_counts_compliant_among_applicable_criteria(tmp_path, compliant, failing, rate, level):
    numbers = [number for number, _, _ in official_criteria()]
    statuses = {n: "conforme" for n in numbers[:compliant]}
    statuses |= {n: "non conforme" for n in numbers[compliant : compliant + failing]}
    statement = load_statement(write_audit(tmp_path, audit_with(statuses)))
    assert (statement.compliant_count, statement.not_compliant_count) == (compliant, failing)
    assert statement.not_applicable_count == 106 - compliant - failing
    assert statement.rate_label == rate
    assert statement.level_label == level


def test_a_rate_just_under_100_is_not_rounded_up_to_full_compliance(tmp_path):
    numbers = [number for number, _, _ in official_criteria()]
    statement = load_statement(
        write_audit(tmp_path, audit_with({n: "conforme" for n in numbers[:105]} | {"13.12": "non conforme"}))
    )
    assert statement.rate > 99
    assert (statement.rate_label, statement.level) == ("99 %", "partiellement")


@pytest.mark.django_db
def test_the_statement_page_shows_the_rate_and_the_state_computed_from_the_audit(client):
    statement = load_statement()
    html = client.get("/accessibilite/").content.decode()
    expected_rate = (
        100 * statement.compliant_count // (statement.compliant_count + statement.not_compliant_count)
    )
    assert f"{expected_rate} % des critères du RGAA version 4.1.2 sont respectés" in html
    assert f"<strong>{statement.level_label}</strong> avec le référentiel" in html
    assert f"Accessibilité : {statement.level_label}" in html  # the footer agrees


@pytest.mark.django_db
def test_the_statement_follows_the_legal_template(client):
    html = client.get("/accessibilite/").content.decode()
    for section in [
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Non-conformités",
        "Dérogations pour charge disproportionnée",
        "Contenus non soumis à l'obligation d'accessibilité",
        "Établissement de cette déclaration d'accessibilité",
        "Technologies utilisées",
        "Environnement de test",
        "Outils pour évaluer l'accessibilité",
        "Pages du portail ayant fait l'objet de la vérification de conformité",
        "Retour d'information et contact",
        "Voies de recours",
        "Défenseur des droits",
    ]:
        assert section in html, section
    assert "établie le 2 décembre 2026" in html
    assert "contact-spro@region.localhost" in html
    # Every criterion is listed with its justification; the real non-conformity is named.
    assert (
        "Critère 12.1</strong> : Chaque ensemble de pages dispose-t-il de deux systèmes de navigation" in html
    )
    assert "ni plan du site ni moteur de recherche" in html


@pytest.mark.django_db
def test_a_region_changes_the_results_with_its_own_audit_file(client, tmp_path):
    numbers = [number for number, _, _ in official_criteria()]
    audit = audit_with({n: "conforme" for n in numbers[:60]} | {n: "non conforme" for n in numbers[60:80]})
    audit["date"] = "2027-03-15"
    audit["realise_par"] = "Cabinet Exemple"
    with override_settings(SPRO_ACCESSIBILITY_AUDIT=str(write_audit(tmp_path, audit))):
        html = client.get("/accessibilite/").content.decode()
    assert "Cabinet Exemple révèle que" in html
    assert "75 % des critères" in html  # 60 / (60 + 20)
    assert "Accessibilité : partiellement conforme" in html
    assert "établie le 15 mars 2027" in html


@pytest.mark.django_db
def test_the_multi_year_plan_link_comes_from_the_settings(client):
    assert "schéma pluriannuel de mise en accessibilité de la Région n'est pas encore publié" in (
        client.get("/accessibilite/").content.decode()
    )
    with override_settings(SPRO_ACCESSIBILITY_PLAN_URL="https://www.region.example/accessibilite-schema"):
        html = client.get("/accessibilite/").content.decode()
    assert '<a href="https://www.region.example/accessibilite-schema">schéma pluriannuel' in html
