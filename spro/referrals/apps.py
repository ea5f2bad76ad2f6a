from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "spro.referrals"
    label = "referrals"
    verbose_name = "Aiguillage"
