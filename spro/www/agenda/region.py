"""The Région's moderation of the agenda: events of structures that are not SPRO members wait here when
SPRO_EVENTS_MODERATION is on; an instructor or administrator publishes or refuses each (logged)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from spro.accounts.decorators import region_staff_required
from spro.events import workflow
from spro.events.models import Event, State
from spro.www.agenda.forms import ModerationForm


def _pending():
    return (
        Event.objects.filter(state=State.PENDING)
        .select_related("structure", "commune")
        .order_by("start", "id")
    )


@region_staff_required
@require_GET
def moderation(request):
    return render(
        request,
        "agenda/moderation.html",
        {
            "events": [(event, ModerationForm(prefix=f"e{event.pk}")) for event in _pending()],
            "enabled": settings.SPRO_EVENTS_MODERATION,
        },
    )


@region_staff_required
@require_POST
def moderate(request, pk: int):
    event = get_object_or_404(Event, pk=pk)
    form = ModerationForm(request.POST, prefix=f"e{event.pk}")
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "valider"
        try:
            workflow.moderate(event, approve, request.user, form.cleaned_data["reason"])
        except workflow.Refused as refusal:
            messages.error(request, str(refusal))
            return redirect("agenda_region:moderation")
        messages.success(request, f"« {event.title} » est {'publié' if approve else 'refusé'}.")
        return redirect("agenda_region:moderation")
    rows = [
        (other, form if other.pk == event.pk else ModerationForm(prefix=f"e{other.pk}"))
        for other in _pending()
    ]
    return render(
        request,
        "agenda/moderation.html",
        {"events": rows, "enabled": settings.SPRO_EVENTS_MODERATION},
        status=422,
    )
