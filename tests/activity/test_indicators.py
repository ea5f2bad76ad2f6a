"""for_structure(): the counts the annual report pre-fills from."""

from datetime import date

import pytest

from spro.activity.indicators import for_structure
from spro.activity.models import Reception
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db


def test_it_counts_people_by_sexe_age_band_and_provenance():
    site = directory.site("Lieu A")  # in Toulouse (31)
    common = {"structure": site.structure, "site": site, "mode": "sur-place", "statut": "eleve"}
    common |= {"need": "trouver-formation", "answer": "information"}
    Reception.objects.create(
        **common, date=date(2025, 3, 2), sexe="femme", age_band="16-17", commune_id="31555"
    )
    Reception.objects.create(
        **common, date=date(2025, 6, 2), sexe="homme", age_band="18-25", commune_id="75056", people=3
    )
    Reception.objects.create(**common, date=date(2025, 7, 2), sexe="non-precise", age_band="18-25")
    Reception.objects.create(**common, date=date(2024, 12, 31), sexe="femme", age_band="16-17")

    counts = for_structure(site.structure, 2025)

    assert counts["personnes_recues"] == 5
    assert counts["par_sexe"] == {"femme": 1, "homme": 3, "non-precise": 1}
    assert counts["par_tranche_age"]["18-25"] == 4 and counts["par_tranche_age"]["16-17"] == 1
    assert counts["provenance"]["dans_le_territoire"] == 1
    assert counts["provenance"]["hors_territoire"] == 3
    assert counts["provenance"]["inconnue"] == 1
