from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "spro.www.portal"
    label = "www_portal"

    def ready(self):
        from spro.www.portal import checks  # noqa: F401 (registers the accessibility audit check)
