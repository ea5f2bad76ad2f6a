"""bench.export runs the data·inclusion export on a small directory and reads back what the command said.
No timing is asserted here; the figures are written by `python -m bench export`."""

import json

import pytest

from bench import export as bench
from spro.directory import demo
from spro.directory.models import Service, Site

pytestmark = pytest.mark.django_db


def test_it_measures_the_export_of_the_current_database():
    demo.generate(["94"])

    figures = bench.measure()

    assert figures["structures_exported"] == Site.objects.filter(is_active=True).count() > 50
    assert figures["services_exported"] == Service.objects.filter(is_active=True).count()
    # The demo's addresses are valid for the schema: nothing is left out, nothing printed per record.
    assert figures["values_left_out"] == 0 and figures["warning_lines_printed"] == 0
    assert set(figures["file_mb"]) == {"structures.json", "services.json"}
    assert figures["rss_mb_max"] > 0 and figures["export_cpu_s"] >= 0
    summary = bench.summary(figures)
    assert f"{figures['structures_exported']} lieux" in summary
    json.dumps(figures)  # written as var/bench/export.json
