"""A service for "tous publics" is for no other public as well: [jeunes, tous-publics] → [tous-publics].

The rule is now the model's (spro.directory.validators.validate_publics); rows written before it, by the
demo generator or an import, are brought in line. Lossless: the search already matches a "tous publics"
service for every public. The publics index of the sites concerned is rebuilt as `Site.reindex()` does.
"""

from django.db import migrations

EVERYONE = "tous-publics"


def code_index(codes) -> str:
    codes = sorted(set(codes or []))
    return f"|{'|'.join(codes)}|" if codes else ""


def forwards(apps, schema_editor):
    Service = apps.get_model("directory", "Service")
    Site = apps.get_model("directory", "Site")
    site_ids = set()
    for service in Service.objects.only("pk", "publics", "site_id").iterator():
        if EVERYONE in (service.publics or []) and len(set(service.publics)) > 1:
            Service.objects.filter(pk=service.pk).update(publics=[EVERYONE])
            site_ids.add(service.site_id)
    for site_id in site_ids:
        publics = Service.objects.filter(site_id=site_id, is_active=True).values_list("publics", flat=True)
        Site.objects.filter(pk=site_id).update(publics_index=code_index(p for row in publics for p in row))


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_rules_as_field_validators")]

    # Backwards: nothing to undo, the combined form said nothing more.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
