from django import template

from spro.referrals.models import ContactRequest, Referral
from spro.referrals.workflow import OPEN_STATES, ReferralState
from spro.routing.codes import BESOINS, DIPLOMES, SECTEURS, SEXES, STATUTS

register = template.Library()


@register.simple_tag
def orientation_counts(user) -> dict:
    """Counts shown on the professional home page (three small queries, only for structure members)."""
    if not user.is_authenticated or not user.memberships.exists():
        return {"member": False}
    return {
        "member": True,
        "received_waiting": Referral.objects.received_by(user).filter(state=ReferralState.SENT).count(),
        "sent_open": Referral.objects.sent_by(user).filter(state__in=OPEN_STATES).count(),
        "contact_new": ContactRequest.objects.visible_to(user).new().count(),
    }


SITUATION_LABELS = {
    "age": ("Âge", None),
    "sexe": ("Sexe", SEXES),
    "statut": ("Situation", STATUTS),
    "diplome": ("Diplôme", DIPLOMES),
    "cadre": ("Cadre", None),
    "rqth": ("RQTH", None),
    "mois_hors_ecole": ("Mois depuis la sortie d'études", None),
    "besoin": ("Besoin", BESOINS),
    "secteur": ("Secteur", SECTEURS),
    "commune": ("Commune", None),
    "premiere_porte": ("Première porte", None),
}


@register.filter
def situation_lines(situation) -> list[str]:
    """A stored situation in French: "Situation : Demandeur d'emploi", "Âge : 22 ans"…"""
    from spro.directory.models import Network
    from spro.territories.models import Commune

    lines = []
    for key, value in (situation or {}).items():
        label, codes = SITUATION_LABELS.get(key, (key, None))
        if isinstance(value, bool):
            text = "oui" if value else "non"
        elif key == "age":
            text = f"{value} ans"
        elif key == "commune":
            commune = Commune.objects.filter(code=value).only("name").first()
            text = f"{commune.name} ({value})" if commune else value
        elif key == "premiere_porte":
            text = Network.objects.filter(code=value).values_list("label", flat=True).first() or value
        else:
            text = codes.get(value, value) if codes else value
        lines.append(f"{label} : {text}")
    return lines


@register.filter
def need_label(code: str) -> str:
    return BESOINS.get(code, code)


ACTION_LABELS = {
    "envoyer": "Envoi",
    "accepter": "Acceptation",
    "refuser": "Refus",
    "personne-recue": "Personne reçue",
    "sans-suite": "Classement sans suite",
    "expirer": "Expiration sans réponse",
    "relancer": "Relance",
    "creation": "Demande reçue",
    "traiter": "Traitement",
}


@register.filter
def action_label(name: str) -> str:
    return ACTION_LABELS.get(name, name)
