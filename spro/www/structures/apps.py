from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "spro.www.structures"
    label = "www_structures"
