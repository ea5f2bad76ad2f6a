"""Seed the editable list of refusal reasons (the Région may edit or add reasons in the admin)."""

from django.db import migrations

REASONS = [
    ("hors-champ", "La demande ne relève pas de notre champ d'intervention"),
    ("public-non-couvert", "La personne ne fait pas partie du public que nous accompagnons"),
    ("deja-suivie", "La personne est déjà accompagnée par une autre structure"),
    ("capacite-atteinte", "Nous ne pouvons pas recevoir la personne dans un délai raisonnable"),
    ("lieu-inadapte", "Un autre lieu de notre réseau est plus proche ou mieux adapté"),
    ("coordonnees-insuffisantes", "Les coordonnées ne permettent pas de joindre la personne"),
]


def seed(apps, schema_editor):
    RefusalReason = apps.get_model("referrals", "RefusalReason")
    for order, (code, label) in enumerate(REASONS, start=1):
        RefusalReason.objects.get_or_create(code=code, defaults={"label": label, "order": order})


def unseed(apps, schema_editor):
    RefusalReason = apps.get_model("referrals", "RefusalReason")
    RefusalReason.objects.filter(code__in=[code for code, _ in REASONS], referral=None).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
