from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "spro.www.members"
    label = "www_members"
