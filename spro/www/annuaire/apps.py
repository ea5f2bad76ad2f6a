from django.apps import AppConfig


class AnnuaireConfig(AppConfig):
    name = "spro.www.annuaire"
    label = "www_annuaire"
