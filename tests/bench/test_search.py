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
