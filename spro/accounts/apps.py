from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "spro.accounts"
    label = "accounts"
    verbose_name = "Comptes"
