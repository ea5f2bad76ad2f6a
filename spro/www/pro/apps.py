from django.apps import AppConfig


class ProConfig(AppConfig):
    name = "spro.www.pro"
    label = "www_pro"
