from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "spro.www.agenda"
    label = "www_agenda"
