"""The reception log is anonymous by construction, refuses future dates and unknown codes, and locks."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from spro.activity.models import Reception
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db

# Columns that point at the professional's world, never at the person received.
REFERENCES = {"structure", "site", "commune", "referral", "created_by"}


def entry(**fields):
    site = directory.site("Lieu A")
    values = {
        "structure": site.structure,
        "site": site,
        "date": timezone.localdate(),
        "mode": "sur-place",
        "sexe": "femme",
        "age_band": "18-25",
        "statut": "demandeur-emploi",
        "need": "trouver-formation",
        "commune_id": "31555",
        "answer": "information",
        **fields,
    }
    return Reception(**values)


def test_no_field_can_hold_a_name_or_a_free_text():
    for field in Reception._meta.get_fields():
        if not field.concrete or field.auto_created:
            continue
        if field.is_relation:
            assert field.name in REFERENCES, field.name
            continue
        assert not isinstance(field, models.TextField | models.EmailField | models.JSONField), field.name
        if isinstance(field, models.CharField):
            restricted = field.choices or any(isinstance(v, RegexValidator) for v in field.validators)
            assert restricted, f"{field.name} accepte un texte libre"


def test_an_entry_is_recorded():
    reception = entry()
    reception.full_clean()
    reception.save()
    assert Reception.objects.get().commune_id == "31555"


def test_a_future_date_is_refused():
    with pytest.raises(ValidationError) as error:
        entry(date=timezone.localdate() + timedelta(days=1)).full_clean()
    assert "futur" in str(error.value)


@pytest.mark.parametrize("field", ["mode", "sexe", "age_band", "statut", "need", "answer"])
def test_an_unknown_code_is_refused(field):
    with pytest.raises(ValidationError) as error:
        entry(**{field: "inconnu"}).full_clean()
    assert field in error.value.message_dict


def test_an_external_id_cannot_carry_a_name():
    with pytest.raises(ValidationError):
        entry(external_id="Jean Dupont").full_clean()


def test_an_entry_locks_after_thirty_days():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        reception = entry(date=date(2026, 3, 1))
        reception.save()
    assert not reception.is_locked(now=reception.created_at + timedelta(days=29, hours=23))
    assert reception.is_locked(now=reception.created_at + timedelta(days=30))
