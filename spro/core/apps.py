from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "spro.core"
    label = "core"
    verbose_name = "Socle"
