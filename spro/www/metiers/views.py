"""Public métier pages: search over the ROME job titles, browsing by domain, and a page per ROME fiche
with the official links and "who to ask near home for this project" (the aiguillage engine).

Nothing a person answers is stored: the project form is posted (so that age and situation reach no
access log) and the answer is shown at once, like the aiguillage's own answer page.
"""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods

from spro.core.text import raw_parameter
from spro.metiers import domains as rome
from spro.metiers.models import JobTitle, Occupation
from spro.metiers.search import count as count_titles
from spro.metiers.search import search
from spro.routing.engine import get_engine
from spro.routing.places import PlaceFinder
from spro.www.aiguillage.hours import describe_hours
from spro.www.metiers.forms import ProjectForm, SearchForm

PER_PAGE = 30
SUGGESTION_LIMIT = 8


def _grands_domaines():
    return [{"code": code, "label": label} for code, label in rome.grands_domaines().items()]


@require_GET
def index(request):
    form = SearchForm(request.GET or None)
    query = ""
    result = None
    total = 0
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if rome.is_rome_code(query.upper()) and Occupation.objects.filter(code=query.upper()).exists():
            # A suggestion chosen in the combobox sends its ROME code: straight to the fiche.
            return redirect("metiers:occupation", code=query.upper())
        if query:
            result = search(query, limit=PER_PAGE)
            total = len(result.titles) if result.corrected else count_titles(query)
    return render(
        request,
        "metiers/index.html",
        {
            "form": form,
            "query": query,
            "result": result,
            "total": total,
            "grands_domaines": _grands_domaines(),
            "loaded": Occupation.objects.exists(),
        },
    )


@require_GET
def suggestions(request):
    """Fragment for the métier combobox: job titles matching what the visitor typed, as options."""
    query = raw_parameter(request.GET.get("q", "")).strip()
    titles = search(query, limit=SUGGESTION_LIMIT).titles if len(query) >= 2 else []
    return render(
        request,
        "metiers/_suggestions.html",
        {"query": query, "titles": titles, "too_short": 0 < len(query) < 2},
    )


@require_GET
def domain(request, code: str):
    if len(code) == 1:
        if not rome.is_grand_domaine_code(code):
            raise Http404("Grand domaine inconnu")
        counts = {}
        for item in Occupation.objects.filter(grand_domaine=code).values_list("domain", flat=True):
            counts[item] = counts.get(item, 0) + 1
        children = [
            {"code": c, "label": label, "count": counts.get(c, 0)} for c, label in rome.domains(code).items()
        ]
        context = {"code": code, "label": rome.grand_domaine_label(code), "domains": children}
        return render(request, "metiers/grand_domaine.html", context)
    if not rome.is_domain_code(code):
        raise Http404("Domaine professionnel inconnu")
    context = {
        "code": code,
        "label": rome.domain_label(code),
        "grand_domaine": {"code": code[0], "label": rome.grand_domaine_label(code)},
        "crumbs": _crumbs(code[0]),
        "occupations": Occupation.objects.filter(domain=code).order_by("label"),
    }
    return render(request, "metiers/domaine.html", context)


def _crumbs(*codes) -> list[dict]:
    return [
        {
            "url": reverse("metiers:domain", args=[c]),
            "label": rome.grand_domaine_label(c) if len(c) == 1 else rome.domain_label(c),
        }
        for c in codes
    ]


def official_links(occupation) -> dict:
    """Links built from the ROME code (and label): fiches, formations, VAE, the Région's Carif-Oref."""
    label = occupation.label
    links = {
        "fiches": [
            {
                "title": "Fiche métier France Travail",
                "url": f"https://candidat.francetravail.fr/metierscope/fiche-metier/{occupation.code}",
            },
            {
                "title": "Rechercher ce métier sur Onisep",
                "url": f"https://www.onisep.fr/recherche?{urlencode({'context': 'metier', 'text': label})}",
            },
        ],
        "formations": [
            {
                "title": "Formations et offres en apprentissage (La bonne alternance)",
                "url": "https://labonnealternance.apprentissage.beta.gouv.fr/recherche?"
                + urlencode({"romes": occupation.code, "job_name": label}),
            },
            {
                "title": "Formations financées par le compte personnel de formation (Mon compte formation)",
                "url": "https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche/resultats?"
                + urlencode({"q": label}),
            },
        ],
        "vae": {"title": "Faire valider son expérience (France VAE)", "url": "https://vae.gouv.fr/"},
        "carif_oref": None,
    }
    if settings.SPRO_CARIF_OREF_URL:
        links["carif_oref"] = {
            "title": f"L'offre de formation de la région ({settings.SPRO_CARIF_OREF_NAME})",
            "url": settings.SPRO_CARIF_OREF_URL.replace("{code}", quote(occupation.code)),
        }
    return links


def _agenda_url(domain_code: str) -> str:
    """The agenda filtered on the domain, once the agenda is installed (issue 20, `agenda`)."""
    try:
        return f"{reverse('agenda:search')}?{urlencode({'domaine': domain_code})}"
    except NoReverseMatch:
        return ""


def _network_items(engine, answer, commune) -> list[dict]:
    items = []
    for place in answer.places:
        place["horaires_lisibles"] = describe_hours(place["horaires"])
    for rank, rec in enumerate(answer.networks):
        info = engine.network_info(rec.code)
        params = [("reseau", rec.code)] + ([("commune", commune.code)] if commune is not None else [])
        items.append(
            {
                "rec": rec,
                "first": rank == 0,
                "bring": info.get("bring", []),
                "more": info.get("more", []),
                "places": [p for p in answer.places if p["reseau"] == rec.code],
                "share_url": f"{reverse('aiguillage:answer')}?{urlencode(params)}",
            }
        )
    return items


@require_http_methods(["GET", "POST"])
def occupation(request, code: str):
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        raise Http404("Fiche métier inconnue")
    form = ProjectForm(request.POST if request.method == "POST" else None)
    valid = form.is_valid() if form.is_bound else True
    engine = get_engine()
    situation = form.situation(occupation.code) if valid else {"metier": occupation.code}
    answer = engine.route(situation, PlaceFinder())
    commune = form.found_commune() if valid else None
    titles = list(
        JobTitle.objects.filter(occupation=occupation, rarely_used=False).order_by("-is_main", "label")
    )
    context = {
        "occupation": occupation,
        "crumbs": _crumbs(occupation.grand_domaine, occupation.domain),
        "titles": [t for t in titles if t.label != occupation.label],
        "links": official_links(occupation),
        "form": form,
        "answered": form.is_bound and valid,
        "networks": _network_items(engine, answer, commune),
        "commune": commune,
        "first_level": engine.first_level(situation.get("besoin")),
        "agenda_url": _agenda_url(occupation.domain),
        "events": [],  # upcoming events of the domain near the person: wired by the agenda
    }
    return render(request, "metiers/occupation.html", context)
