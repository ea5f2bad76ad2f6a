"""Members' side of the agenda (espace pro): their structures' events, publishing, editing, cancelling,
the list of people registered (personal data: members of the organising structure only) and its export,
and the professional calendar (public and professionals-only events).

Who may do what follows the directory's permissions: members of the structure (and the Région's
administrators) publish and edit; other people get a 404 for a structure they cannot read, 403 for an
action they may not do. Every write goes through spro.events.workflow, which logs it.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spro.core.guards import submitted_once
from spro.core.spreadsheets import FORMATS, table_response
from spro.directory import permissions
from spro.directory.models import Membership, Structure
from spro.events import feeds, workflow
from spro.events.models import PARIS, Event, FeedToken, State
from spro.www.agenda.forms import CancelForm, EventForm, FeedTokenForm
from spro.www.agenda.views import agenda_page

HISTORY_FIELDS = EventForm.Meta.fields


def _structure_for(request, pk) -> Structure:
    structure = get_object_or_404(Structure, pk=pk)
    if not permissions.can_view_structure(request.user, structure):
        raise Http404("Structure inconnue")
    if not permissions.can_edit_content(request.user, structure):
        raise PermissionDenied
    return structure


def _event_for(request, pk) -> Event:
    event = get_object_or_404(Event.objects.select_related("structure", "commune", "site"), pk=pk)
    _structure_for(request, event.structure_id)
    return event


@login_required
@require_GET
def index(request):
    structures = list(Structure.objects.filter(memberships__user=request.user).distinct().order_by("name"))
    events = (
        Event.objects.filter(structure__in=structures)
        .select_related("structure", "commune")
        .order_by("-start", "-id")[:200]
    )
    return render(
        request,
        "agenda/pro_index.html",
        {
            "structures": [(structure, workflow.needs_moderation(structure)) for structure in structures],
            "events": events,
        },
    )


FRESH_TOKEN_KEY = "agenda_feed_token"


@login_required
@require_GET
def calendar(request):
    """The professional calendar: public and professionals-only events, same filters as /agenda/, and the
    member's private subscription link (shown once, right after it is made)."""
    fresh = request.session.pop(FRESH_TOKEN_KEY, None)
    response = agenda_page(
        request,
        professionals=True,
        template="agenda/pro_calendar.html",
        extra={
            "feed": FeedToken.objects.filter(user=request.user).first(),
            "may_subscribe": feeds.may_subscribe(request.user),
            "fresh_feed_url": settings.SPRO_BASE_URL + reverse("agenda:pro_feed", args=[fresh])
            if fresh
            else "",
        },
    )
    if fresh:  # the page holds the link: nobody may keep or pass it on
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def feed_token(request):
    """Make a new subscription link (the previous one stops working) or revoke it."""
    form = FeedTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "core/refused.html",
            {"message": "Action inconnue : créez un nouveau lien ou révoquez le lien existant."},
            status=400,
        )
    if form.cleaned_data["action"] == "revoquer":
        if feeds.revoke(request.user):
            messages.success(
                request, "Le lien d'abonnement est révoqué : les agendas abonnés ne le liront plus."
            )
        return redirect(reverse("agenda_pro:calendar") + "#abonnement")
    if not feeds.may_subscribe(request.user):
        raise PermissionDenied(
            "Le calendrier professionnel s'adresse aux membres des structures et à la Région."
        )
    request.session[FRESH_TOKEN_KEY] = feeds.issue(request.user)
    messages.success(
        request, "Votre lien d'abonnement est créé : copiez-le maintenant, il ne sera plus affiché."
    )
    return redirect(reverse("agenda_pro:calendar") + "#abonnement")


def _value(event, name) -> str:
    value = getattr(event, f"{name}_id", None) if name in ("site", "commune") else getattr(event, name)
    if hasattr(value, "astimezone"):
        return value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
    return "" if value is None else str(value)


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def create(request, pk: int):
    structure = _structure_for(request, pk)
    form = EventForm(request.POST or None, instance=Event(structure=structure), structure=structure)
    if request.method == "POST":
        if form.is_valid():
            event = workflow.publish(form.instance, request.user)
            if event.state == State.PENDING:
                messages.info(
                    request, "L'événement est enregistré : il sera publié quand la Région l'aura validé."
                )
            else:
                messages.success(request, "L'événement est publié dans l'agenda.")
            return redirect("agenda:event", pk=event.pk)
        return render(request, "agenda/event_form.html", {"form": form, "structure": structure}, status=422)
    return render(request, "agenda/event_form.html", {"form": form, "structure": structure})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    event = _event_for(request, pk)
    context = {"structure": event.structure, "event": event}
    if event.is_cancelled:
        return render(
            request, "core/refused.html", {"message": "Un événement annulé ne se modifie plus."}, status=400
        )
    before = {name: _value(event, name) for name in HISTORY_FIELDS}
    form = EventForm(request.POST or None, instance=event, structure=event.structure)
    context["form"] = form
    if request.method == "POST":
        if form.is_valid():
            changed = {}
            for name in HISTORY_FIELDS:
                after = _value(form.instance, name)
                if after != before[name]:
                    changed[name] = [before[name], after]
            event = workflow.update(form.instance, changed, request.user)
            if event.state == State.PENDING:
                messages.info(
                    request,
                    "L'événement est modifié : il sera de nouveau publié quand la Région l'aura validé.",
                )
            else:
                messages.success(request, "L'événement est modifié.")
            return redirect("agenda:event", pk=event.pk)
        return render(request, "agenda/event_form.html", context, status=422)
    return render(request, "agenda/event_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    event = _event_for(request, pk)
    form = CancelForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                workflow.cancel(event, request.user, form.cleaned_data["reason"])
            except workflow.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request, "L'événement est annulé : l'agenda et les calendriers abonnés l'indiquent."
                )
                return redirect("agenda:event", pk=event.pk)
        status = 422
    return render(request, "agenda/cancel.html", {"event": event, "form": form}, status=status)


@login_required
@require_GET
def attendees(request, pk: int):
    """People registered: their names and e-mails are shown to members of the organising structure only
    (the Région, which may read the structure, gets a 403)."""
    event = _event_for(request, pk)
    if not Membership.objects.filter(user=request.user, structure=event.structure_id).exists():
        raise PermissionDenied("Les inscrits ne sont visibles que des membres de la structure organisatrice.")
    people = list(event.attendees.order_by("created_at", "id"))
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            return render(
                request,
                "core/refused.html",
                {"message": "Format inconnu : choisissez csv, xlsx ou ods."},
                status=400,
            )
        rows = [
            [person.name, person.email, person.created_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")]
            for person in people
        ]
        return table_response(
            f"inscrits-evenement-{event.pk}", ["Nom", "Courriel", "Inscrit le"], rows, fmt, "Inscrits"
        )
    return render(request, "agenda/attendees.html", {"event": event, "people": people})
