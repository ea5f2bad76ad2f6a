from django.apps import AppConfig


class ActivityPagesConfig(AppConfig):
    name = "spro.www.activity"
    label = "www_activity"
