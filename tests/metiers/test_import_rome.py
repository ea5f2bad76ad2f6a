"""`spro import-rome DOSSIER`: the real v460 files, idempotent, and bad files that write nothing."""

import gzip
import shutil

import pytest
from django.core.management import CommandError, call_command

from spro.metiers.importer import PACKAGED, RomeImportError, import_rome
from spro.metiers.models import JobTitle, Occupation
from tests.metiers.conftest import real_files

pytestmark = pytest.mark.django_db

FICHES = "unix_referentiel_code_rome_v460_utf8.csv"
TITLES = "unix_referentiel_appellation_v460_utf8.csv"


def copy_real(tmp_path):
    source = real_files()
    for name in (FICHES, TITLES):
        shutil.copy(source / name, tmp_path / name)
    return tmp_path


def snapshot():
    return (
        sorted(Occupation.objects.values_list("code", "label")),
        sorted(JobTitle.objects.values_list("ogr_code", "label", "occupation__code")),
    )


def test_it_imports_the_real_files():
    result = import_rome(real_files())
    assert (result.occupations, result.job_titles) == (1584, 13120)
    assert Occupation.objects.count() == 1584 and JobTitle.objects.count() == 13120
    baker = Occupation.objects.get(code="D1102")
    assert baker.label == "Boulanger / Boulangère"
    assert (baker.grand_domaine, baker.domain) == ("D", "D11")
    assert baker.domain_label == "Commerce alimentaire et métiers de bouche"
    assert baker.grand_domaine_label == "Commerce, vente et grande distribution"
    assert baker.job_titles.filter(is_main=True).count() == 1
    # Every domain of the real fiches has a label in domains.json.
    assert all(o.domain_label for o in Occupation.objects.all())


def test_a_second_run_changes_nothing():
    import_rome(real_files())
    again = import_rome(real_files())
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert "déjà à jour" in again.summary()


def test_the_shipped_gzip_copy_holds_the_same_referential(tmp_path):
    for name in (FICHES, TITLES):
        assert (PACKAGED / name.replace("_v460", "").replace(".csv", ".csv.gz")).exists()
    import_rome(PACKAGED)
    shipped = snapshot()
    again = import_rome(real_files())
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert snapshot() == shipped


def test_a_newer_file_updates_renames_and_deletes(tmp_path):
    import_rome(real_files())
    folder = copy_real(tmp_path)
    text = (folder / FICHES).read_text(encoding="utf-8")
    text = text.replace('"D1102","', '"D1102","', 1).replace(
        "Boulanger / Boulangère", "Boulanger / Boulangère (nouveau)"
    )
    (folder / FICHES).write_text(text, encoding="utf-8")
    lines = (folder / TITLES).read_text(encoding="utf-8").splitlines(keepends=True)
    removed = lines.pop(1)  # the first job title leaves the referential
    (folder / TITLES).write_text("".join(lines), encoding="utf-8")
    result = import_rome(folder)
    assert result.updated >= 1 and result.deleted == 1
    assert Occupation.objects.get(code="D1102").label == "Boulanger / Boulangère (nouveau)"
    assert not JobTitle.objects.filter(ogr_code=removed.split(",")[0].strip('"')).exists()


@pytest.mark.parametrize(
    "file,broken,message",
    [
        (FICHES, lambda t: t.replace('"D1102"', '"D11O2"', 1), "code ROME « D11O2 » invalide"),
        (
            TITLES,
            lambda t: t.replace('"10203","Accessoiriste"', '"10203",""', 1),
            "« libelle_appellation_long » est vide",
        ),
        (TITLES, lambda t: t.replace('"L1503"', '"Z9999"', 1), "absent du fichier des fiches"),
        (TITLES, lambda t: t.replace('"10201"', '"10200"', 1), "code OGR 10200 en double"),
        (FICHES, lambda t: t.replace("libelle_rome", "intitule", 1), "colonne(s) absente(s) : libelle_rome"),
        (TITLES, lambda t: t.replace("Accessoiriste", "Access\x00oiriste", 1), "caractère nul"),
    ],
    ids=["bad-code", "empty-label", "unknown-fiche", "duplicate", "missing-column", "nul-byte"],
)
def test_a_bad_file_writes_nothing_and_names_file_and_line(tmp_path, file, broken, message):
    import_rome(real_files())
    before = snapshot()
    folder = copy_real(tmp_path)
    # A change elsewhere in the same import must not be written either.
    other = FICHES if file == TITLES else TITLES
    (folder / other).write_text(
        (folder / other).read_text(encoding="utf-8").replace("Boulanger / Boulangère", "Modifié", 1),
        encoding="utf-8",
    )
    (folder / file).write_text(broken((folder / file).read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(RomeImportError) as error:
        import_rome(folder)
    text = " ".join(error.value.errors)
    assert message in text
    assert file in text and "ligne " in text
    assert snapshot() == before


def test_not_utf8_and_missing_files_are_refused_in_french(tmp_path):
    folder = copy_real(tmp_path)
    (folder / TITLES).write_bytes((folder / TITLES).read_text(encoding="utf-8").encode("cp1252", "replace"))
    with pytest.raises(RomeImportError, match="n'est pas en UTF-8"):
        import_rome(folder)
    (folder / FICHES).unlink()
    with pytest.raises(RomeImportError, match="introuvable"):
        import_rome(folder)
    assert not Occupation.objects.exists()


def test_gzip_files_are_read(tmp_path):
    source = real_files()
    for name in (FICHES, TITLES):
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress((source / name).read_bytes()))
    assert import_rome(tmp_path).job_titles == 13120


def test_the_command_reports_in_french_and_fails_without_writing(tmp_path, capsys):
    call_command("import-rome", str(real_files()))
    assert "1584 fiches métiers, 13120 appellations" in capsys.readouterr().out
    call_command("import-rome", "--si-vide")
    assert "déjà chargé" in capsys.readouterr().out
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import-rome", str(tmp_path / "absent"))
