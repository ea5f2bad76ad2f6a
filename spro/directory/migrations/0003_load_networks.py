"""Every install starts with the catalogue of SPRO networks (spro/directory/networks.json)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from spro.directory.catalogue import load_networks

    load_networks(apps.get_model("directory", "Network"))


def backwards(apps, schema_editor):
    from spro.directory.catalogue import unload_networks

    unload_networks(apps.get_model("directory", "Network"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_network_data_inclusion_code_length")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
