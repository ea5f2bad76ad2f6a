"""Cron: erase the personal data of closed referrals and contact requests past the retention period."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from spro.referrals.actions import purge_personal_data


class Command(BaseCommand):
    help = (
        "Efface les noms, téléphones, courriels et textes libres des orientations closes (ou restées "
        "ouvertes depuis leur envoi) et des demandes de contact au-delà de la durée de conservation "
        "(SPRO_RETENTION_DAYS jours), en gardant les statistiques anonymes ; efface aussi le motif des "
        "lignes du journal des accès après la même durée, et le nom de qui a consulté après "
        "SPRO_ACCESS_LOG_RETENTION_DAYS jours ; supprime les sessions expirées (l'étape 1 d'une orientation "
        "y est gardée). Idempotente : à lancer par cron."
    )

    def handle(self, *args, **options):
        report = purge_personal_data()
        self.stdout.write(
            f"Données personnelles effacées : {report.referrals} orientation(s), "
            f"{report.contact_requests} demande(s) de contact "
            f"(conservation : {settings.SPRO_RETENTION_DAYS} jours)."
        )
        self.stdout.write(
            f"Journal des accès : {report.access_reasons} motif(s) effacé(s), "
            f"{report.access_rows} ligne(s) anonymisée(s) "
            f"(au-delà de {settings.SPRO_ACCESS_LOG_RETENTION_DAYS} jours)."
        )
        self.stdout.write(f"Sessions expirées supprimées : {clear_expired_sessions()}.")


def clear_expired_sessions() -> int:
    """Expired sessions still hold what they kept (a referral's step 1): delete them, as `clearsessions`."""
    if settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        from django.contrib.sessions.models import Session

        return Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return 0
