from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "spro.www.portal"
    label = "www_portal"
