"""The data·inclusion import accepts remote services (issue 17): a structure with no address whose
services are offered only « à distance » becomes a remote-only entry (a phone line, a website) serving
the territory of its services' `zone_eligibilite`; spro's own export of a remote entry comes back the same.
The files are in the data·inclusion v1 format, as another producer publishes them."""

import json

import pytest
from data_inclusion.schema.v1 import Service as DIService
from data_inclusion.schema.v1 import Structure as DIStructure
from django.core.management import CommandError, call_command

from spro.directory.codes import SiteKind
from spro.directory.models import ChangeRecord, Service, Site, Structure
from spro.directory.search import remote_sites
from spro.territories.models import Departement
from tests.directory import factories

pytestmark = pytest.mark.django_db
CENTRE = sorted(["18", "28", "36", "37", "41", "45"])


def hotline(**changes) -> dict:
    """A regional information line, as a producer of data·inclusion publishes its structure."""
    item = {
        "source": "region-centre",
        "id": "region-centre--conseil-pro",
        "nom": "Conseil Pro — numéro régional d'information",
        "date_maj": "2025-09-15",
        "description": "Information et conseil sur l'orientation et la formation, par téléphone.",
        "telephone": "0800222100",
        "site_web": "https://www.etoile.regioncentre.fr",
        "horaires_accueil": "Mo-Fr 09:00-18:00; PH off",
    }
    item.update(changes)
    return item


def hotline_service(**changes) -> dict:
    item = {
        "source": "region-centre",
        "structure_id": "region-centre--conseil-pro",
        "id": "region-centre--conseil-pro--information",
        "nom": "Information et conseil par téléphone",
        "description": "Un conseiller répond à vos questions sur les métiers et les formations.",
        "date_maj": "2025-09-15",
        "thematiques": ["choisir-un-metier--identifier-ses-points-forts-et-ses-competences"],
        "publics": ["tous-publics"],
        "frais": "gratuit",
        "modes_accueil": ["a-distance"],
        "modes_mobilisation": ["telephoner"],
        "mobilisable_par": ["usagers", "professionnels"],
        "telephone": "0800222100",
        "zone_eligibilite": CENTRE,
    }
    item.update(changes)
    return item


def write(tmp_path, structures, services):
    for item in structures:
        DIStructure.model_validate(item)  # the files are valid data·inclusion, as published
    for item in services:
        DIService.model_validate(item)
    (tmp_path / "structures.json").write_text(json.dumps(structures), encoding="utf-8")
    (tmp_path / "services.json").write_text(json.dumps(services), encoding="utf-8")
    return tmp_path


def import_(path, *args):
    call_command("import-data-inclusion", str(path), "--reseau-par-defaut", "region", *args)


def test_a_remote_only_service_without_address_becomes_a_remote_entry_of_its_region(tmp_path):
    import_(write(tmp_path, [hotline()], [hotline_service()]))
    site = Site.objects.get(external_id="region-centre--conseil-pro")
    assert site.kind == SiteKind.A_DISTANCE and site.is_remote
    assert (site.address, site.postal_code, site.commune, site.latitude, site.longitude) == (
        "",
        "",
        None,
        None,
        None,
    )
    assert site.served_region == "24" and site.served_departements == []
    assert site.phone == "08 00 22 21 00" and site.website == "https://www.etoile.regioncentre.fr"
    assert site.structure.network.code == "region"
    assert Service.objects.get(site=site).needs == ["choisir-un-metier"]
    assert ChangeRecord.objects.filter(object_type="lieu", object_id=site.pk, action="import").exists()
    # Found by the directory's remote search in Orléans's département, not in Toulouse's.
    assert [hit.site for hit in remote_sites("45", "24")] == [site]
    assert remote_sites("31", "76") == []


def test_some_departements_or_communes_are_kept_as_the_territory(tmp_path):
    import_(write(tmp_path, [hotline()], [hotline_service(zone_eligibilite=["45", "37261"])]))
    site = Site.objects.get(external_id="region-centre--conseil-pro")
    assert site.served_region == "" and site.served_departements == ["37", "45"]  # Tours is in Indre-et-Loire


def test_france_or_no_zone_means_the_region_running_spro(tmp_path, settings):
    import_(write(tmp_path, [hotline()], [hotline_service(zone_eligibilite=["france"])]))
    assert Site.objects.get(external_id="region-centre--conseil-pro").served_region == settings.SPRO_REGION


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = write(tmp_path, [hotline()], [hotline_service()])
    import_(path)
    records = ChangeRecord.objects.count()
    import_(path)
    assert ChangeRecord.objects.count() == records
    assert Site.objects.filter(kind=SiteKind.A_DISTANCE).count() == 1


def test_a_service_also_offered_on_site_still_needs_an_address(tmp_path):
    path = write(tmp_path, [hotline()], [hotline_service(modes_accueil=["a-distance", "en-presentiel"])])
    with pytest.raises(CommandError, match="commune introuvable"):
        import_(path)
    assert not Site.objects.exists()


def test_a_structure_without_address_and_without_services_is_still_refused(tmp_path):
    path = write(tmp_path, [hotline()], [])
    with pytest.raises(CommandError, match="adresse manquante"):
        import_(path)
    assert not Structure.objects.filter(external_id="region-centre--conseil-pro").exists()


def test_an_unknown_departement_is_refused_in_french_and_nothing_is_written(tmp_path):
    other = hotline(id="region-centre--etoile", nom="Etoile", telephone=None)
    path = write(
        tmp_path,
        [hotline(), other],
        [
            hotline_service(zone_eligibilite=["45", "00"]),
            hotline_service(id="x--etoile", structure_id=other["id"]),
        ],
    )
    with pytest.raises(CommandError, match="département inconnu : 00"):
        import_(path)
    assert not Site.objects.exists()


def test_a_remote_entry_nobody_can_reach_is_refused(tmp_path):
    lonely = hotline(telephone=None, site_web=None)
    path = write(tmp_path, [lonely], [hotline_service(telephone=None)])
    with pytest.raises(CommandError, match="Indiquez comment joindre ce service"):
        import_(path)
    assert not Site.objects.exists()


def test_spro_exports_a_remote_entry_and_imports_it_back_the_same(tmp_path):
    line = Site(
        structure=factories.structure("region", "Région Occitanie"),
        name="Ligne orientation Occitanie",
        kind=SiteKind.A_DISTANCE,
        served_departements=["31", "81"],
        phone="05 36 49 00 00",
        website="https://www.meformerenregion.fr",
        opening_hours="Mo-Fr 09:00-18:00; PH off",
        reception_modes=["telephone"],
    )
    line.full_clean()
    line.save()
    Service.objects.create(site=line, name="Conseil par téléphone", needs=["vae"], publics=["tous-publics"])
    line.reindex()
    call_command("export-data-inclusion", str(tmp_path))
    Structure.objects.all().delete()
    call_command("import-data-inclusion", str(tmp_path))
    back = Site.objects.get(name="Ligne orientation Occitanie")
    assert back.is_remote and back.commune is None and back.latitude is None
    assert back.served_departements == ["31", "81"] and back.served_region == ""
    assert (back.phone, back.website, back.reception_modes) == (line.phone, line.website, ["telephone"])
    assert Service.objects.get(site=back).needs == ["vae"]


def test_a_whole_region_exported_as_its_departements_comes_back_as_the_region(tmp_path):
    line = Site(
        structure=factories.structure("region", "Région Occitanie"),
        name="Ligne orientation Occitanie",
        kind=SiteKind.A_DISTANCE,
        served_region="76",
        phone="05 36 49 00 00",
    )
    line.full_clean()
    line.save()
    Service.objects.create(site=line, name="Conseil par téléphone", needs=["vae"], publics=["tous-publics"])
    line.reindex()
    call_command("export-data-inclusion", str(tmp_path))
    exported = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    assert exported[0]["zone_eligibilite"] == sorted(
        Departement.objects.filter(region_id="76").values_list("code", flat=True)
    )
    Structure.objects.all().delete()
    call_command("import-data-inclusion", str(tmp_path))
    back = Site.objects.get(name="Ligne orientation Occitanie")
    assert (back.served_region, back.served_departements) == ("76", [])
