"""Give the structures already in the directory their SPRO status: membre de droit by their network."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Structure = apps.get_model("directory", "Structure")
    SproStatus = apps.get_model("labels", "SproStatus")
    SproStatusChange = apps.get_model("labels", "SproStatusChange")
    now = timezone.now()
    by_law = Structure.objects.filter(network__membership_kind="membre-de-droit").exclude(spro_status__isnull=False)
    for structure_id in by_law.values_list("pk", flat=True).iterator(chunk_size=2000):
        SproStatus.objects.create(structure_id=structure_id, status="membre-de-droit", updated_at=now)
        SproStatusChange.objects.create(
            structure_id=structure_id, status="membre-de-droit", reason="Réseau de la structure", at=now
        )


def backwards(apps, schema_editor):
    apps.get_model("labels", "SproStatusChange").objects.all().delete()
    apps.get_model("labels", "SproStatus").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("labels", "0001_labelling_domain"), ("directory", "0010_normalise_site_phones")]

    operations = [migrations.RunPython(forwards, backwards)]
