from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "spro.routing"
    label = "routing"
    verbose_name = "Moteur d'aiguillage"
