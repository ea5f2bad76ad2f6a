"""bench.search runs on a small directory: varied searches, pages that answer 200, figures in the output.
No timing is asserted here; the targets are checked by `make bench`."""

import pytest

from bench import search as bench
from spro.directory import demo
from spro.directory.codes import Need, Public
from spro.territories.models import Commune

pytestmark = pytest.mark.django_db


def communes():
    return list(
        Commune.objects.filter(region="94")
        .exclude(latitude=None)
        .values_list("code", "latitude", "longitude", "population")
    )


def test_it_draws_the_same_varied_searches_for_a_seed():
    first = bench.search_params(communes(), 300, seed=1)

    assert first == bench.search_params(communes(), 300, seed=1)
    assert first != bench.search_params(communes(), 300, seed=2)
    assert {p["rayon"] for p in first} == set(bench.RADII_KM)
    assert {p["besoin"] for p in first if "besoin" in p} <= set(Need.values)
    assert {p["public"] for p in first if "public" in p} <= set(Public.values)
    for key in ("reseau", "ouvert", "q", "mode"):
        assert any(key in p for p in first), key


def test_it_draws_populated_communes_more_often():
    drawn = [p["commune"] for p in bench.search_params(communes(), 500, seed=3)]
    largest = max(communes(), key=lambda c: c[3])[0]  # Ajaccio

    assert drawn.count(largest) > 25


def test_it_measures_searches_and_pages_on_the_current_database():
    demo.generate(["94"])

    figures = bench.measure(searches=30, pages=5, regions=["94"])

    assert figures["sites"] > 50 and figures["services"] > 200
    assert figures["searches"] == 30 and figures["pages"] == 5
    assert figures["page_errors"] == 0, figures["page_error_samples"]
    assert figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"] <= figures["max_ms"]
    assert figures["mean_results"] > 0
    assert figures["peak_rss_mb"] > 0
    assert len(figures["slowest_searches"]) == 5
    summary = bench.summary({"sites": figures["sites"], "services": 4, "sqlite": figures, "postgresql": None})
    assert f"{figures['sites']} lieux" in summary and f"p95 {figures['p95_ms']} ms" in summary


def small_directory(path, sites=80):
    import sqlite3

    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE directory_site (id INTEGER PRIMARY KEY, name TEXT, latitude REAL, longitude REAL)"
    )
    db.execute("CREATE TABLE directory_service (id INTEGER PRIMARY KEY, site_id INTEGER, name TEXT)")
    for pk in range(1, sites + 1):
        db.execute("INSERT INTO directory_site VALUES (?, ?, ?, ?)", (pk, f"Lieu {pk}", 43 + pk / 100, 1.4))
        db.execute("INSERT INTO directory_service VALUES (?, ?, ?)", (2 * pk, pk, "Accueil"))
        db.execute("INSERT INTO directory_service VALUES (?, ?, ?)", (2 * pk + 1, pk, "Atelier"))
    db.commit()
    db.close()


def rows(path, sql):
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def test_a_larger_directory_holds_shifted_copies_of_every_site_and_its_services(tmp_path):
    small_directory(tmp_path / "national.sqlite3")

    bench.derive(tmp_path / "national.sqlite3", tmp_path / "x4.sqlite3", 4)

    assert rows(tmp_path / "x4.sqlite3", "SELECT COUNT(*) FROM directory_site") == [(320,)]
    assert rows(tmp_path / "x4.sqlite3", "SELECT COUNT(*) FROM directory_service") == [(640,)]
    orphans = "SELECT COUNT(*) FROM directory_service WHERE site_id NOT IN (SELECT id FROM directory_site)"
    assert rows(tmp_path / "x4.sqlite3", orphans) == [(0,)]
    copies = rows(
        tmp_path / "x4.sqlite3", "SELECT latitude, longitude FROM directory_site WHERE name = 'Lieu 1'"
    )
    north, east = bench.SHIFT_DEG
    expected = [(43.01 + k * north, 1.4 + k * east) for k in range(4)]
    assert [lat for lat, _ in sorted(copies)] == pytest.approx([lat for lat, _ in expected])
    assert [lon for _, lon in sorted(copies)] == pytest.approx([lon for _, lon in expected])


def test_a_smaller_directory_keeps_one_site_in_n_and_only_their_services(tmp_path):
    small_directory(tmp_path / "national.sqlite3")

    bench.derive(tmp_path / "national.sqlite3", tmp_path / "x8.sqlite3", 0.125)

    assert rows(tmp_path / "x8.sqlite3", "SELECT COUNT(*) FROM directory_site") == [(10,)]
    assert rows(
        tmp_path / "x8.sqlite3", "SELECT COUNT(DISTINCT site_id), COUNT(*) FROM directory_service"
    ) == [(10, 20)]
    assert rows(tmp_path / "national.sqlite3", "SELECT COUNT(*) FROM directory_site") == [(80,)]  # untouched


def test_the_growth_table_reads_like_the_readme():
    growth = {
        "rows": [
            {
                "sites": 8069,
                "services": 33000,
                "p50_ms": 1.1,
                "p95_ms": 2.5,
                "p99_ms": 3.0,
                "cpu_p95_ms": 2.0,
            },
            {
                "sites": 258208,
                "services": 1067572,
                "p50_ms": 1.5,
                "p95_ms": 3.5,
                "p99_ms": 5.0,
                "cpu_p95_ms": 3.0,
            },
        ]
    }
    table = bench.growth_table(growth).splitlines()

    assert table[0].startswith("| lieux | services | p50 (ms) | p95 (ms)")
    assert table[2] == "| 8\u202f069 | 33\u202f000 | 1.1 | 2.5 | 3.0 | 2.0 |"
    assert len(table) == 4
