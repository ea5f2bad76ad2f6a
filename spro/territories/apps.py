from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "spro.territories"
    label = "territories"
    verbose_name = "Référentiel territorial"
