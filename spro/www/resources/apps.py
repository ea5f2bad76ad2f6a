from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "spro.www.resources"
    label = "www_resources"
