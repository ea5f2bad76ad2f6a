"""Attachments are checked on their content and size; a refused file writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from spro.labels import workflow
from spro.labels.models import Attachment
from spro.labels.uploads import UploadRefused
from tests.labels import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    structure, admin = factories.applicant("84")
    return workflow.start_application(structure, ["spro"], admin, region_code="84"), admin


def test_a_pdf_is_joined_with_its_kind_size_and_fingerprint(draft, media_root):
    application, admin = draft
    attachment = workflow.attach(application, "statuts", factories.pdf_file("statuts.pdf"), admin)
    assert (attachment.kind, attachment.size, len(attachment.sha256)) == ("pdf", len(factories.PDF), 64)
    assert attachment.file.path.startswith(str(media_root))


def test_a_word_document_is_recognised_from_its_content(draft):
    application, admin = draft
    assert workflow.attach(application, "statuts", factories.docx_file(), admin).kind == "docx"


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00 an executable"),
            "Ce type de fichier n'est pas accepté",
        ),
        (SimpleUploadedFile("statuts.pdf", b""), "Le fichier est vide."),
        (SimpleUploadedFile("statuts.exe", factories.PDF), "Le nom du fichier (« .exe ») ne correspond pas"),
        (SimpleUploadedFile("statuts.pdf", b"PK\x03\x04 not a zip"), "Ce type de fichier n'est pas accepté"),
        (
            SimpleUploadedFile("statuts.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
            "dépasse la taille autorisée (10 Mo)",
        ),
    ],
)
def test_a_bad_upload_is_refused_in_french_and_nothing_is_written(draft, media_root, upload, message):
    application, admin = draft
    with pytest.raises(UploadRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        workflow.attach(application, "statuts", upload, admin)
    assert not Attachment.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_an_attachment_the_policy_does_not_ask_for_is_refused(draft):
    application, admin = draft
    with pytest.raises(UploadRefused, match="Pièce « photo » inconnue"):
        workflow.attach(application, "photo", factories.pdf_file(), admin)


def test_nobody_but_an_administrator_of_the_structure_joins_a_document(draft):
    application, _ = draft
    with pytest.raises(workflow.InvalidTransition):
        workflow.attach(application, "statuts", factories.pdf_file(), factories.instructor())
    assert not Attachment.objects.exists()
