"""Sites' phone numbers in the stored form: French ones '05 61 23 45 67', others E.164 '+442079460958'.

Numbers that cannot be read as a phone number are left as they are (a person corrects them in the form).
Backwards: nothing to undo, the stored form says the same number.
"""

from django.db import migrations

from spro.directory.validators import is_valid_phone, normalize_phone


def forwards(apps, schema_editor):
    Site = apps.get_model("directory", "Site")
    for pk, phone in Site.objects.exclude(phone="").values_list("pk", "phone").iterator():
        if is_valid_phone(phone) and normalize_phone(phone) != phone:
            Site.objects.filter(pk=pk).update(phone=normalize_phone(phone))


class Migration(migrations.Migration):
    dependencies = [("directory", "0009_site_source_and_absence")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
