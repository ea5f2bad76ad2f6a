from django.apps import AppConfig


class OrientationsConfig(AppConfig):
    name = "spro.www.orientations"
    label = "www_orientations"
