"""Public path "Trouver mon interlocuteur": questions, answer, and a contact request only if asked.

Nothing about the person is stored: answers travel in the query string (GET), no session is used, and
the only write is the contact request the person explicitly asks for, with consent.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from spro.core.guards import public_form, submitted_once
from spro.referrals.contact import create_contact_request
from spro.routing.codes import BESOINS, SECTEURS, STATUTS
from spro.routing.engine import get_engine
from spro.routing.places import PlaceFinder
from spro.www.aiguillage.forms import ContactForm, QuestionsForm
from spro.www.aiguillage.hours import describe_hours


def retention_days() -> int:
    """Days a contact request is kept: the referrals app's retention setting (default 90)."""
    return settings.SPRO_RETENTION_DAYS


CONTACT_PURPOSE = "Être recontacté par le lieu d'accueil au sujet de son orientation (aiguillage public)"
ANSWER_KEYS = ("age", "statut", "besoin", "secteur", "rqth", "cadre", "commune")


def _answers_query(request) -> str:
    """The person's answers as a query string, to go back or on without storing anything."""
    return urlencode([(k, request.GET[k]) for k in ANSWER_KEYS if request.GET.get(k)])


@require_GET
def start(request):
    form = QuestionsForm(request.GET or None)
    return render(request, "aiguillage/start.html", {"form": form})


def _summary(situation: dict, commune) -> list[str]:
    lines = []
    if "age" in situation:
        lines.append(f"{situation['age']} ans")
    if "statut" in situation:
        lines.append(STATUTS[situation["statut"]])
    if "besoin" in situation:
        lines.append(BESOINS[situation["besoin"]])
    if "secteur" in situation:
        lines.append(f"Secteur : {SECTEURS[situation['secteur']]}")
    if situation.get("rqth"):
        lines.append("Reconnaissance de travailleur handicapé")
    if situation.get("cadre"):
        lines.append("Cadre")
    if commune is not None:
        lines.append(f"{commune.name} ({commune.departement_id})")
    return lines


@require_GET
def answer(request):
    form = QuestionsForm(request.GET)
    if not form.is_valid():
        return render(request, "aiguillage/start.html", {"form": form})
    situation = form.situation()
    engine = get_engine()
    result = engine.route(situation, PlaceFinder())
    networks = []
    for rank, rec in enumerate(result.networks):
        info = engine.network_info(rec.code)
        networks.append(
            {
                "rec": rec,
                "first": rank == 0,
                "bring": info.get("bring", []),
                "more": info.get("more", []),
                "places": [p for p in result.places if p["reseau"] == rec.code],
            }
        )
    for place in result.places:
        place["horaires_lisibles"] = describe_hours(place["horaires"])
    commune = form.found_commune()
    context = {
        "form": form,
        "networks": networks,
        "places": result.places,
        "map_places": [
            {"nom": p["nom"], "lat": p["latitude"], "lon": p["longitude"], "adresse": p["adresse"]}
            for p in result.places
        ],
        "commune": commune,
        "commune_text": form.cleaned_data.get("commune") or "",
        "summary": _summary(situation, commune),
        "first_level": engine.first_level(situation.get("besoin")),
        "query": _answers_query(request),
        "tile_url": settings.SPRO_TILE_URL,
        "tile_attribution": settings.SPRO_TILE_ATTRIBUTION,
    }
    return render(request, "aiguillage/answer.html", context)


def _site_or_404(site_id):
    from spro.directory.models import Site

    site = Site.objects.select_related("structure", "commune").filter(pk=site_id, is_active=True).first()
    if site is None:
        raise Http404("Lieu inconnu")
    return site


def consent_text(site) -> str:
    return (
        f"J'accepte que mon nom, mes coordonnées et les réponses que j'ai données soient transmis à "
        f"« {site.name} » ({site.structure.name}) pour que ce lieu me recontacte au sujet de mon "
        f"orientation. "
        f"Ces informations seront effacées au plus tard {retention_days()} jours après ma demande."
    )


@require_http_methods(["GET", "POST"])
@public_form("demande-de-contact")
@submitted_once
def contact(request, site_id: int):
    site = _site_or_404(site_id)
    questions = QuestionsForm(request.GET)
    situation = questions.situation() if questions.is_valid() else {}
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_contact_request(
                site=site,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                consent_text=consent_text(site),
                purpose=CONTACT_PURPOSE,
                retention_days=retention_days(),
                situation=situation,
            )
        except ValidationError as error:  # the referrals app checks the request again, in French
            form.add_error(None, error)
        else:
            return redirect("aiguillage:contact_sent", site_id=site.pk)
    context = {
        "site": site,
        "form": form,
        "consent_text": consent_text(site),
        "query": _answers_query(request),
        "retention_days": retention_days(),
    }
    return render(request, "aiguillage/contact.html", context)


@require_GET
def contact_sent(request, site_id: int):
    return render(request, "aiguillage/contact_sent.html", {"site": _site_or_404(site_id)})
