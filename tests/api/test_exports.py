"""GET /api/v1/lieux/export.csv and export.geojson: served from a file rebuilt when the directory changes,
with validation headers (304), and a limit on concurrent rebuilds shared by every process."""

import json
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spro.core.exports import regeneration_slot
from spro.directory.history import save_with_history, snapshot
from spro.directory.models import Site
from tests.directory import factories as f

pytestmark = pytest.mark.django_db
CSV, GEOJSON = "/api/v1/lieux/export.csv", "/api/v1/lieux/export.geojson"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def later(minutes=1):
    return time_machine.travel(NOW.replace(minute=minutes), tick=False)


@time_machine.travel(NOW, tick=False)
def test_the_csv_export_keeps_its_bytes(client):
    site = f.site("Toulouse", needs=["vae", "se-former"], reception_modes=["sur-place", "telephone"])
    Site.objects.filter(pk=site.pk).update(latitude=43.6, longitude=-1.25)
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="lieux-spro.csv"'
    assert body(response).decode("utf-8") == (
        "id,nom,structure,siret,reseau,type,adresse,complement_adresse,code_postal,code_commune,commune,"
        "latitude,longitude,telephone,courriel,horaires,modes_accueil,besoins,publics,accessibilite,"
        "site_internet,mis_a_jour_le,donnees_fictives\r\n"
        f"{site.pk},Toulouse,Toulouse (structure),,cio,site-principal,1 rue de la République,,31000,31555,"
        "Toulouse,43.6,-1.25,05 61 00 00 00,accueil@example.org,,sur-place|telephone,se-former|vae,"
        "tous-publics,,,2026-11-25,non\r\n"
    )


@time_machine.travel(NOW, tick=False)
def test_the_geojson_export_keeps_its_bytes(client):
    site = f.site("Albi", commune_code=f.ALBI)
    Site.objects.filter(pk=site.pk).update(latitude=43.9, longitude=2.15)
    response = client.get(GEOJSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"] == 'attachment; filename="lieux-spro.geojson"'
    text = body(response).decode("utf-8")
    assert text.startswith('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": ')
    assert text.endswith("]}")
    (feature,) = json.loads(text)["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.15, 43.9]}
    assert feature["properties"]["id"] == site.pk and feature["properties"]["commune"] == "Albi"


def test_it_serves_the_same_file_until_the_directory_changes(client, export_files):
    f.site("Toulouse")
    first = client.get(CSV)
    (file,) = export_files.glob("lieux-*.csv")
    with CaptureQueriesContext(connection) as queries:
        second = client.get(CSV)
    assert body(second) == body(first) == file.read_bytes()
    assert second["ETag"] == first["ETag"]
    assert len(queries) == 1, "only the directory version is read, not the sites"
    assert list(export_files.glob("lieux-*.csv")) == [file]


def test_a_client_with_the_current_copy_gets_304(client):
    f.site("Toulouse")
    first = client.get(GEOJSON)
    assert first["ETag"] and first["Last-Modified"]
    assert first["Cache-Control"] == "public, no-cache"
    again = client.get(GEOJSON, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get(GEOJSON, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(GEOJSON, headers={"If-None-Match": '"une-autre-version"'})
    assert other.status_code == 200 and body(other) == body(first)


def test_it_is_rebuilt_after_a_site_is_edited(client, export_files):
    with later(1):
        site = f.site("Ancien nom")
        first = client.get(CSV)
    with later(2):
        before = snapshot(site)
        site.name = "Nouveau nom"
        save_with_history(site, before)
        second = client.get(CSV)
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert "Nouveau nom" in body(second).decode() and "Ancien nom" not in body(second).decode()
    assert client.get(CSV, headers={"If-None-Match": first["ETag"]}).status_code == 200
    assert len(list(export_files.glob("lieux-*.csv"))) == 1, "the old file is removed"


def test_it_is_rebuilt_after_sites_are_deactivated_in_bulk(client):
    f.site("Toulouse")
    f.site("Albi", commune_code=f.ALBI)
    assert body(client.get(GEOJSON)).count(b'"Feature"') == 2
    Site.objects.filter(name="Albi").update(is_active=False)  # no updated_at, no history
    assert body(client.get(GEOJSON)).count(b'"Feature"') == 1


def test_it_is_rebuilt_after_a_service_changes(client):
    with later(1):
        site = f.site("Toulouse", needs=["vae"])
        assert "vae" in body(client.get(CSV)).decode()
    with later(2):
        service = site.services.get()
        before = snapshot(service)
        service.needs = ["se-former"]
        save_with_history(service, before)
        text = body(client.get(CSV)).decode()
    assert ",se-former," in text and "vae" not in text


def test_it_refuses_a_rebuild_with_a_french_503_when_every_slot_is_taken(client, settings):
    f.site("Toulouse")
    settings.SPRO_EXPORT_MAX_REGENERATIONS = 2
    with regeneration_slot(), regeneration_slot():
        response = client.get(CSV)
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response.json()["detail"].startswith("Trop d'exports complets sont en préparation")
    assert client.get(CSV).status_code == 200, "a slot released, the export is built"


def test_serving_a_current_file_needs_no_slot(client):
    f.site("Toulouse")
    built = client.get(GEOJSON)
    with regeneration_slot(), regeneration_slot():
        served = client.get(GEOJSON)
    assert served.status_code == 200 and body(served) == body(built)


def test_the_limit_is_shared_with_other_processes(client, settings, export_files):
    f.site("Toulouse")
    settings.SPRO_EXPORT_MAX_REGENERATIONS = 1
    export_files.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SLOT, str(export_files / ".slot-0.lock")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert client.get(CSV).status_code == 503
    finally:
        holder.kill()
        holder.wait()
    assert client.get(CSV).status_code == 200, "the kernel released the dead process's slot"


HOLD_SLOT = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(60)
"""


def test_a_second_request_does_not_rebuild_the_file_another_is_writing(client, export_files):
    from spro.core.exports import _try_lock

    f.site("Toulouse")
    export_files.mkdir(parents=True, exist_ok=True)
    with _try_lock(export_files / ".lieux.csv.lock") as held:
        assert held
        response = client.get(CSV)
    assert response.status_code == 503
    assert client.get(GEOJSON).status_code == 200, "another export is not blocked"


def test_a_rebuild_that_fails_leaves_no_partial_file(export_files):
    from spro.core.exports import current_export

    def broken(stream):
        stream.write(b"id,nom\r\n1,")
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        current_export("lieux.csv", "v1", broken)
    assert [p.name for p in export_files.iterdir() if not p.name.endswith(".lock")] == []
    export = current_export("lieux.csv", "v1", lambda stream: stream.write(b"id,nom\r\n"))
    assert export.stream.read() == b"id,nom\r\n"
    export.stream.close()


def test_a_file_removed_by_a_newer_version_stays_readable_for_its_reader(export_files):
    from spro.core.exports import current_export

    old = current_export("lieux.csv", "v1", lambda stream: stream.write(b"ancien"))
    time.sleep(0.01)
    new = current_export("lieux.csv", "v2", lambda stream: stream.write(b"nouveau"))
    assert [p.name for p in export_files.glob("lieux-*.csv")] == [f"lieux-{new.etag.strip(chr(34))}.csv"]
    assert old.stream.read() == b"ancien" and new.stream.read() == b"nouveau"
    old.stream.close()
    new.stream.close()


def test_the_csv_export_neutralises_text_that_would_start_a_formula(client):
    import csv
    import io

    owner = f.structure("cio", name="+33 STRUCTURE")
    site = f.site('=HYPERLINK("https://attaquant.test","Cliquez")', structure_obj=owner)
    Site.objects.filter(pk=site.pk).update(longitude=-1.25, address="-1 rue", address_complement="\t=1")
    (row,) = csv.DictReader(io.StringIO(body(client.get(CSV)).decode("utf-8")))
    assert row["nom"] == '\'=HYPERLINK("https://attaquant.test","Cliquez")'
    assert row["structure"] == "'+33 STRUCTURE"
    assert row["adresse"] == "'-1 rue"
    assert row["complement_adresse"] == "'\t=1"
    assert row["longitude"] == "-1.25", "a number is written as a number"
    geojson = json.loads(body(client.get(GEOJSON)))
    assert geojson["features"][0]["properties"]["nom"].startswith("=HYPERLINK"), (
        "GeoJSON is data, not a sheet"
    )
