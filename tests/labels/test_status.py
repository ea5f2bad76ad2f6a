"""A structure's SPRO status: derived from its network, set by the Région with a reason, labelled while
a label is valid; every change is kept in its history."""

import pytest
from django.core import mail

from spro.labels import status as statuses
from spro.labels import workflow
from spro.labels.models import Charter, SproStatusChange
from tests.directory import factories as directory
from tests.labels import factories

pytestmark = pytest.mark.django_db


def history(structure) -> list[tuple[str, str]]:
    return list(
        SproStatusChange.objects.filter(structure=structure)
        .order_by("at", "pk")
        .values_list("status", "reason")
    )


def test_a_structure_of_a_network_member_by_law_is_membre_de_droit_from_its_creation():
    cio = directory.structure("cio", name="CIO d'Albi")
    assert cio.spro_status.status == "membre-de-droit"
    assert history(cio) == [("membre-de-droit", "Réseau de la structure")]


def test_a_structure_of_another_network_has_no_status_until_the_region_gives_one():
    cidff = directory.structure("cidff", name="CIDFF du Tarn")
    assert not hasattr(cidff, "spro_status") or cidff.spro_status.status == ""
    agent = factories.instructor()
    statuses.set_region_status(cidff, "reconnu", agent, "Délibération du 12 mars")
    cidff.refresh_from_db()
    assert cidff.spro_status.status == "reconnu"
    change = SproStatusChange.objects.get(structure=cidff)
    assert (change.status, change.reason, change.by) == ("reconnu", "Délibération du 12 mars", agent)


def test_the_region_may_set_a_member_by_law_back_to_no_status_and_a_reason_is_required():
    cio = directory.structure("cio", name="CIO fermé")
    agent = factories.instructor()
    with pytest.raises(ValueError, match="Indiquez pourquoi"):
        statuses.set_region_status(cio, "aucun", agent, "")
    statuses.set_region_status(cio, "aucun", agent, "CIO fermé au public")
    assert history(cio) == [("membre-de-droit", "Réseau de la structure"), ("", "CIO fermé au public")]


def test_changing_network_changes_the_derived_status():
    structure = directory.structure("cidff", name="Maison des droits")
    structure.network = directory.network("mission-locale")
    structure.save()
    structure.spro_status.refresh_from_db()
    assert structure.spro_status.status == "membre-de-droit"


def test_a_new_charter_version_shows_who_has_not_signed_it_yet():
    agent = factories.instructor()
    application, admin = factories.draft("52")
    workflow.submit(application, admin)
    factories.grant(application, agent)
    signed = application.structure
    other = directory.structure("cidff", name="Autre membre")
    v1 = Charter.objects.create(region_code="52", version=1, title="Charte du SPRO", adopted_on="2023-01-01")
    v2 = Charter.objects.create(region_code="52", version=2, title="Charte du SPRO", adopted_on="2025-01-01")
    workflow.adhere(v1, signed, admin, "Dominique Martin", "Présidente", signed_on="2023-02-01")
    members = type(signed).objects.filter(pk__in=[signed.pk, other.pk])
    assert set(v1.structures_without_adhesion(members)) == {other}
    assert set(v2.structures_without_adhesion(members)) == {signed, other}
    with pytest.raises(workflow.InvalidTransition, match="déjà signé"):
        workflow.adhere(v1, signed, admin, "Dominique Martin", "Présidente", signed_on="2023-02-02")
    assert Charter.objects.current_for("52") == v2


@pytest.mark.real_commit
def test_no_email_leaves_before_the_transaction_commits(django_capture_on_commit_callbacks):
    factories.instructor()
    application, admin = factories.draft("76")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submit(application, admin)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.subject for m in mail.outbox] == ["Dossier de labellisation déposé : Maison de l'orientation"]
