from django.apps import AppConfig


class LabellisationConfig(AppConfig):
    name = "spro.www.labellisation"
    label = "www_labellisation"
