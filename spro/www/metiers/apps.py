from django.apps import AppConfig


class MetiersWebConfig(AppConfig):
    name = "spro.www.metiers"
    label = "www_metiers"
    verbose_name = "Portail : métiers"
