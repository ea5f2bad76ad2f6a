"""Phone numbers of referred persons and contact requests in the stored form ('05 61 23 45 67', E.164).

Numbers that cannot be read as a phone number are left as they are. Backwards: nothing to undo.
"""

from django.db import migrations

from spro.directory.validators import is_valid_phone, normalize_phone


def forwards(apps, schema_editor):
    for model, field in (("Referral", "person_phone"), ("ContactRequest", "phone")):
        Model = apps.get_model("referrals", model)
        for pk, phone in Model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
            if is_valid_phone(phone) and normalize_phone(phone) != phone:
                Model.objects.filter(pk=pk).update(**{field: normalize_phone(phone)})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0003_phone_numbers_validated")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
