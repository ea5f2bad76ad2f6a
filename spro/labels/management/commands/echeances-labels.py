"""`spro echeances-labels`: the daily cron command of every time-driven step of labelling
(see spro.labels.deadlines). Idempotent: a second run the same day does nothing more."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from spro.labels.deadlines import run


class Command(BaseCommand):
    help = (
        "Échéances de la labellisation (à lancer chaque jour) : campagnes, rappels et relances des bilans "
        "annuels, reconductions tacites, labels à renouveler ou expirés, conventions dénoncées."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Jour à traiter, AAAA-MM-JJ (défaut : aujourd'hui).")

    def handle(self, *args, date=None, **options):
        day = None
        if date:
            try:
                day = _parse(date)
            except ValueError as error:
                raise CommandError(
                    "La date doit s'écrire AAAA-MM-JJ, par exemple 2027-03-31.", returncode=2
                ) from error
        counts = run(day)
        if not counts or not any(counts.values()):
            self.stdout.write("Rien à faire aujourd'hui.")
        for key, value in sorted(counts.items()):
            if value:
                self.stdout.write(f"{key} : {value}")


def _parse(text: str):
    return date.fromisoformat(text)
