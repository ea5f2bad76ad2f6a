from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "spro.activity"
    label = "activity"
    verbose_name = "Activité"

    def ready(self):
        from spro.activity import staleness

        staleness.connect()
