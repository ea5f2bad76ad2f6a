from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "spro.www.coverage"
    label = "www_coverage"
