from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "spro.events"
    verbose_name = "Agenda des événements"
