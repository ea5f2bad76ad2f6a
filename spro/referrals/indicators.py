"""QuerySets of referrals and contact requests: who sees what, and the anonymous indicators.

The indicators read only networks, states and dates (never a person's data), so they stay right after
the personal data is erased. `summary()` is the dict later dashboards and exports read.
"""

import statistics
from datetime import timedelta

from django.db import models
from django.db.models import Count, Q

from spro.referrals.workflow import CLOSED_STATES, OPEN_STATES, ContactStatus, ReferralState


def _structure_ids(user):
    if not user.is_authenticated:
        return []
    return user.memberships.values_list("structure_id", flat=True)


class ReferralQuerySet(models.QuerySet):
    # -- visibility ------------------------------------------------------------------------------------
    def received_by(self, user):
        return self.filter(to_structure_id__in=_structure_ids(user))

    def sent_by(self, user):
        return self.filter(sender_structure_id__in=_structure_ids(user))

    def visible_to(self, user):
        ids = _structure_ids(user)
        return self.filter(Q(to_structure_id__in=ids) | Q(sender_structure_id__in=ids))

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def closed(self):
        return self.filter(state__in=CLOSED_STATES)

    # -- indicators ------------------------------------------------------------------------------------
    def answered(self):
        return self.filter(answered_at__isnull=False)

    def accepted(self):
        """Referrals the receiving structure accepted (whatever happened after)."""
        return self.answered().exclude(state=ReferralState.REFUSED)

    def by_network_pair(self) -> list[dict]:
        """One row per (first door network, second door network): counts per outcome."""
        rows = (
            self.values("from_network", "to_network")
            .annotate(
                total=Count("pk"),
                answered=Count("pk", filter=Q(answered_at__isnull=False)),
                refused=Count("pk", filter=Q(state=ReferralState.REFUSED)),
                received=Count("pk", filter=Q(state=ReferralState.RECEIVED)),
                expired=Count("pk", filter=Q(state=ReferralState.EXPIRED)),
                pending=Count("pk", filter=Q(state=ReferralState.SENT)),
            )
            .order_by("-total", "from_network", "to_network")
        )
        result = []
        for row in rows:
            accepted = row["answered"] - row["refused"]
            row["accepted"] = accepted
            row["acceptance_rate"] = accepted / row["answered"] if row["answered"] else None
            result.append(row)
        return result

    def acceptance_rate(self) -> float | None:
        """Accepted among answered referrals (0..1), None when none was answered."""
        answered = self.answered().count()
        return self.accepted().count() / answered if answered else None

    def first_answer_delays(self) -> list[timedelta]:
        return [
            answered - created
            for created, answered in self.answered().values_list("created_at", "answered_at")
        ]

    def median_time_to_first_answer(self) -> timedelta | None:
        delays = self.first_answer_delays()
        return statistics.median(delays) if delays else None

    def summary(self) -> dict:
        median = self.median_time_to_first_answer()
        by_state = dict(self.values_list("state").annotate(n=Count("pk")).order_by())
        return {
            "total": self.count(),
            "par_etat": {state.value: by_state.get(state.value, 0) for state in ReferralState},
            "taux_acceptation": self.acceptance_rate(),
            "delai_median_premiere_reponse_heures": (
                round(median.total_seconds() / 3600, 1) if median is not None else None
            ),
            "par_paire_de_reseaux": [
                {
                    "reseau_emetteur": row["from_network"],
                    "reseau_destinataire": row["to_network"],
                    "total": row["total"],
                    "acceptees": row["accepted"],
                    "refusees": row["refused"],
                    "expirees": row["expired"],
                    "taux_acceptation": row["acceptance_rate"],
                }
                for row in self.by_network_pair()
            ],
        }


class ContactRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(site__structure_id__in=_structure_ids(user))

    def new(self):
        return self.filter(status=ContactStatus.NEW)

    def by_network(self) -> list[dict]:
        return list(
            self.values("network")
            .annotate(
                total=Count("pk"),
                handled=Count("pk", filter=Q(status=ContactStatus.HANDLED)),
                pending=Count("pk", filter=Q(status=ContactStatus.NEW)),
            )
            .order_by("-total", "network")
        )
