"""Professional pages of referrals and contact requests. State changes go through
`actions.process_referral()` (which also sends the email) and `ContactRequest.process()` only."""

import re
import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spro.activity.models import Reception
from spro.core.guards import submitted_once
from spro.core.text import free_text_problem
from spro.directory.models import Site, Structure
from spro.referrals.actions import create_referral, is_third_door, process_referral
from spro.referrals.models import ContactRequest, PersonalDataAccess, Referral
from spro.referrals.workflow import RECEIVER, SENDER, ContactStatus, InvalidTransition, ReferralState
from spro.routing.codes import BESOINS
from spro.routing.engine import get_engine
from spro.routing.places import PlaceFinder
from spro.www.orientations.access import member_required
from spro.www.orientations.forms import ReferralForm, SituationForm, TransitionForm

PER_PAGE = 25
NOTE_MAX_LENGTH = 2000
READ_PURPOSE_REFERRAL = "Traiter l'orientation reçue (page de l'orientation)"
READ_PURPOSE_CONTACT = "Recontacter la personne (page de la demande de contact)"
# Free texts shown without the contact details (both sides, open or closed): logged all the same.
READ_PURPOSE_TEXTS = {
    RECEIVER: "Suivre l'orientation reçue (textes libres de la page)",
    SENDER: "Suivre l'orientation envoyée (textes libres de la page)",
}
READ_PURPOSE_CONTACT_NOTE = "Suivre la demande de contact (note de suivi)"


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _state_filter(request, queryset, field: str, choices):
    state = request.GET.get("etat", "")
    if state in dict(choices):
        queryset = queryset.filter(**{field: state})
    return queryset, state


# The two lists differ only in their words and in which structure they name: the other side.
LISTS = {
    "recues": {
        "title": "Orientations reçues",
        "intro": "Les personnes que d'autres structures orientent vers vos lieux d'accueil. "
        "Acceptez ou refusez chaque orientation.",
        "other_column": "Par",
        "site_column": "Vers le lieu",
        "other_field": "sender_structure",
        "empty": "Aucune orientation reçue",
    },
    "envoyees": {
        "title": "Orientations envoyées",
        "intro": "Les personnes que votre structure a orientées vers une deuxième porte, "
        "et la réponse de celle-ci.",
        "other_column": "Vers",
        "site_column": "Lieu",
        "other_field": "to_structure",
        "empty": "Aucune orientation envoyée",
    },
}


def _referral_list(request, queryset, tab):
    words = LISTS[tab]
    queryset, state = _state_filter(
        request, queryset.select_related(words["other_field"], "to_site"), "state", ReferralState.choices
    )
    page = _page(request, queryset)
    for referral in page.object_list:
        referral.other_structure = getattr(referral, words["other_field"])
    context = {"page": page, "state": state, "states": ReferralState.choices, "tab": tab, **words}
    return render(request, "orientations/referral_list.html", context)


@require_GET
@member_required
def received(request):
    return _referral_list(request, Referral.objects.received_by(request.user), "recues")


@require_GET
@member_required
def sent(request):
    return _referral_list(request, Referral.objects.sent_by(request.user), "envoyees")


@require_GET
@member_required
def contact_requests(request):
    queryset = ContactRequest.objects.visible_to(request.user).select_related("site__structure")
    queryset, state = _state_filter(request, queryset, "status", ContactStatus.choices)
    context = {
        "page": _page(request, queryset),
        "state": state,
        "states": ContactStatus.choices,
        "tab": "demandes",
    }
    return render(request, "orientations/contact_requests.html", context)


def _suggestions(form) -> dict:
    """Engine suggestions for the situation, with the nearest sites (other structures only)."""
    engine = get_engine()
    situation = form.situation()
    answer = engine.route(situation, PlaceFinder())
    sender = form.sender_structure
    networks = [n.code for n in answer.networks]
    extra = form.cleaned_data.get("reseau")
    places = list(answer.places)
    if extra and extra not in networks and situation.get("commune"):
        # A network the professional chose: its nearest sites, whatever services they list.
        places += PlaceFinder().find(situation["commune"], [extra], None, engine.compiled.need_map)
        networks.append(extra)
    own_sites = set(sender.sites.values_list("pk", flat=True))
    places = [p for p in places if p["id"] not in own_sites]
    offline = set(
        Site.objects.filter(
            pk__in=[p["id"] for p in places], structure__in=Structure.objects.without_active_member()
        ).values_list("pk", flat=True)
    )
    for place in places:
        place["hors_ligne"] = place["id"] in offline
        place["reseau_libelle"] = engine.labels.get(place["reseau"], place["reseau"])
    return {
        "situation": situation,
        "recommendations": answer.networks,
        "places": places,
        "networks": networks,
        "own_network_first": bool(answer.networks) and answer.networks[0].code == sender.network.code,
        "third_door": is_third_door(sender, form.cleaned_data.get("premiere_porte"), form.previous_referral),
    }


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# Step 1 is kept in the professional's session under a random key, the only thing step 2's address
# carries: the person's age, sex or disability recognition never reach an access log or a history.
SITUATIONS_SESSION_KEY = "orientations_situations"
MAX_KEPT_SITUATIONS = 5  # a few tabs at once; an older one starts again from step 1
REFERRAL_NUMBER = re.compile(r"[0-9]{1,18}")


def _kept_situations(request) -> dict:
    kept = request.session.get(SITUATIONS_SESSION_KEY)
    return kept if isinstance(kept, dict) else {}


def _keep_situation(request, form) -> str:
    data = {name: form.data[name] for name in form.fields if form.data.get(name) not in (None, "")}
    key = secrets.token_urlsafe(16)
    kept = {**_kept_situations(request), key: data}
    request.session[SITUATIONS_SESSION_KEY] = dict(list(kept.items())[-MAX_KEPT_SITUATIONS:])
    return key


def _forget_situation(request, key: str) -> None:
    kept = _kept_situations(request)
    kept.pop(key, None)
    request.session[SITUATIONS_SESSION_KEY] = kept


def _reorient_initial(request) -> dict:
    """Step 1 filled with the anonymous situation of a referral the user's structure sent (`?depuis=`)."""
    number = request.GET.get("depuis", "")
    if not REFERRAL_NUMBER.fullmatch(number):
        return {}
    referral = Referral.objects.sent_by(request.user).filter(pk=int(number)).first()
    if referral is None:
        return {}
    initial = {k: v for k, v in referral.situation.items() if k != "premiere_porte" and v is not False}
    initial["structure"] = referral.sender_structure_id
    return initial


def _step_one(request, form):
    return render(request, "orientations/new_situation.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_required
@submitted_once
def new(request):
    if request.method == "POST" and request.POST.get("etape") == "situation":
        situation_form = SituationForm(request.POST, user=request.user)
        if not situation_form.is_valid():
            return _step_one(request, situation_form)
        key = _keep_situation(request, situation_form)
        response = redirect(f"{reverse('orientations:new')}?{urlencode({'situation': key})}")
        response.status_code = 303  # followed with a GET: reload and back never post again
        return response
    key = request.GET.get("situation", "")
    data = _kept_situations(request).get(key) if key else None
    if data is None:
        if request.method == "POST":
            messages.error(
                request, "La situation de la personne est à compléter avant d'envoyer l'orientation."
            )
        return _step_one(request, SituationForm(initial=_reorient_initial(request), user=request.user))
    situation_form = SituationForm(data, user=request.user)
    if "modifier" in request.GET or not situation_form.is_valid():
        if request.method == "POST":
            messages.error(
                request, "La situation de la personne est à compléter avant d'envoyer l'orientation."
            )
        return _step_one(request, situation_form)
    suggestions = _suggestions(situation_form)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = create_referral(
                sender_structure=situation_form.sender_structure,
                user=request.user,
                to_site=data["to_site"],
                situation=suggestions["situation"],
                need=situation_form.cleaned_data["besoin"],
                mode=data["mode"],
                consent_kind=data["consent_kind"],
                person_name=data["person_name"],
                person_phone=data["person_phone"],
                person_email=data["person_email"],
                message=data["message"],
                previous_door=situation_form.cleaned_data.get("premiere_porte") or "",
                previous_referral=situation_form.previous_referral,
                third_door_reason=data["third_door_reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _forget_situation(request, key)
            messages.success(request, f"Orientation n° {referral.pk} envoyée à {referral.to_structure.name}.")
            return redirect("orientations:detail", pk=referral.pk)
    chosen = form.data.get("to_site") if form.is_bound else None
    # The template draws one radio button per proposed place: the summary links to the first one.
    form.anchors["to_site"] = f"lieu-{suggestions['places'][0]['id']}" if suggestions["places"] else "lieu"
    context = {
        "situation_form": situation_form,
        "form": form,
        "situation_key": key,
        "besoin_label": BESOINS[situation_form.cleaned_data["besoin"]],
        "chosen": str(chosen or ""),
        **suggestions,
    }
    return render(request, "orientations/new_referral.html", context)


def _referral_or_404(request, pk):
    queryset = Referral.objects.visible_to(request.user).select_related(
        "sender_structure",
        "sender_user",
        "to_site__commune",
        "to_structure",
        "refusal_reason",
        "consent_recorded_by",
    )
    return get_object_or_404(queryset, pk=pk)


@require_GET
@member_required
def detail(request, pk: int):
    return _detail_page(request, _referral_or_404(request, pk))


def _detail_page(request, referral, failed: str = "", failed_form=None, status: int = 200):
    """The referral page; after a refused answer, the form of that answer is drawn bound, in error, on the
    shared pattern (summary focused, fields marked), and the others blank."""
    side = referral.side_of(request.user)
    # After a refused answer the page is drawn again without the person's details: a POST that records
    # nothing must not write a read of personal data either (the details are one click away).
    show_contact = referral.contact_visible_to(request.user) and failed_form is None
    show_free_texts = referral.has_free_texts() and failed_form is None
    if show_contact or show_free_texts:
        purpose = READ_PURPOSE_REFERRAL if show_contact else READ_PURPOSE_TEXTS[side]
        PersonalDataAccess.record(request.user, PersonalDataAccess.RecordType.REFERRAL, referral.pk, purpose)
    answers = [
        (
            t,
            failed_form
            if t.name == failed and failed_form is not None
            else TransitionForm(auto_id=f"%s-{t.name}"),
        )
        for t in referral.transitions_for(request.user)
    ]
    context = {
        "referral": referral,
        "side": side,
        "show_contact": show_contact,
        "show_free_texts": show_free_texts,
        "transitions": answers,
        "history": referral.transitions.select_related("user", "refusal_reason"),
        "besoin_label": BESOINS.get(referral.need, referral.need),
        "answer_in_error": failed_form,  # for the page title (« Erreur : … »)
        # The first door's reception log entry that counts this referral (its second-door share).
        "counted_in": Reception.objects.filter(referral=referral).order_by("pk").first(),
    }
    return render(request, "orientations/detail.html", context, status=status)


@require_POST
@member_required
def transition(request, pk: int, name: str):
    referral = _referral_or_404(request, pk)
    form = TransitionForm(request.POST, auto_id=f"%s-{name}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            process_referral(
                referral,
                name,
                user=request.user,
                reason=data.get("comment", ""),
                refusal_reason=data.get("refusal_reason"),
            )
        except InvalidTransition as error:
            if name not in {t.name for t in referral.transitions_for(request.user)}:
                # Not a mistake in the form: this answer is no longer possible (someone else answered).
                messages.error(request, str(error))
                return redirect("orientations:detail", pk=referral.pk)
            field = "refusal_reason" if data.get("refusal_reason") is None and "motif" in str(error) else None
            form.add_error(field, str(error))
        else:
            messages.success(
                request, f"Orientation n° {referral.pk} : {referral.get_state_display().lower()}."
            )
            return redirect("orientations:detail", pk=referral.pk)
    # Nothing was recorded: the page again, with this answer's form in error.
    referral.refresh_from_db()
    return _detail_page(request, referral, failed=name, failed_form=form, status=422)


def _contact_request_or_404(request, pk):
    return get_object_or_404(
        ContactRequest.objects.visible_to(request.user).select_related("site__structure"), pk=pk
    )


@require_GET
@member_required
def contact_request(request, pk: int):
    item = _contact_request_or_404(request, pk)
    show_contact = item.contact_visible_to(request.user)
    show_free_texts = item.has_free_texts()
    if show_contact or show_free_texts:
        purpose = READ_PURPOSE_CONTACT if show_contact else READ_PURPOSE_CONTACT_NOTE
        PersonalDataAccess.record(
            request.user, PersonalDataAccess.RecordType.CONTACT_REQUEST, item.pk, purpose
        )
    context = {
        "item": item,
        "show_contact": show_contact,
        "show_free_texts": show_free_texts,
        "transitions": item.transitions_for(request.user),
        "history": item.events.select_related("user"),
        "besoin_label": BESOINS.get(item.situation.get("besoin", ""), ""),
    }
    return render(request, "orientations/contact_request.html", context)


@require_POST
@member_required
def contact_request_transition(request, pk: int, name: str):
    item = _contact_request_or_404(request, pk)
    note = request.POST.get("note", "")
    problem = free_text_problem(note, NOTE_MAX_LENGTH)
    if problem:
        messages.error(request, f"Note refusée, rien n'a été enregistré : {problem}.")
        return redirect("orientations:contact_request", pk=item.pk)
    try:
        item.process(name, user=request.user, note=note)
    except InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Demande de contact n° {item.pk} : {item.get_status_display().lower()}.")
    return redirect("orientations:contact_request", pk=item.pk)
