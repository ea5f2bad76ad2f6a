from django.apps import AppConfig


class ProfessionalsConfig(AppConfig):
    name = "spro.www.professionals"
    label = "www_professionals"
