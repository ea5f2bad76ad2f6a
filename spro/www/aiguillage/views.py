"""Public path "Trouver mon interlocuteur": questions, answer, and a contact request only if asked.

Nothing about the person is stored on the server and nothing travels in a URL: the answers are posted
(CSRF), kept in a signed cookie of the person's browser only (`ANSWERS_COOKIE`: this path, this browser
session, two hours at most), and the answer page is reached by a redirect (post/redirect/get), so they
reach no access log, no browser history and no Referer. A result is shared by network and commune only
(`?reseau=…&commune=…`). The only write is the contact request the person explicitly asks for.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spro.core.guards import public_form, submitted_once
from spro.referrals.contact import create_contact_request
from spro.routing.codes import BESOINS, SECTEURS, STATUTS
from spro.routing.engine import get_engine
from spro.routing.places import PlaceFinder
from spro.territories.lookup import INSEE_CODE
from spro.territories.models import Commune
from spro.www.aiguillage.forms import ContactForm, QuestionsForm
from spro.www.aiguillage.hours import describe_hours


def retention_days() -> int:
    """Days a contact request is kept: the referrals app's retention setting (default 90)."""
    return settings.SPRO_RETENTION_DAYS


CONTACT_PURPOSE = "Être recontacté par le lieu d'accueil au sujet de son orientation (aiguillage public)"
ANSWER_KEYS = ("age", "statut", "besoin", "secteur", "metier", "rqth", "cadre", "a_distance", "commune")
ANSWERS_COOKIE = "spro_aiguillage"
ANSWERS_SALT = "spro.aiguillage.reponses"
ANSWERS_MAX_AGE = 2 * 3600  # seconds; the cookie itself ends with the browser session
SHARE_KEYS = ("reseau", "commune")


# -- the answers, in the person's browser only ---------------------------------------------------------
def _start_url() -> str:
    return reverse("aiguillage:start")


def read_answers(request) -> dict | None:
    """The answers of this browser (a dict, maybe empty when every question was skipped), or None."""
    value = request.COOKIES.get(ANSWERS_COOKIE)
    if not value:
        return None
    try:
        answers = signing.loads(value, salt=ANSWERS_SALT, max_age=ANSWERS_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(answers, dict):
        return None
    return {k: str(v) for k, v in answers.items() if k in ANSWER_KEYS and isinstance(v, str | int)}


def _keep_answers(response, form) -> None:
    answers = {k: form.data[k] for k in ANSWER_KEYS if form.data.get(k)}
    response.set_cookie(
        ANSWERS_COOKIE,
        signing.dumps(answers, salt=ANSWERS_SALT, compress=True),
        path=_start_url(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _forget_answers(response) -> None:
    response.delete_cookie(ANSWERS_COOKIE, path=_start_url(), samesite="Lax")


def _situation_from_answers(request) -> dict:
    answers = read_answers(request)
    form = QuestionsForm(answers or {})
    return form.situation() if answers and form.is_valid() else {}


# -- the questions ---------------------------------------------------------------------------------------
@require_GET
def start(request):
    """The questions, filled with this browser's answers ("Modifier mes réponses"); a URL fills nothing."""
    form = QuestionsForm(initial=read_answers(request) or {})
    return render(request, "aiguillage/start.html", {"form": form})


def _summary(situation: dict, commune, occupation=None) -> list[str]:
    lines = []
    if "age" in situation:
        lines.append(f"{situation['age']} ans")
    if "statut" in situation:
        lines.append(STATUTS[situation["statut"]])
    if "besoin" in situation:
        lines.append(BESOINS[situation["besoin"]])
    if "secteur" in situation:
        lines.append(f"Secteur : {SECTEURS[situation['secteur']]}")
    if occupation is not None:
        lines.append(f"Métier : {occupation.label}")
    if situation.get("rqth"):
        lines.append("Reconnaissance de travailleur handicapé")
    if situation.get("cadre"):
        lines.append("Cadre")
    if situation.get("a_distance"):
        lines.append("Accompagnement à distance de préférence")
    if commune is not None:
        lines.append(f"{commune.name} ({commune.departement_id})")
    return lines


def _share_url(network: str, commune) -> str:
    params = [("reseau", network)] + ([("commune", commune.code)] if commune is not None else [])
    return f"{reverse('aiguillage:answer')}?{urlencode(params)}"


def _network_items(engine, recommendations, places, commune) -> list[dict]:
    items = []
    for rank, rec in enumerate(recommendations):
        info = engine.network_info(rec.code)
        items.append(
            {
                "rec": rec,
                "first": rank == 0,
                "bring": info.get("bring", []),
                "more": info.get("more", []),
                "places": [p for p in places if p["reseau"] == rec.code],
                "share_url": _share_url(rec.code, commune),
            }
        )
    for place in places:
        place["horaires_lisibles"] = describe_hours(place["horaires"])
    return items


def _remote_context(places, recommendations, first_door=None) -> dict:
    """Remote entries (phone lines, websites) of no recommended network, shown apart (the one proposed
    as first door is shown first, on its own)."""
    codes = {rec.code for rec in recommendations}
    door = first_door["id"] if first_door else None
    remote = [p for p in places if p.get("a_distance") and p["reseau"] not in codes and p["id"] != door]
    for place in remote:
        place["horaires_lisibles"] = describe_hours(place["horaires"])
    return {"remote_places": remote, "remote_item": {"places": remote}}


def _map_context(places) -> dict:
    return {
        "places": places,
        "map_places": [
            {"nom": p["nom"], "lat": p["latitude"], "lon": p["longitude"], "adresse": p["adresse"]}
            for p in places
            if p["latitude"] is not None
        ],
        "tile_url": settings.SPRO_TILE_URL,
        "tile_attribution": settings.SPRO_TILE_ATTRIBUTION,
    }


@require_http_methods(["GET", "POST"])
def answer(request):
    """POST: check the answers, keep them in the browser, redirect here. GET: the answer, or a shared one."""
    if request.method == "POST":
        form = QuestionsForm(request.POST)
        if not form.is_valid():
            return render(request, "aiguillage/start.html", {"form": form})
        response = redirect("aiguillage:answer")
        response.status_code = 303  # the browser follows with a GET: reload and back never re-post
        _keep_answers(response, form)
        return response
    if "reseau" in request.GET:
        return _shared_answer(request)
    answers = read_answers(request)
    if answers is None:
        return redirect("aiguillage:start")
    form = QuestionsForm(answers)
    if not form.is_valid():  # the questions changed since the answers were given
        return render(request, "aiguillage/start.html", {"form": form})
    situation = form.situation()
    engine = get_engine()
    result = engine.route(situation, PlaceFinder())
    commune = form.found_commune()
    context = {
        "form": form,
        "networks": _network_items(engine, result.networks, result.places, commune),
        "commune": commune,
        "commune_text": form.cleaned_data.get("commune") or "",
        "summary": _summary(situation, commune, form.found_occupation()),
        "first_level": engine.first_level(situation.get("besoin")),
        **_map_context(result.places),
        **_remote_context(result.places, result.networks, result.first_door),
        "first_door": _readable(result.first_door),
    }
    return render(request, "aiguillage/answer.html", context)


def _readable(place: dict | None) -> dict | None:
    if place is not None:
        place["horaires_lisibles"] = describe_hours(place["horaires"])
    return place


class _SharedRecommendation:
    """What a shared link names: a network, its label; never the reason, which came from the answers."""

    def __init__(self, code: str, label: str):
        self.code, self.label, self.reason = code, label, ""


def _shared_answer(request):
    """A result shared by network and commune only: that network's nearby places, said to be shared."""
    engine = get_engine()
    code = request.GET.get("reseau", "")
    if code not in engine.labels:
        return render(request, "aiguillage/shared_unknown.html", status=404)
    commune_code = request.GET.get("commune", "")
    commune = None
    if commune_code and INSEE_CODE.match(commune_code):
        commune = Commune.objects.filter(code=commune_code.upper()).first()
    places = []
    if commune is not None:
        places = PlaceFinder().find(commune.code, [code], None, engine.compiled.need_map)
    recommendation = _SharedRecommendation(code, engine.labels[code])
    context = {
        "shared": True,
        "networks": _network_items(engine, [recommendation], places, commune),
        "commune": commune,
        "commune_unknown": bool(commune_code) and commune is None,
        **_map_context(places),
    }
    return render(request, "aiguillage/answer.html", context)


@require_POST
def forget(request):
    """Forget this browser's answers (a shared computer): the questions start empty again."""
    response = redirect("aiguillage:start")
    response.status_code = 303
    _forget_answers(response)
    return response


def _site_or_404(site_id):
    from spro.directory.models import Site

    site = Site.objects.select_related("structure", "commune").filter(pk=site_id, is_active=True).first()
    if site is None:
        raise Http404("Lieu inconnu")
    return site


def consent_text(site, with_answers: bool = True) -> str:
    what = (
        "mon nom, mes coordonnées et les réponses que j'ai données"
        if with_answers
        else ("mon nom et mes coordonnées")
    )
    return (
        f"J'accepte que {what} soient transmis à "
        f"« {site.name} » ({site.structure.name}) pour que ce lieu me recontacte au sujet de mon "
        f"orientation. "
        f"Ces informations seront effacées au plus tard {retention_days()} jours après ma demande."
    )


@require_http_methods(["GET", "POST"])
@public_form("demande-de-contact")
@submitted_once
def contact(request, site_id: int):
    site = _site_or_404(site_id)
    situation = _situation_from_answers(request)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_contact_request(
                site=site,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                consent_text=consent_text(site, bool(situation)),
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
        "consent_text": consent_text(site, bool(situation)),
        "has_answers": read_answers(request) is not None,
        "offline": not site.structure.memberships.filter(user__is_active=True).exists(),
        "retention_days": retention_days(),
    }
    return render(request, "aiguillage/contact.html", context)


@require_GET
def contact_sent(request, site_id: int):
    return render(request, "aiguillage/contact_sent.html", {"site": _site_or_404(site_id)})
