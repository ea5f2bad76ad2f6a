"""The network's demo: consenting professionals of demo structures, a référent each, trainings with
registrations, a waiting list and attestations; a second run adds nothing and says nothing."""

import io

import pytest
from django.core.management import call_command

from spro.network.models import ProfessionalProfile, SproReferent, Training, TrainingRegistration
from tests.directory.factories import site, structure

pytestmark = pytest.mark.django_db


def test_the_demo_creates_consenting_professionals_and_trainings_with_registrations():
    for n in range(3):
        site(
            f"Lieu fictif {n}",
            north_km=n,
            structure_obj=structure("cio", name=f"CIO fictif {n}", is_demo=True),
        )
    site("Lieu réel", structure_obj=structure("cio", name="CIO réel"))
    out = io.StringIO()
    call_command("demo-reseau", "--discret", stdout=out)
    assert "6 professionnels ajoutés" in out.getvalue()
    profiles = ProfessionalProfile.objects.listed()
    assert profiles.count() == 6
    assert not profiles.filter(user__memberships__structure__name="CIO réel").exists()
    assert SproReferent.objects.count() == 3
    assert Training.objects.count() == 8
    registrations = TrainingRegistration.objects.all()
    assert registrations.filter(state="attente").exists()
    assert registrations.filter(attended=True, attestation_reference__startswith="FORM-").exists()
    for training in Training.objects.all():
        assert training.registered_count() <= training.capacity
    again = io.StringIO()
    call_command("demo-reseau", "--discret", stdout=again)
    assert again.getvalue() == "" and ProfessionalProfile.objects.count() == 6


def test_the_demo_publishes_public_and_members_only_resources_and_a_news_item_with_its_attachment(
    settings, tmp_path
):
    from pypdf import PdfReader

    from spro.network.models import NewsAttachment, Resource

    settings.MEDIA_ROOT = tmp_path / "media"
    site("Lieu fictif", structure_obj=structure("cio", name="CIO fictif", is_demo=True))
    call_command("demo-reseau", "--discret", stdout=io.StringIO())
    resources = Resource.objects.all()
    assert resources.count() == 6
    assert resources.filter(visibility="public", state="publiee").count() == 3
    assert resources.filter(visibility="membres", state="publiee").count() == 2
    assert resources.filter(state="a-valider", structure__name="CIO fictif").count() == 1
    assert resources.filter(link="https://www.onisep.fr/").exists()
    for resource in resources.exclude(file=""):
        with resource.file.open("rb") as handle:
            assert "Document fictif" in PdfReader(handle).pages[0].extract_text()
        assert resource.description.startswith("PDF, ") and resource.description.endswith(" ko")
    attachment = NewsAttachment.objects.get()
    assert attachment.news.title.startswith("Compte rendu du COPIL SPRO")
    call_command("demo-reseau", "--discret", stdout=io.StringIO())
    assert Resource.objects.count() == 6 and NewsAttachment.objects.count() == 1


def test_the_demo_creates_committees_with_a_convention_a_coordinator_a_year_of_meetings():
    from spro.network.models import Designation, LocalCommittee

    for n in range(3):
        site(
            f"Lieu fictif {n}",
            north_km=n,
            structure_obj=structure("cio", name=f"CIO fictif {n}", is_demo=True),
        )
    call_command("demo-reseau", "--discret", stdout=io.StringIO())
    local = LocalCommittee.objects.get()
    assert local.members.count() == 3
    convention = local.conventions.get()
    assert (convention.state, convention.renewals) == ("en-vigueur", 2)  # signed two years ago today
    assert local.coordinator is not None
    assert local.meetings.count() == 4
    assert local.designations.get(state="ouverte").opens_on == convention.term_ends_on.replace(
        year=convention.term_ends_on.year - 1
    )
    assert Designation.objects.filter(local_committee=local, result="majorite").exists()
    assert Designation.objects.filter(local_committee=local, state="ouverte").count() == 1
    again = io.StringIO()
    call_command("demo-reseau", "--discret", stdout=again)
    assert again.getvalue() == "" and LocalCommittee.objects.count() == 1
