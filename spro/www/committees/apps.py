from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "spro.www.committees"
    label = "www_committees"
