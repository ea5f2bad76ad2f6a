from django.apps import AppConfig


class AiguillageConfig(AppConfig):
    name = "spro.www.aiguillage"
    label = "www_aiguillage"
