"""Cron: remind receiving structures of unanswered referrals, then expire them and tell the first door."""

from django.conf import settings
from django.core.management.base import BaseCommand

from spro.referrals.actions import remind_and_expire


class Command(BaseCommand):
    help = (
        "Relance les structures qui n'ont pas répondu à une orientation "
        "(après SPRO_REFERRAL_REMINDER_DAYS jours) puis la fait expirer (après SPRO_REFERRAL_EXPIRY_DAYS "
        "jours) en informant la structure qui oriente. Idempotente : à lancer par cron."
    )

    def handle(self, *args, **options):
        report = remind_and_expire()
        self.stdout.write(
            f"{report.reminded} relance(s) envoyée(s) (après {settings.SPRO_REFERRAL_REMINDER_DAYS} jours), "
            f"{report.expired} orientation(s) expirée(s) (après {settings.SPRO_REFERRAL_EXPIRY_DAYS} jours)."
        )
