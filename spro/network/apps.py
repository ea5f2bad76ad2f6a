from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "spro.network"
    label = "network"
    verbose_name = "Vie du réseau"
