from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "spro.www.territories"
    label = "www_territories"
