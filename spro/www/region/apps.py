from django.apps import AppConfig


class RegionConfig(AppConfig):
    name = "spro.www.region"
    label = "www_region"
