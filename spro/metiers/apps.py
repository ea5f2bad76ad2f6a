from django.apps import AppConfig


class MetiersConfig(AppConfig):
    name = "spro.metiers"
    verbose_name = "Métiers (ROME 4.0)"
    default_auto_field = "django.db.models.BigAutoField"
