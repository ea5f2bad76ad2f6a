from django.apps import AppConfig


class AttestationsConfig(AppConfig):
    name = "spro.www.attestations"
    label = "www_attestations"
